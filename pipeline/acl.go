package pipeline

import (
	"encoding/binary"
	"fmt"
	"math/bits"
	"wire2kafka/report/intdecode"

	"wire2kafka/config"
	"wire2kafka/dpdk"
)

// classifier is one pipeline's rules compiled into an rte_acl context.
// rte_acl classifies IPv4 5-tuples; rules written for IPv6 prefixes are
// left out of it, and IPv6 packets are counted as not_ip.
type classifier struct {
	acl *dpdk.ACL
}

// buildRuleSet compiles the rules and one classifier per pipeline. It runs
// off the data path (start and reload).
func buildRuleSet(plan *config.Plan, name string, gen uint64) (*ruleSet, error) {
	rs := newRuleSet(plan, gen)
	for pi := range plan.Pipelines {
		var rules []dpdk.IPv4Rule
		for _, ri := range plan.Pipelines[pi].Rules {
			r := &plan.Rules[ri]
			if (!r.SrcIP.Any() && !r.SrcIP.Addr().Is4()) || (!r.DstIP.Any() && !r.DstIP.Addr().Is4()) {
				continue
			}
			ir := dpdk.IPv4Rule{
				SrcPortLo: r.SrcPort.Lo, SrcPortHi: r.SrcPort.Hi, DstPortLo: r.DstPort.Lo, DstPortHi: r.DstPort.Hi,
				Priority: int32(r.Priority), ID: r.ID,
			}
			if !r.Protocol.Any {
				ir.Proto, ir.ProtoMask = r.Protocol.Number, 0xff
			}
			if !r.SrcIP.Any() {
				a := r.SrcIP.Addr().As4()
				ir.SrcIP, ir.SrcPrefix = binary.BigEndian.Uint32(a[:]), uint8(r.SrcIP.Bits())
			}
			if !r.DstIP.Any() {
				a := r.DstIP.Addr().As4()
				ir.DstIP, ir.DstPrefix = binary.BigEndian.Uint32(a[:]), uint8(r.DstIP.Bits())
			}
			rules = append(rules, ir)
		}
		acl, err := dpdk.NewIPv4ACL(fmt.Sprintf("%s-acl-%d-%d", name, pi, gen), rules)
		if err != nil {
			rs.close()
			return nil, fmt.Errorf("pipeline %s: rules: %w", plan.Pipelines[pi].Name, err)
		}
		rs.acls = append(rs.acls, &classifier{acl: acl})
	}
	return rs, nil
}

// close frees the rule set's classifiers; no worker may use it any more.
func (rs *ruleSet) close() {
	for _, c := range rs.acls {
		c.acl.Close()
	}
	rs.acls = nil
}

// aclWorker parses each packet's outer IPv4 5-tuple, classifies the burst
// with one rte_acl call, writes the rule id into the mbuf metadata and
// enqueues each packet to the flow worker of its rule; a rule over several
// flow workers takes the one its monitored flow hashes to (the flow key of
// the packet's first report, read from a few headers: report.DispatchKey),
// so a flow's packets stay in order on one flow and one Kafka worker.
type aclWorker struct {
	c        *Counters
	ctl      *control
	pipeline int
	in       *dpdk.Ring
	outs     []room            // by flow worker
	outArrs  []*dpdk.MbufArray // by flow worker
	outN     []int
	arr      *dpdk.MbufArray
	drop     *dpdk.MbufArray
	batch    *dpdk.ACLBatch
	idx      []int // batch position -> burst position
	burst    int
	ft       intdecode.FiveTuple
	disp     *intdecode.Decoder // dispatch keys of rules over several flow workers
	hashes   []uint64           // flow hashes of one packet's reports
}

func (w *aclWorker) init(p *Pipeline) error {
	var err error
	if w.arr, err = p.newArray(); err != nil {
		return err
	}
	if w.drop, err = p.newArray(); err != nil {
		return err
	}
	for range w.outs {
		a, err := p.newArray()
		if err != nil {
			return err
		}
		w.outArrs = append(w.outArrs, a)
	}
	w.outN = make([]int, len(w.outs))
	w.idx = make([]int, w.burst)
	if w.batch, err = dpdk.NewIPv4ACLBatch(w.burst); err != nil {
		return fmt.Errorf("pipeline: acl batch: %w", err)
	}
	p.aclBatches = append(p.aclBatches, w.batch)
	return nil
}

// Poll classifies one burst. With rings.when_full wait it takes nothing
// while any flow worker's ring lacks room for a burst (where each packet
// goes is known only after classifying).
func (w *aclWorker) Poll() int {
	for i := range w.outs {
		if !w.outs[i].has(w.burst) {
			return 0
		}
	}
	n, _ := w.in.DequeueBurst(w.arr, w.burst)
	if n == 0 {
		return 0
	}
	rs := w.ctl.rules.Load()
	tuples := w.batch.Tuples()
	k, nd := 0, 0
	var notIP, noRule, parseErr, copies uint64
	for i := range n {
		m := w.arr.At(i)
		if reason := intdecode.ParseFiveTuple(m.Data(), &w.ft); reason != intdecode.ReasonOK || w.ft.IPv6 {
			w.drop.Set(nd, m)
			nd++
			if reason != intdecode.ReasonOK {
				w.c.ParseErrors[reason].Add(1) // per packet, but only for malformed ones
				parseErr++
			} else {
				notIP++
			}
			continue
		}
		metaOf(m).outer = w.ft.Outer()
		var sport, dport uint16
		if w.ft.HasPorts {
			sport, dport = w.ft.SrcPort, w.ft.DstPort
		}
		tuples[k].Set(w.ft.Proto, binary.BigEndian.Uint32(w.ft.SrcIP[:4]), binary.BigEndian.Uint32(w.ft.DstIP[:4]), sport, dport)
		w.idx[k] = i
		k++
	}
	if k > 0 {
		if err := rs.acls[w.pipeline].acl.Classify(w.batch, k); err != nil {
			// rte_acl refuses only bad arguments, which New rules out.
			panic(err)
		}
	}
	res := w.batch.Results()
	for j := range k {
		m := w.arr.At(w.idx[j])
		id := res[j]
		if id == 0 || int(id) >= len(rs.rules) {
			w.drop.Set(nd, m)
			nd++
			noRule++
			continue
		}
		md := metaOf(m)
		md.rule, md.owners, md.primary = id, 0, 0
		ri := &rs.rules[id]
		fw := ri.flowWorker
		if n := len(ri.flowWorkers); n > 1 {
			// N:M: a flow always takes the same flow (and Kafka) worker. A
			// group carrying several workers' flows goes to each of them.
			nh := w.disp.DispatchHashesOuter(m.Data(), md.outer, ri.out != outRaw, w.hashes)
			first := dispatch(w.hashes[0], n)
			owners := uint16(0)
			for _, h := range w.hashes[:nh] {
				owners |= 1 << dispatch(h, n)
			}
			md.primary = uint8(first)
			if k := bits.OnesCount16(owners); k > 1 {
				md.owners = owners
				m.AddRefs(k - 1)
				copies += uint64(k - 1)
				for ; owners != 0; owners &= owners - 1 {
					f := ri.flowWorkers[bits.TrailingZeros16(owners)]
					w.outArrs[f].Set(w.outN[f], m)
					w.outN[f]++
				}
				continue
			}
			fw = ri.flowWorkers[first]
		}
		w.outArrs[fw].Set(w.outN[fw], m)
		w.outN[fw]++
	}
	if nd > 0 {
		dpdk.FreeBulk(w.drop, 0, nd)
	}
	var out, full uint64
	for fw, cnt := range w.outN {
		if cnt == 0 {
			continue
		}
		enq := w.outs[fw].enqueue(w.outArrs[fw], 0, cnt)
		if enq < cnt {
			dpdk.FreeBulk(w.outArrs[fw], enq, cnt-enq)
			full += uint64(cnt - enq)
		}
		out += uint64(enq)
		w.outN[fw] = 0
	}
	w.c.In.Add(uint64(n))
	if copies > 0 {
		w.c.Copies.Add(copies)
	}
	w.c.Out.Add(out)
	if notIP > 0 {
		w.c.Drops[DropNotIP].Add(notIP)
	}
	if noRule > 0 {
		w.c.Drops[DropNoRule].Add(noRule)
	}
	if parseErr > 0 {
		w.c.Drops[DropParseError].Add(parseErr)
	}
	if full > 0 {
		w.c.Drops[DropRingFull].Add(full)
	}
	return n
}
