package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/procfs"

	"wire2kafka/config"
)

// machine describes where the bench ran.
func machine(kafkaJSON string) map[string]string {
	m := map[string]string{
		"date":   time.Now().UTC().Format(time.RFC3339),
		"cpus":   strconv.Itoa(runtime.NumCPU()),
		"go":     runtime.Version(),
		"goarch": runtime.GOARCH,
	}
	if fs, err := procfs.NewDefaultFS(); err == nil {
		if ci, err := fs.CPUInfo(); err == nil && len(ci) > 0 {
			m["cpu_model"] = ci[0].ModelName
		}
		if mi, err := fs.Meminfo(); err == nil {
			for k, v := range map[string]*uint64{"memtotal": mi.MemTotal, "hugepages_total": mi.HugePagesTotal,
				"hugepages_free": mi.HugePagesFree, "hugepagesize": mi.Hugepagesize} {
				if v == nil {
					continue
				}
				m[k] = strconv.FormatUint(*v, 10)
				if k == "memtotal" || k == "hugepagesize" {
					m[k] += " kB"
				}
			}
		}
		if la, err := fs.LoadAvg(); err == nil {
			m["loadavg_at_summary"] = fmt.Sprintf("%.2f %.2f %.2f", la.Load1, la.Load5, la.Load15)
		}
	}
	if b, err := exec.Command("uname", "-r").Output(); err == nil {
		m["kernel"] = strings.TrimSpace(string(b))
	}
	if b, err := exec.Command("pkg-config", "--modversion", "libdpdk").Output(); err == nil {
		m["dpdk"] = strings.TrimSpace(string(b))
	}
	if b, err := os.ReadFile(kafkaJSON); err == nil {
		var k struct {
			Version string `json:"kafka_version"`
		}
		if json.Unmarshal(b, &k) == nil {
			m["kafka"] = k.Version
		}
	}
	return m
}

// stageShares reads the cumulative share of each worker's Poll from the
// pprof -top -cum output next to the flat one.
func stageShares(pprofPath string) map[string]float64 {
	b, err := os.ReadFile(strings.TrimSuffix(pprofPath, ".txt") + ".cum.txt")
	if err != nil {
		return nil
	}
	shares := map[string]float64{}
	var total float64
	for _, l := range strings.Split(string(b), "\n") {
		f := strings.Fields(l)
		if len(f) < 6 {
			continue
		}
		cum, err := strconv.ParseFloat(strings.TrimSuffix(f[4], "%"), 64)
		if err != nil {
			continue
		}
		for _, st := range []string{"rxWorker", "aclWorker", "flowWorker", "kafkaWorker"} {
			if strings.HasSuffix(f[5], "(*"+st+").Poll") {
				shares[st] = cum
				total += cum
			}
		}
	}
	if total == 0 {
		return nil
	}
	for k := range shares {
		shares[k] /= total
	}
	return shares
}

func med(res *Results, key, field string) float64 { return res.Figures[key][field].Median }

// writeDoc writes docs/benchmarks.md.
func writeDoc(path string, res *Results, charts []string, prof, pprofPath, kafkaProf, modelPath string) error {
	var b bytes.Buffer
	p := func(format string, a ...any) { fmt.Fprintf(&b, format, a...) }
	m := res.Machine
	p("# Benchmarks\n\n")
	p("Written by `make bench` (`deploy/bench/bench.sh`, summary by `deploy/bench/benchreport`) on %s.\n", m["date"])
	p("Ratios are the headline; absolute figures are context. In cases 1, 2 and 4 every competitor ran interleaved with the\n")
	p("others (A B A B ...) %v rounds of %vs after a warm-up; case 3 is `go test -bench -count`, which runs each encoder's rounds\n", res.Settings["rounds"], res.Settings["seconds"])
	p("back to back (both encoders in one process, seconds apart). Figures are median (min-max). Machine-readable: `out/bench/results.json`.\n\n")
	p("## Machine\n\n| | |\n|---|---|\n")
	for _, k := range []string{"cpu_model", "cpus", "memtotal", "hugepages_total", "hugepages_free", "hugepagesize", "kernel", "dpdk", "kafka", "go", "loadavg_at_summary"} {
		p("| %s | %s |\n", k, m[k])
	}
	p("\n**Shared machine**: 2 CPUs that other jobs may use during the run (load average above). A polling\n")
	p("lcore may get well under one CPU; the wall-clock Mpps figures are therefore noisy. `CPU-ns/pkt`\n")
	p("(process CPU time / packets) is less sensitive to that than `lcore-ns/pkt` (wall time x lcores / packets).\n")
	p("EAL uses hugepages (`eal.hugepages: auto`, 512 MiB) when they are free, `--no-huge` otherwise.\n\n")

	p("## Results\n\n```\n")
	var t bytes.Buffer
	table(&t, res)
	b.Write(t.Bytes())
	p("```\n\n")
	for _, c := range charts {
		p("![%s](%s)\n\n", strings.TrimSuffix(c, ".png"), c)
	}

	if lo, ok := res.Figures["4/load-10pct"]; ok {
		p("Case 4 reading: per message, from its oldest report's RX to the delivery report. p50 %.1f / %.1f / %.1f ms and\n",
			lo["latency_p50_ms"].Median, med(res, "4/load-50pct", "latency_p50_ms"), med(res, "4/load-90pct", "latency_p50_ms"))
		p("p99 %.1f / %.1f / %.1f ms at 10 / 50 / 90%% load. The floor is the two 5 ms lingers (Kafka worker batch, librdkafka)\n",
			lo["latency_p99_ms"].Median, med(res, "4/load-50pct", "latency_p99_ms"), med(res, "4/load-90pct", "latency_p99_ms"))
		p("plus the broker's acknowledgement; lowering `kafka.batch.linger` and `linger.ms` trades batch size for latency.\n")
		if hi, ok := res.Figures["4/load-90pct"]; ok && hi["reports_per_s"].Median < 0.97*hi["offered_per_s"].Median {
			p("At 90%% the offered %.0f packets/s were more than this run sustained (%.0f reports/s delivered, median; the\n",
				hi["offered_per_s"].Median, hi["reports_per_s"].Median)
			p("paced port's RX ring refused %.0f packets per round, as a NIC would count `imissed`): case 2a's median is\n", hi["refused"].Median)
			p("a short-window figure above the sustained rate on this shared machine, and the 90%% latency is queueing.\n")
		}
		p("\n")
	}

	p("## Targets\n\n| ratio | median (min-max) | target | verdict |\n|---|---|---|---|\n")
	for _, r := range res.Ratios {
		v, tg := "context", "-"
		if r.Met != nil {
			tg = fmt.Sprintf(">= %g", r.Target)
			v = "met"
			if !*r.Met {
				v = "**MISSED**"
			}
		}
		p("| %s | %s | %s | %s |\n", r.Name, fmtStat(r.Stat, "%.3g"), tg, v)
	}
	if len(res.Goals) > 0 {
		p("\n| figure | median (min-max) | target | verdict |\n|---|---|---|---|\n")
		for _, g := range res.Goals {
			v := "met"
			if !g.Met {
				v = "**MISSED**"
			}
			op := ">="
			if g.AtMost {
				op = "<="
			}
			p("| %s | %s | %s %g | %s |\n", g.Name, fmtStat(g.Stat, "%.4g"), op, g.Target, v)
		}
	}
	p("\n")

	p("## How each case runs (exact commands and settings)\n\n")
	p("All cases read the same capture, `wire2kafka gen -o int.pcap -format tr -flows 64 -hops 3 -packets 4000 -seed 1`\n")
	p("(Telemetry Report v2.0, 3 hops, metadata types 2,3,4, 128 truncated bytes; ~214 bytes per packet, one report per packet).\n\n")
	p("1. **Pipeline vs bare C.** `w2kbench pipeline -c c1.yaml` (or `c2.yaml`) `-map-lcores -warmup W -seconds S`: the product's\n")
	p("   `pipeline.New/Start` with the config's `net_pcap0,rx_pcap=int.pcap,infinite_rx=1`, mempool 16383, rings 1024, burst 32,\n")
	p("   `idle: busy`, discard sink, batch mode (256 reports / 512 KiB / 5 ms linger). Figures over the window: packets that\n")
	p("   reached a Kafka message, allocations (runtime.MemStats.Mallocs, whole process), GC pauses, RSS every second, and the\n")
	p("   largest interval a 1 ms sampler saw without RX progress. 1 lcore: RX, ACL, flow and Kafka workers on lcore 1;\n")
	p("   2 lcores: RX+ACL on lcore 1, flow+Kafka on lcore 2 (`-map-lcores` turns `-l 0-2` into `--lcores 0@0,1@1,2@0` on a\n")
	p("   2-CPU machine, so lcore 2 shares CPU 0 with the idle main lcore).\n")
	p("   `w2kbench cforward -c cN.yaml -lcores N`: the same EAL arguments, vdev, pool and burst, then `dpdk/dpdkbench`:\n")
	p("   `RxFree` (rx_burst + rte_pktmbuf_free_bulk) on lcore 1 for 1 lcore, `RxRingFree` (rx_burst -> SP/SC ring of 1024 ->\n")
	p("   dequeue + free) on lcores 1 and 2 for 2 lcores; warm-up runs of 1M packets, then a run sized to last S seconds.\n")
	p("   `nm-1lc`/`nm-2lc`: `w2kbench pipeline -c n1.yaml` (`n2.yaml`): the same with 2 flow + 2 Kafka workers and the rule on\n")
	p("   `flow_workers: all` (N:M by monitored flow; the capture's 64 flows spread over both pairs); all on lcore 1, or the\n")
	p("   second pair on lcore 2. `testpmd-rxonly`: `dpdk-testpmd -l 0-1 --vdev net_pcap0,rx_pcap=int.pcap,infinite_rx=1 --\n")
	p("   --forward-mode=rxonly --port-topology=loop --auto-start --stats-period 1` for W+S+1 s, the median of its per-second\n")
	p("   Rx-pps after the warm-up: what DPDK's own receive loop does with the same vdev on this machine.\n")
	p("2. **Into Kafka**, one broker (`deploy/kafka/kafka.sh start`, Kafka %s, KRaft, 512 MiB heap, topics with 1 partition):\n", m["kafka"])
	p("   a. `w2kbench pipeline -c k1.yaml`: as case 1 (1 lcore) with `sink: kafka`, 1 connection, librdkafka `compression.type=lz4`,\n")
	p("      `linger.ms=5`, `idle: sleep 50us` (so the broker gets CPU); reports/s and bytes are those the broker acknowledged\n")
	p("      (delivery reports) in the window.\n")
	p("   b. `scionint -pcap int.pcap -b B -t scionint -X compression.type=lz4 -X linger.ms=5`: reports decoded once, then per\n")
	p("      report `proto.Marshal(*reportpb.Report)` and one `Produce` (key: the marshalled FlowKey, computed once); acknowledged\n")
	p("      reports in the window; the broker's high watermark is recorded as `broker_messages_run`.\n")
	p("   c. veth pair `w2k<pid>a`/`w2k<pid>b`; `tcpdump -l -nn -tt -i w2k<pid>b | kcat -P -b B -t kernel -X linger.ms=5 -X compression.type=lz4`\n")
	p("      (seed 004's way: one text line, hence one Kafka message, per packet) while `tcpreplay -q -t -l 0 -i w2k<pid>a int.pcap`\n")
	p("      replays at top speed for W+S seconds; delivered = growth of the topic's high watermark (`kcat -Q`), CPU = tcpdump + kcat.\n")
	p("   d. `java -cp <kafka jars> org.apache.kafka.tools.ProducerPerformance --topic perf --num-records 20000*S --record-size\n")
	p("      <a's bytes/message> --throughput -1 --producer-props compression.type=lz4 linger.ms=5 batch.size=1048576`;\n")
	p("      reports/s = records/s x a's reports per message; MB/s as it prints; CPU (`time`) includes JVM start.\n")
	p("3. **Encoding**: `go test ./report/intdecode -run '^$' -bench 'EncodeDecoded|DecodeEncode' -benchmem -benchtime Ss -count R`: decoded\n")
	p("   reports of generated TR and ID-INT packets, `AppendReport` into a reused buffer vs `proto.Marshal` of the generated\n")
	p("   struct; and `decode+append`, what the Kafka worker does per report: `DecodeOuter` after the ACL's parse, the flow\n")
	p("   key's hash and `AppendReport` into a 256-report message (ns and allocations per report).\n")
	p("4. **Latency**: `w2kbench pipeline -c l1.yaml -rate R -pcap int.pcap`: `k1.yaml` with the port replaced by `net_ring_paced`,\n")
	p("   a ring-backed port that a pacer thread (on the housekeeping CPU, its own mempool) feeds with the capture's packets at R\n")
	p("   packets/s (every ~100 us it enqueues what the rate owes). The RX worker stamps each burst with the wall clock (net_ring\n")
	p("   has no timestamp offload), so the latency starts when the pipeline receives a packet, as on a NIC. kafkaout's\n")
	p("   `OnDelivered` gives, per acknowledged message, delivery-report time minus the receive time of its oldest report (the\n")
	p("   worst report of the message); p50/p99/p99.9 over every message acknowledged in the window. R = 10%%, 50%% and 90%%\n")
	p("   of case 2a's median reports/s (one report per packet), the three loads interleaved, %v rounds.\n", res.Settings["rounds"])
	p("   Expected floor: the Kafka worker's batch linger (5 ms) plus librdkafka's `linger.ms=5` plus the broker's `acks=all` round trip.\n")
	p("5. **Cost over time**: `GODEBUG=gctrace=1 w2kbench pipeline -c l1.yaml -rate R/2 -seconds %v`: the whole daemon (pipeline,\n", res.Settings["soak_seconds"])
	p("   producer, broker) at 50%% of case 2a's rate; RSS every second, GC count and pauses, allocations per packet, the largest\n")
	p("   interval without RX progress. Case 5b: the same load for at most 60 s with `-lcore-allocs` (every allocation recorded,\n")
	p("   counted when its stack passes through a worker's Poll).\n")
	p("7. **Flow churn**: `wire2kafka gen -flows N -packets N -seed 3` (N = 1,000,000: every packet a new flow), read once\n")
	p("   by `net_pcap` (no infinite_rx) into `c1.yaml`'s pipeline (1 lcore, discard sink, `kafka.batch.key_states` 65536):\n")
	p("   RSS every second, drops, per-key states evicted, allocations per packet over a window longer than the capture.\n\n")

	p("## Deviations\n\n")
	p("- The C reference for 1 lcore is RX + free (no ring): `dpdk/dpdkbench` has no single-lcore ring loop.\n")
	p("- Case 2c text lines are not the INT report bytes (tcpdump -w - | kcat would cut messages at newline bytes, not at packets).\n")
	p("- Cases 4 and 5 feed a `net_ring` port, not `net_pcap`: `net_pcap` replays at top speed and cannot be paced. The pacer\n")
	p("  copies each packet into an mbuf (as a NIC's DMA would) on the housekeeping CPU, which it shares with the broker.\n\n")

	if len(res.Soak) > 0 {
		s := res.Soak
		p("## Case 5 detail\n\n")
		p("RSS every second (MiB): %v\n\n", s["rss_mb"])
		if rss, ok := s["rss_mb"].([]any); ok && len(rss) >= 3 {
			f := func(i int) float64 { v, _ := rss[i].(float64); return v }
			n := len(rss)
			p("First %.0f MiB, last %.0f MiB; over the last third of the run it moved %.1f MiB. Go heap at the end: %v MiB obtained\n", f(0), f(n-1), f(n-1)-f(2*n/3), s["heap_sys_mb"])
			p("from the OS, %v MiB in use. The kafkaout message pool (`kafka.queue.messages` values of `kafka.batch.max_bytes`)\n", s["heap_inuse_mb"])
			p("lives in one anonymous mapping outside the Go heap: its pages become resident when a message first uses them, and\n")
			p("the pool is LIFO, so the resident part follows the high-water mark of messages in flight, bounded by the mapping.\n")
			p("GC runs at `GOGC=400`, as in `wire2kafka run`.\n\n")
			last := f(n-1) - f(2*n/3)
			verdict := "**met**"
			if last > 5 {
				verdict = "**MISSED**"
			}
			p("Verdict on \"RSS grows <= 5 MiB over the last third\": %.1f MiB, %s.\n\n", last, verdict)
		}
		p("GCs in the window: %v (gctrace lines in the whole run: %v); largest pause %v us; total pause %v ms; allocations per packet %v\n", s["gc_count"], s["gctrace_lines"], s["gc_pause_max_us"], s["gc_pause_total_ms"], s["allocs_per_packet"])
		p("(whole process, runtime.MemStats). Of those, on the lcores (stacks through a worker's Poll, every allocation recorded,\n")
		p("in a separate run of the same load, case 5b, since the recorder's own records grow RSS): %v. The rest happen in the\n", lcoreAllocs(res))
		p("connection goroutine and confluent-kafka-go's event loop, a few per Kafka message;\n")
		p("largest interval without RX progress: %v ms (1 ms sampler: it also sees the scheduler taking the CPU away on this shared machine).\n\n", s["rx_max_gap_ms"])
	}

	writeModel(p, res, pprofPath, modelPath)

	if prof != "" {
		p("## Where the time goes (N:M pipeline, 1 lcore, discard sink)\n\n```\n%s```\n\n", prof)
		p("Reading: the Kafka worker (INT decode + append of every report + batching) is most of the lcore's time; RX, ACL\n")
		p("and the flow worker are a few percent each. The C reference does none of that work, so the pipeline/C ratio\n")
		p("measures decode+encode cost per packet against the price of moving an mbuf.\n")
		p("Done after the first profile (where `protowire.AppendVarint`/`SizeVarint` were 25%% of the lcore): the report writer\n")
		p("sizes a report once and writes every byte in place with constant tag bytes and one 8-byte store per metadata value,\n")
		p("and the decoders visit only the set bits of the instruction bitmaps. Since then: the outer headers are parsed once\n")
		p("(by the ACL worker), the flow key is hashed once from its fixed form, linger expiry reads a FIFO, and one rule can\n")
		p("spread over several flow + Kafka worker pairs by the monitored flow (N:M, case 1 `nm-*`). What would close more of\n")
		p("the gap: a one-pass transcoder from packet bytes to protobuf bytes (no intermediate Report), and skipping the copy\n")
		p("of the truncated inner headers when the rule does not ask for them.\n\n")
	}
	writeClosing(p, res, kafkaProf)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return os.WriteFile(path, b.Bytes(), 0o644)
}

// writeModel writes the model of the 16-core server: the per-stage costs
// measured in case 1 (N:M layout on one lcore, split by the CPU profile)
// applied to the lcores of the config at modelPath.
func writeModel(p func(string, ...any), res *Results, pprofPath, modelPath string) {
	t := med(res, "1/nm-1lc", "cpu_ns_per_packet")
	p("## Model: a 16-core server with two pipelines vs ESnet's 10.4 Mpps on 5 cores\n\n")
	p("This section is a model, computed from measured per-stage costs; nothing in it ran on a 16-core server.\n\n")
	if t == 0 {
		p("No case 1 N:M figures in this run.\n\n")
		return
	}
	sh := stageShares(pprofPath)
	p("Measured: %.0f CPU-ns per packet for all stages of the N:M pipeline on one lcore (case 1 `nm-1lc`, median:\n", t)
	p("one rule over 2 flow + 2 Kafka workers, so the ACL's dispatch hash is included).")
	if sh == nil {
		p(" No per-stage profile in this run.\n\n")
		return
	}
	cfg, err := config.Load(modelPath)
	if err != nil || len(cfg.Pipelines) == 0 {
		p(" The model's config did not load: %v.\n\n", err)
		return
	}
	ns := map[string]float64{}
	for k, v := range sh {
		ns[k] = v * t
	}
	p(" Split by the CPU profile's cumulative share of each worker's `Poll`:\n\n")
	p("| stage | share | CPU-ns/packet |\n|---|---|---|\n")
	for _, st := range []string{"rxWorker", "aclWorker", "flowWorker", "kafkaWorker"} {
		p("| %s | %.1f%% | %.0f |\n", st, sh[st]*100, ns[st])
	}
	// Per lcore of the first pipeline: each stage's packets are spread
	// evenly over its workers (RX by RSS queue, flow and Kafka workers by
	// the N:M flow hash), so a worker of a stage with n workers costs
	// ns/n per packet of the pipeline.
	pp := cfg.Pipelines[0]
	perLcore := map[int]float64{}
	var lcores []int
	add := func(stage string, lc []int) {
		for _, l := range lc {
			if _, ok := perLcore[l]; !ok {
				lcores = append(lcores, l)
			}
			perLcore[l] += ns[stage] / float64(len(lc))
		}
	}
	lcoresOf := func(ws []config.Worker) []int {
		var out []int
		for _, w := range ws {
			out = append(out, w.Lcore)
		}
		return out
	}
	var rx []int
	for _, w := range pp.RX {
		rx = append(rx, w.Lcore)
	}
	add("rxWorker", rx)
	add("aclWorker", lcoresOf(pp.ACLWorkers))
	add("flowWorker", lcoresOf(pp.FlowWorkers))
	add("kafkaWorker", lcoresOf(pp.KafkaWorkers))
	p("\nPipeline %s of `%s` (%d polling lcores; the second pipeline is the same):\n\n", pp.Name, modelPath, len(lcores))
	p("| lcore | CPU-ns per packet of the pipeline | Mpps it can take |\n|---|---|---|\n")
	best := 0.0
	for _, l := range lcores {
		mpps := 1e3 / perLcore[l]
		if best == 0 || mpps < best {
			best = mpps
		}
		p("| %d | %.0f | %.2f |\n", l, perLcore[l], mpps)
	}
	p("\nA pipeline runs at its slowest lcore: **%.2f Mpps**; two pipelines (%d polling cores of 16): **%.2f Mpps**, ",
		best, 2*len(lcores), 2*best)
	p("against ESnet's 10.4 Mpps on 5 cores (2.08 Mpps per core; this layout gives %.2f Mpps per polling core).\n", 2*best/float64(2*len(lcores)))
	if kw := ns["kafkaWorker"] + ns["flowWorker"]; kw > 0 {
		p("Reaching 10.4 Mpps needs %.1f flow+Kafka worker lcores in all at the measured %.0f ns per packet, spread by the\n", 10.4e3/(1e3/kw), kw)
		p("N:M flow hash, provided RX and ACL keep up (they cost %.0f + %.0f ns per packet on their own lcores).\n", ns["rxWorker"], ns["aclWorker"])
	}
	p("Caveats: the costs come from a shared 2-vCPU VM (expect a dedicated server core to be faster); ring transfers between\n")
	p("lcores are not in the 1-lcore figure; a real NIC's RX costs more than net_pcap's replay of mbufs already in memory;\n")
	p("an even spread assumes many flows (one flow always takes one worker).\n\n")
}

// writeClosing writes the closing note: which targets were missed, the
// evidence and what would close each gap.
func writeClosing(p func(string, ...any), res *Results, kafkaProf string) {
	p("## Closing note: missed targets, evidence, what would close the gap\n\n")
	t := med(res, "1/pipeline-1lc", "cpu_ns_per_packet")
	c := med(res, "1/c-1lc", "cpu_ns_per_packet")
	if t > 0 && c > 0 {
		p("- **Pipeline vs C (target >= 0.7): missed by far.** The C loop spends %.0f CPU-ns per packet moving an mbuf;\n", c)
		p("  the pipeline spends %.0f CPU-ns decoding the INT report and appending it to a batch (profile above: the Kafka\n", t)
		p("  worker's decode + encode is most of the lcore). 4 Mpps per core means 250 ns per packet for everything:\n")
		p("  the encoder alone costs ~%.0f ns per report in case 3 (on this shared VM), the decoder about as much. The 0.7\n", med(res, "3/tr/append", "ns_per_report"))
		p("  ratio against a loop that does no work per packet is not reachable for full decode + encode on one core;\n")
		p("  spreading one rule over several flow + Kafka worker pairs (N:M) is the way to scale it (model above).\n")
	}
	a := res.Figures["2/a-wire2kafka"]
	if a != nil {
		rx, drops := a["rx_packets"].Median, a["drops"].Median
		p("- **Into Kafka: a >= 20x b missed (a vs d: see the targets table).** With every worker on one polling lcore and the\n")
		p("  broker, librdkafka's threads (lz4) and the other developers' jobs sharing the second CPU, wire2kafka delivered\n")
		p("  %.0f reports/s against %.0f for the SCION-INT way and %.0f (equivalent) for ProducerPerformance,\n",
			a["reports_per_s"].Median, med(res, "2/b-scionint", "reports_per_s"), med(res, "2/d-producerperf", "reports_per_s"))
		if rx > 0 {
			p("  which have no polling core. Packets dropped in the median run: %.2f%% of those received (`rings.when_full:\n", 100*drops/rx)
			p("  wait` holds RX back while a ring is full, so an overload waits in the port instead of costing CPU).\n")
		}
		p("  The broker sets the ceiling here: wire2kafka's MB/s into it is about ProducerPerformance's (the a/d ratio), so\n")
		p("  reports/s can only grow with fewer bytes per report. The SCION-INT way pays one proto.Marshal and one Kafka\n")
		p("  message per report; 20x over it would need ~%.1f M reports/s into one broker on these 2 CPUs.\n", 20*med(res, "2/b-scionint", "reports_per_s")/1e6)
		p("  What would move it: a machine with cores to spare (the 16-core layout: polling cores, librdkafka threads and the\n")
		p("  broker each on their own), several connections, and a broker not sharing the pipeline's CPUs.\n")
	}
	if kafkaProf != "" {
		p("\nProfile of case 2a (round 1, whole process, cumulative; librdkafka's C threads are not sampled by pprof):\n\n```\n%s```\n", kafkaProf)
	}
	p("\n- Scheduling noise: the lcore goroutine is preempted by the Go runtime (`runtime.asyncPreempt`, `schedule`,\n")
	p("  `park_m` show under `lcore.run` in the Kafka-case profile). A hand-run A/B of case 1 with `GODEBUG=asyncpreemptoff=1`\n")
	p("  (3 rounds, 3 s, with the earlier encoder) gave 2070-2640 CPU-ns/pkt against 2535-2603 without: a hint, not a result.\n")
	p("- The 2-lcore C loop (`c-2lc`) is unreliable here: its second lcore shares CPU 0 with everything else on the\n")
	p("  machine, so its spread is wide; read the 2-lcore ratio with that in mind.\n")
}

// lcoreAllocs returns case 5b's lcore allocations, or "not measured".
func lcoreAllocs(res *Results) string {
	if st, ok := res.Figures["5/soak-allocs"]["lcore_allocs"]; ok {
		return fmt.Sprintf("%.0f", st.Median)
	}
	return "not measured"
}
