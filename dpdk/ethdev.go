package dpdk

/*
#include "shim.h"

static int w2k_port_configure(uint16_t port, uint16_t nrxq, uint16_t ntxq, int rss, int ts,
	uint64_t *rss_hf)
{
	struct rte_eth_dev_info info;
	int rc = rte_eth_dev_info_get(port, &info);
	if (rc < 0)
		return rc;
	struct rte_eth_conf conf;
	memset(&conf, 0, sizeof(conf));
	*rss_hf = 0;
	if (rss && nrxq > 1 && info.flow_type_rss_offloads != 0) {
		conf.rxmode.mq_mode = RTE_ETH_MQ_RX_RSS;
		conf.rx_adv_conf.rss_conf.rss_hf =
			(RTE_ETH_RSS_IP | RTE_ETH_RSS_TCP | RTE_ETH_RSS_UDP) & info.flow_type_rss_offloads;
		*rss_hf = conf.rx_adv_conf.rss_conf.rss_hf;
	}
	if (ts)
		conf.rxmode.offloads |= RTE_ETH_RX_OFFLOAD_TIMESTAMP;
	return rte_eth_dev_configure(port, nrxq, ntxq, &conf);
}

static int w2k_port_link(uint16_t port, uint32_t *speed, int *duplex, int *autoneg, int *up)
{
	struct rte_eth_link l;
	memset(&l, 0, sizeof(l));
	int rc = rte_eth_link_get_nowait(port, &l);
	*speed = l.link_speed;
	*duplex = l.link_duplex;
	*autoneg = l.link_autoneg;
	*up = l.link_status;
	return rc;
}
*/
import "C"

import (
	"fmt"
	"net"
	"strings"
	"unsafe"
)

// Port is an ethdev port id. Its burst methods are safe for concurrent use
// on different queues; one queue belongs to one goroutine.
type Port uint16

// Ports returns all valid ports, ascending.
func Ports() []Port {
	if !Initialized() {
		return nil
	}
	var out []Port
	for p := C.rte_eth_find_next(0); p < C.RTE_MAX_ETHPORTS; p = C.rte_eth_find_next(p + 1) {
		out = append(out, Port(p))
	}
	return out
}

// PortByName finds a port by device name: a vdev name such as "net_pcap0"
// or a PCI address ("0000:03:00.0"; the short "03:00.0" also works). The
// error wraps ErrNoPort and lists the ports there are.
func PortByName(name string) (Port, error) {
	if !Initialized() {
		return 0, ErrNotInitialized
	}
	try := []string{name}
	if strings.Count(name, ":") == 1 && strings.Contains(name, ".") {
		try = append(try, "0000:"+name)
	}
	for _, n := range try {
		cn := C.CString(n)
		var id C.uint16_t
		rc := C.rte_eth_dev_get_port_by_name(cn, &id)
		C.free(unsafe.Pointer(cn))
		if rc == 0 {
			return Port(id), nil
		}
	}
	var names []string
	for _, p := range Ports() {
		names = append(names, p.Name())
	}
	return 0, fmt.Errorf("%w: %q (ports: %s)", ErrNoPort, name, strings.Join(names, ", "))
}

// Name returns the port's device name.
func (p Port) Name() string {
	var buf [C.RTE_ETH_NAME_MAX_LEN]C.char
	if C.rte_eth_dev_get_name_by_port(C.uint16_t(p), &buf[0]) != 0 {
		return fmt.Sprintf("port%d", uint16(p))
	}
	return C.GoString(&buf[0])
}

// PortInfo is what a port's driver says it can do (rte_eth_dev_info).
type PortInfo struct {
	Driver              string // driver name, e.g. "net_pcap"
	MaxRxQueues         int
	MaxTxQueues         int
	RxOffloadCapa       uint64 // RTE_ETH_RX_OFFLOAD_* bits
	FlowTypeRSSOffloads uint64 // RSS hash types supported; 0: no RSS
	Socket              int    // NUMA socket, or -1 if unknown
}

// Timestamp reports whether the port offers the RX timestamp offload.
func (i PortInfo) Timestamp() bool { return i.RxOffloadCapa&C.RTE_ETH_RX_OFFLOAD_TIMESTAMP != 0 }

// Info returns the port's capabilities.
func (p Port) Info() (PortInfo, error) {
	var info C.struct_rte_eth_dev_info
	if rc := C.rte_eth_dev_info_get(C.uint16_t(p), &info); rc < 0 {
		return PortInfo{}, errnoErr(fmt.Sprintf("port %d: rte_eth_dev_info_get", uint16(p)), rc)
	}
	return PortInfo{
		Driver:              C.GoString(info.driver_name),
		MaxRxQueues:         int(info.max_rx_queues),
		MaxTxQueues:         int(info.max_tx_queues),
		RxOffloadCapa:       uint64(info.rx_offload_capa),
		FlowTypeRSSOffloads: uint64(info.flow_type_rss_offloads),
		Socket:              int(C.rte_eth_dev_socket_id(C.uint16_t(p))),
	}, nil
}

// PortConfig configures Port.Configure.
type PortConfig struct {
	// RxQueues and TxQueues are the queue counts (zero means one).
	RxQueues, TxQueues uint16
	// RxDesc and TxDesc are descriptors per queue (zero means 1024),
	// adjusted to the driver's limits.
	RxDesc, TxDesc uint16
	// Pool supplies the mbufs of every RX queue, unless RxPools has one
	// per queue.
	Pool    *Pool
	RxPools []*Pool
	// RSS spreads flows over the RX queues when there are several and the
	// driver supports RSS (IP, TCP and UDP hash types it offers).
	RSS bool
	// RxTimestamp enables the RX timestamp offload (an error if the driver
	// lacks it); read the stamps with LookupRxTimestamp after Start.
	// net_pcap in DPDK 22.11 does not offer the offload but stamps every
	// packet anyway with its capture time in microseconds since the epoch.
	RxTimestamp bool
	// Promiscuous enables promiscuous mode (ignored where unsupported).
	Promiscuous bool
	// Socket is the NUMA socket for queue memory; zero means the port's.
	Socket int
}

// PortSetup is what Configure did.
type PortSetup struct {
	RxDesc, TxDesc uint16 // descriptors per queue after adjustment
	RSSHashTypes   uint64 // RSS hash types enabled; 0 if RSS is off
}

// Configure configures the port and sets up its queues; call Start next.
func (p Port) Configure(cfg PortConfig) (PortSetup, error) {
	var st PortSetup
	id := C.uint16_t(p)
	pfx := fmt.Sprintf("port %d (%s)", uint16(p), p.Name())
	if cfg.RxQueues == 0 {
		cfg.RxQueues = 1
	}
	if cfg.TxQueues == 0 {
		cfg.TxQueues = 1
	}
	if cfg.RxDesc == 0 {
		cfg.RxDesc = 1024
	}
	if cfg.TxDesc == 0 {
		cfg.TxDesc = 1024
	}
	if cfg.RxPools != nil && len(cfg.RxPools) != int(cfg.RxQueues) {
		return st, fmt.Errorf("dpdk: %s: %d RX pools for %d RX queues", pfx, len(cfg.RxPools), cfg.RxQueues)
	}
	if cfg.RxPools == nil && cfg.Pool == nil {
		return st, fmt.Errorf("dpdk: %s: no mempool for the RX queues", pfx)
	}
	socket := C.uint(C.rte_eth_dev_socket_id(id))
	if cfg.Socket != 0 || int(C.rte_eth_dev_socket_id(id)) < 0 {
		socket = C.uint(max(cfg.Socket, 0))
	}
	if cfg.RxTimestamp {
		info, err := p.Info()
		if err != nil {
			return st, err
		}
		if !info.Timestamp() {
			return st, fmt.Errorf("dpdk: %s: driver %s does not offer the RX timestamp offload", pfx, info.Driver)
		}
	}
	var rss, ts C.int
	if cfg.RSS {
		rss = 1
	}
	if cfg.RxTimestamp {
		ts = 1
	}
	var hf C.uint64_t
	if rc := C.w2k_port_configure(id, C.uint16_t(cfg.RxQueues), C.uint16_t(cfg.TxQueues), rss, ts, &hf); rc < 0 {
		return st, errnoErr(fmt.Sprintf("%s: configure %d RX / %d TX queues, RSS %v, timestamp %v",
			pfx, cfg.RxQueues, cfg.TxQueues, cfg.RSS, cfg.RxTimestamp), rc)
	}
	st.RSSHashTypes = uint64(hf)
	rxd, txd := C.uint16_t(cfg.RxDesc), C.uint16_t(cfg.TxDesc)
	if rc := C.rte_eth_dev_adjust_nb_rx_tx_desc(id, &rxd, &txd); rc < 0 {
		return st, errnoErr(pfx+": adjust descriptors", rc)
	}
	st.RxDesc, st.TxDesc = uint16(rxd), uint16(txd)
	for q := uint16(0); q < cfg.RxQueues; q++ {
		pool := cfg.Pool
		if cfg.RxPools != nil {
			pool = cfg.RxPools[q]
		}
		if rc := C.rte_eth_rx_queue_setup(id, C.uint16_t(q), rxd, socket, nil, pool.cptr()); rc < 0 {
			return st, errnoErr(fmt.Sprintf("%s: RX queue %d setup", pfx, q), rc)
		}
	}
	for q := uint16(0); q < cfg.TxQueues; q++ {
		if rc := C.rte_eth_tx_queue_setup(id, C.uint16_t(q), txd, socket, nil); rc < 0 {
			return st, errnoErr(fmt.Sprintf("%s: TX queue %d setup", pfx, q), rc)
		}
	}
	if cfg.Promiscuous {
		if rc := C.rte_eth_promiscuous_enable(id); rc < 0 && rc != -C.ENOTSUP {
			return st, errnoErr(pfx+": promiscuous mode", rc)
		}
	}
	return st, nil
}

// SetPromiscuous enables or disables promiscuous mode.
func (p Port) SetPromiscuous(on bool) error {
	var rc C.int
	if on {
		rc = C.rte_eth_promiscuous_enable(C.uint16_t(p))
	} else {
		rc = C.rte_eth_promiscuous_disable(C.uint16_t(p))
	}
	if rc < 0 {
		return errnoErr(fmt.Sprintf("port %d: promiscuous %v", uint16(p), on), rc)
	}
	return nil
}

// Promiscuous reports whether promiscuous mode is on.
func (p Port) Promiscuous() bool { return C.rte_eth_promiscuous_get(C.uint16_t(p)) == 1 }

// Start starts the port (rte_eth_dev_start).
func (p Port) Start() error {
	if rc := C.rte_eth_dev_start(C.uint16_t(p)); rc < 0 {
		return errnoErr(fmt.Sprintf("port %d (%s): start", uint16(p), p.Name()), rc)
	}
	return nil
}

// Stop stops the port (rte_eth_dev_stop). No burst may run on it then.
func (p Port) Stop() error {
	if rc := C.rte_eth_dev_stop(C.uint16_t(p)); rc < 0 {
		return errnoErr(fmt.Sprintf("port %d: stop", uint16(p)), rc)
	}
	return nil
}

// Close releases the port (rte_eth_dev_close); stop it first.
func (p Port) Close() error {
	if rc := C.rte_eth_dev_close(C.uint16_t(p)); rc < 0 {
		return errnoErr(fmt.Sprintf("port %d: close", uint16(p)), rc)
	}
	return nil
}

// RxBurst receives up to n packets from RX queue q into entries [0, n) of
// a in one cgo call (rte_eth_rx_burst) and returns how many it received.
// The caller owns them and must free, transmit or enqueue each.
func (p Port) RxBurst(q uint16, a *MbufArray, n int) int {
	c := a.span(0, n)
	return int(C.rte_eth_rx_burst(C.uint16_t(p), C.uint16_t(q), cmbufs(c), C.uint16_t(n)))
}

// TxBurst queues entries [off, off+n) of a for transmission on TX queue q
// in one cgo call (rte_eth_tx_burst) and returns how many the driver took
// (the first ones; it owns them now). The caller still owns the rest.
func (p Port) TxBurst(q uint16, a *MbufArray, off, n int) int {
	c := a.span(off, n)
	return int(C.rte_eth_tx_burst(C.uint16_t(p), C.uint16_t(q), cmbufs(c), C.uint16_t(n)))
}

// Stats are a port's basic counters (struct rte_eth_stats).
type Stats struct {
	IPackets, OPackets uint64 // packets received and sent
	IBytes, OBytes     uint64 // bytes received and sent
	IMissed            uint64 // packets the NIC dropped: RX queues full
	IErrors, OErrors   uint64 // erroneous packets received, failed sends
	RxNoMbuf           uint64 // RX mbuf allocation failures
}

// Stats reads the basic counters.
func (p Port) Stats() (Stats, error) {
	var s C.struct_rte_eth_stats
	if rc := C.rte_eth_stats_get(C.uint16_t(p), &s); rc < 0 {
		return Stats{}, errnoErr(fmt.Sprintf("port %d: stats", uint16(p)), rc)
	}
	return Stats{
		IPackets: uint64(s.ipackets), OPackets: uint64(s.opackets),
		IBytes: uint64(s.ibytes), OBytes: uint64(s.obytes),
		IMissed: uint64(s.imissed), IErrors: uint64(s.ierrors), OErrors: uint64(s.oerrors),
		RxNoMbuf: uint64(s.rx_nombuf),
	}, nil
}

// ResetStats zeroes the basic counters.
func (p Port) ResetStats() error {
	if rc := C.rte_eth_stats_reset(C.uint16_t(p)); rc < 0 {
		return errnoErr(fmt.Sprintf("port %d: stats reset", uint16(p)), rc)
	}
	return nil
}

// XStat is one extended statistic.
type XStat struct {
	Name  string
	Value uint64
}

// XStats reads the extended statistics, names and values (allocates; for
// scrape time, not the data path).
func (p Port) XStats() ([]XStat, error) {
	id := C.uint16_t(p)
	n := C.rte_eth_xstats_get_names(id, nil, 0)
	if n < 0 {
		return nil, errnoErr(fmt.Sprintf("port %d: xstats names", uint16(p)), n)
	}
	if n == 0 {
		return nil, nil
	}
	names := (*C.struct_rte_eth_xstat_name)(C.calloc(C.size_t(n), C.sizeof_struct_rte_eth_xstat_name))
	defer C.free(unsafe.Pointer(names))
	vals := (*C.struct_rte_eth_xstat)(C.calloc(C.size_t(n), C.sizeof_struct_rte_eth_xstat))
	defer C.free(unsafe.Pointer(vals))
	if rc := C.rte_eth_xstats_get_names(id, names, C.uint(n)); rc != n {
		return nil, fmt.Errorf("dpdk: port %d: xstats names: got %d of %d", uint16(p), rc, n)
	}
	if rc := C.rte_eth_xstats_get(id, vals, C.uint(n)); rc != n {
		return nil, fmt.Errorf("dpdk: port %d: xstats values: got %d of %d", uint16(p), rc, n)
	}
	ns := unsafe.Slice(names, n)
	vs := unsafe.Slice(vals, n)
	out := make([]XStat, 0, n)
	for _, v := range vs {
		if int(v.id) >= len(ns) {
			continue
		}
		out = append(out, XStat{Name: C.GoString(&ns[v.id].name[0]), Value: uint64(v.value)})
	}
	return out, nil
}

// Link is a port's link state.
type Link struct {
	Up         bool
	SpeedMbps  uint32 // RTE_ETH_SPEED_NUM_*: megabits per second
	FullDuplex bool
	Autoneg    bool
}

// Link reads the link state without waiting (rte_eth_link_get_nowait).
func (p Port) Link() (Link, error) {
	var speed C.uint32_t
	var duplex, autoneg, up C.int
	if rc := C.w2k_port_link(C.uint16_t(p), &speed, &duplex, &autoneg, &up); rc < 0 {
		return Link{}, errnoErr(fmt.Sprintf("port %d: link", uint16(p)), rc)
	}
	return Link{Up: up != 0, SpeedMbps: uint32(speed), FullDuplex: duplex != 0, Autoneg: autoneg != 0}, nil
}

// MAC returns the port's MAC address.
func (p Port) MAC() (net.HardwareAddr, error) {
	var a C.struct_rte_ether_addr
	if rc := C.rte_eth_macaddr_get(C.uint16_t(p), &a); rc < 0 {
		return nil, errnoErr(fmt.Sprintf("port %d: MAC", uint16(p)), rc)
	}
	mac := make(net.HardwareAddr, 6)
	for i := range mac {
		mac[i] = byte(a.addr_bytes[i])
	}
	return mac, nil
}
