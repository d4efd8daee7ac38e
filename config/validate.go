package config

import (
	"fmt"
	"math/bits"
	"net"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/exporter-toolkit/web"
)

// Defaults, in the units of the fields they fill (see the field docs).
const (
	DefaultFilePrefix    = "wire2kafka"
	DefaultMemoryMB      = 512
	DefaultRXQueues      = 1
	DefaultRXDescriptors = 1024
	DefaultMbufs         = 16383
	DefaultMbufCache     = 256
	DefaultDataRoom      = 2176
	DefaultRingSize      = 4096
	DefaultBurst         = 32
	DefaultSleepUS       = 50
	DefaultPriority      = 1
	DefaultResolutionNS  = 100
	DefaultBuckets       = 64
	DefaultMetricsListen = "127.0.0.1:9469"

	DefaultKafkaConnections   = 1
	DefaultQueueMessages      = 10000
	DefaultBatchMaxReports    = 256
	DefaultBatchKeyStates     = 65536
	DefaultBatchMaxBytes      = 512 << 10
	DefaultPartitions         = 1
	DefaultReplicationFactor  = 1
	DefaultBlockTimeout       = Duration(time.Second)
	DefaultLinger             = Duration(5 * time.Millisecond)
	DefaultFlushTimeout       = Duration(10 * time.Second)
	DefaultTableInterval      = Duration(5 * time.Second)
	DefaultReportInterval     = Duration(time.Second)
	librdkafkaMessageMaxBytes = 1000000 // librdkafka's default message.max.bytes
	kafkaEnvelopeBytes        = 4096    // room kept for key, headers and framing
	minHeadroomDataRoom       = 256
	maxACLPriority            = 1<<29 - 1 // RTE_ACL_MAX_PRIORITY
)

// validator runs the checks of one Validate pass.
type validator struct {
	cfg *Config
	c   *collector
}

// validate fills defaults and records every problem in c.
func (cfg *Config) validate(c *collector) {
	v := &validator{cfg: cfg, c: c}
	v.eal()
	v.ports()
	v.memory()
	v.idle()
	v.intSettings()
	v.kafka()
	v.metrics()
	v.pipelines()
	v.rules()
	cfg.validated = len(c.errs) == 0
}

// given reports whether a field was set: present in the file, or, for a
// config built in Go, non-zero.
func (v *validator) given(path string, zero bool) bool {
	if v.cfg.src != nil {
		return v.cfg.src.has(path)
	}
	return !zero
}

// intField fills the default of an int field or checks its range.
func (v *validator) intField(path string, p *int, def, lo, hi int) {
	if !v.given(path, *p == 0) {
		*p = def
		return
	}
	if *p < lo || *p > hi {
		v.c.errf(path, "must be between %d and %d, got %d", lo, hi, *p)
	}
}

// durField fills the default of a duration field or checks its range.
func (v *validator) durField(path string, p *Duration, def, lo, hi Duration) {
	if !v.given(path, *p == 0) {
		*p = def
		return
	}
	if *p < lo || *p > hi {
		v.c.errf(path, "must be between %s and %s, got %s", lo, hi, *p)
	}
}

func isPow2(n int) bool { return n > 0 && bits.OnesCount(uint(n)) == 1 }

// ownedEALFlags are the EAL flags built from config fields; eal.args may
// not repeat them.
var ownedEALFlags = map[string]string{
	"-l": "eal.lcores", "--lcores": "eal.lcores", "-c": "eal.lcores",
	"--main-lcore": "eal.main_lcore", "--master-lcore": "eal.main_lcore",
	"--file-prefix": "eal.file_prefix", "-m": "eal.memory_mb", "--socket-mem": "eal.memory_mb",
	"--no-huge": "eal.hugepages", "--in-memory": "eal.hugepages", "--huge-unlink": "eal.hugepages",
	"-a": "ports", "--allow": "ports", "--no-pci": "ports",
}

var filePrefixRE = regexp.MustCompile(`^[A-Za-z0-9_.-]+$`)

func (v *validator) eal() {
	e := &v.cfg.EAL
	if len(e.Lcores) == 0 {
		v.c.errf("eal.lcores", "required: the lcores EAL starts, like 0-1")
	} else if len(e.Lcores) < 2 {
		v.c.errf("eal.lcores", "needs at least two lcores: the main lcore and one for the workers")
	}
	if !v.given("eal.main_lcore", e.MainLcore == 0) {
		if len(e.Lcores) > 0 {
			e.MainLcore = e.Lcores[0]
		}
	} else if len(e.Lcores) > 0 && !e.Lcores.Contains(e.MainLcore) {
		v.c.errf("eal.main_lcore", "lcore %d is not in eal.lcores %s", e.MainLcore, e.Lcores)
	}
	if e.Hugepages == "" {
		e.Hugepages = HugepagesAuto
	}
	v.intField("eal.memory_mb", &e.MemoryMB, DefaultMemoryMB, 64, 1<<20)
	if !v.given("eal.file_prefix", e.FilePrefix == "") {
		e.FilePrefix = DefaultFilePrefix
	} else if !filePrefixRE.MatchString(e.FilePrefix) {
		v.c.errf("eal.file_prefix", "must be letters, digits, '_', '-' or '.', got %q", e.FilePrefix)
	}
	for i, a := range e.Args {
		flag, _, _ := strings.Cut(a, "=")
		if owner, ok := ownedEALFlags[flag]; ok {
			v.c.errf(fmt.Sprintf("eal.args[%d]", i), "%s is built from %s; set it there", flag, owner)
		}
	}
}

var pciRE = regexp.MustCompile(`^([0-9a-fA-F]{4}:)?[0-9a-fA-F]{2}:[0-9a-fA-F]{2}\.[0-7]$`)

// IsPCI reports whether a port name is a PCI address (passed to EAL as -a)
// rather than a vdev name (passed as --vdev).
func IsPCI(name string) bool { return pciRE.MatchString(name) }

func (v *validator) ports() {
	if len(v.cfg.Ports) == 0 {
		v.c.errf("ports", "required: at least one port")
	}
	seen := map[string]int{}
	for i := range v.cfg.Ports {
		p := &v.cfg.Ports[i]
		path := fmt.Sprintf("ports[%d]", i)
		switch {
		case p.Name == "":
			v.c.errf(path+".name", "required: a PCI address or a vdev name like net_pcap0")
		case !IsPCI(p.Name) && !strings.HasPrefix(p.Name, "net_"):
			v.c.errf(path+".name", "%q is neither a PCI address (0000:3b:00.0) nor a vdev name starting with net_", p.Name)
		case strings.ContainsAny(p.Name, ", "):
			v.c.errf(path+".name", "must not contain ',' or spaces; put device arguments in devargs")
		}
		if j, dup := seen[p.Name]; dup && p.Name != "" {
			v.c.errf(path+".name", "port %q is already declared at ports[%d]", p.Name, j)
		}
		seen[p.Name] = i
		v.intField(path+".rx_queues", &p.RXQueues, DefaultRXQueues, 1, 64)
		v.intField(path+".rx_descriptors", &p.RXDescriptors, DefaultRXDescriptors, 64, 16384)
		if !isPow2(p.RXDescriptors) {
			v.c.errf(path+".rx_descriptors", "must be a power of two, got %d", p.RXDescriptors)
		}
	}
}

func (v *validator) memory() {
	cfg := v.cfg
	v.intField("burst", &cfg.Burst, DefaultBurst, 32, 256)
	v.intField("rings.size", &cfg.Rings.Size, DefaultRingSize, 64, 1<<20)
	if cfg.Rings.WhenFull == "" {
		cfg.Rings.WhenFull = WhenFullWait
	}
	if !isPow2(cfg.Rings.Size) {
		v.c.errf("rings.size", "must be a power of two, got %d", cfg.Rings.Size)
	} else if cfg.Rings.Size <= cfg.Burst {
		v.c.errf("rings.size", "must be larger than burst (%d), got %d", cfg.Burst, cfg.Rings.Size)
	}
	m := &cfg.Mempool
	v.intField("mempool.mbufs", &m.Mbufs, DefaultMbufs, 1023, 1<<26)
	v.intField("mempool.cache", &m.Cache, DefaultMbufCache, 0, 512)
	v.intField("mempool.data_room", &m.DataRoom, DefaultDataRoom, minHeadroomDataRoom, 65535)
	if m.Cache*3 > m.Mbufs*2 {
		v.c.errf("mempool.cache", "must be at most mbufs/1.5 (%d), got %d", m.Mbufs*2/3, m.Cache)
	}
	need := cfg.Burst + m.Cache*len(cfg.EAL.Lcores)
	for _, p := range cfg.Ports {
		need += p.RXQueues * p.RXDescriptors
	}
	trusted := !v.c.failedUnder("ports") && !v.c.failed("burst") && !v.c.failed("mempool.cache") && !v.c.failed("eal.lcores")
	if m.Mbufs < need && trusted && !v.c.failed("mempool.mbufs") {
		v.c.errf("mempool.mbufs", "%d mbufs cannot fill the RX descriptors of every queue plus the per-lcore caches plus one burst: need at least %d", m.Mbufs, need)
	}
}

func (v *validator) idle() {
	i := &v.cfg.Idle
	if i.Policy == "" {
		i.Policy = IdleBusy
	}
	switch {
	case i.Policy == IdleSleep:
		v.intField("idle.sleep_us", &i.SleepUS, DefaultSleepUS, 1, 100000)
	case v.given("idle.sleep_us", i.SleepUS == 0):
		v.c.errf("idle.sleep_us", "only used with idle.policy sleep")
	}
}

func (v *validator) metrics() {
	m := &v.cfg.Metrics
	if !v.given("metrics.listen", m.Listen == "") {
		m.Listen = DefaultMetricsListen
	} else if _, port, err := net.SplitHostPort(m.Listen); err != nil {
		v.c.errf("metrics.listen", "must be host:port like 127.0.0.1:9469, got %q", m.Listen)
	} else if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
		v.c.errf("metrics.listen", "port must be a number 0-65535, got %q", port)
	}
	if m.WebConfigFile != "" {
		if !filepath.IsAbs(m.WebConfigFile) && v.cfg.File() != "" {
			m.WebConfigFile = filepath.Join(filepath.Dir(v.cfg.File()), m.WebConfigFile)
		}
		// The exporter-toolkit's own check: YAML, users' bcrypt hashes,
		// certificate and key files.
		if err := web.Validate(m.WebConfigFile); err != nil {
			v.c.errf("metrics.web_config_file", "%s: %v", m.WebConfigFile, err)
		}
	}
	v.durField("metrics.table_interval", &m.TableInterval, DefaultTableInterval, 0, Duration(time.Hour))
	if m.TableInterval > 0 && m.TableInterval < Duration(100*time.Millisecond) {
		v.c.errf("metrics.table_interval", "must be 0 (only at exit) or at least 100ms, got %s", m.TableInterval)
	}
	if m.StatsFormat == "" {
		m.StatsFormat = StatsJSON
	}
	if m.StatsTopic != "" {
		switch {
		case !topicRE.MatchString(m.StatsTopic) || m.StatsTopic == "." || m.StatsTopic == "..":
			v.c.errf("metrics.stats_topic", "%q is not a valid Kafka topic: 1-249 letters, digits, '.', '_' or '-'", m.StatsTopic)
		case v.cfg.Kafka.Sink != SinkKafka:
			v.c.errf("metrics.stats_topic", "needs kafka.sink kafka (the sink is %s)", v.cfg.Kafka.Sink)
		case m.TableInterval == 0:
			v.c.errf("metrics.stats_topic", "needs metrics.table_interval above 0 (it is published every interval)")
		}
	}
}
