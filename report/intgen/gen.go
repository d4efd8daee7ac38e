package intgen

import (
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"wire2kafka/report/intdecode"

	"wire2kafka/report"
	"wire2kafka/report/pcap"
)

// Summary counts what Generate wrote.
type Summary struct {
	Packets   int // packets in the pcap
	Reports   int // reports a correct pipeline produces
	Malformed int // malformed packets it must count
	Lost      int // individual reports lost inside packets that give others
	Bytes     int // frame bytes written
}

// gen is the state of one Generate call.
type gen struct {
	o    Options
	rng  *rand.Rand
	pkt  []byte
	exp  []*report.Report
	pool []*report.Report
	seq  int
	// expFlow is the flow of each expected report when a packet holds
	// reports of one flow more than once (mixed captures).
	expFlow []*flow
	intHdr  [8]byte // KeyINTHeader of the stack last written (mixed captures)
	// indiv are the offsets (in the UDP payload) of the TR v2.0
	// individual reports of the packet in pkt, one per expected report.
	indiv []int
	// idintHBH: the ID-INT packet in pkt is the hop-by-hop option form.
	idintHBH bool
}

// nextExp returns a cleared expected report appended to g.exp.
func (g *gen) nextExp() *report.Report {
	if len(g.exp) == len(g.pool) {
		g.pool = append(g.pool, new(report.Report))
	}
	r := g.pool[len(g.exp)]
	r.Reset()
	g.exp = append(g.exp, r)
	return r
}

// malformedReasons lists the ways a packet is broken, per format.
var malformedReasons = map[Format][]intdecode.Reason{
	FormatTR:    {intdecode.ReasonTruncated, intdecode.ReasonBadVersion, intdecode.ReasonBadLength},
	FormatIDINT: {intdecode.ReasonTruncated, intdecode.ReasonBadVersion, intdecode.ReasonBadLength, intdecode.ReasonUnsupported},
}

// Generate writes a pcap of INT traffic to capture and its ground truth
// (JSON lines, see TruthLine) to truth. The output depends only on opts.
func Generate(opts Options, capture, truth io.Writer) (Summary, error) {
	o, err := opts.withDefaults()
	if err != nil {
		return Summary{}, err
	}
	g := &gen{o: o, rng: rand.New(rand.NewPCG(o.Seed, o.Seed^0x9e3779b97f4a7c15))}
	flows := makeFlows(g.rng, o.Flows, o.Hops)
	pw, err := pcap.NewWriter(capture, !o.Micro, 0)
	if err != nil {
		return Summary{}, err
	}
	tw := newTruthWriter(truth)
	if err := tw.header(&o); err != nil {
		return Summary{}, err
	}
	var sum Summary
	ts := o.Start
	batch := make([]*flow, 0, o.ReportsPerPacket)
	for i := 0; i < o.Packets; i++ {
		if i > 0 {
			ts += g.gap()
		}
		rts := ts
		if o.Micro {
			rts = ts / 1000 * 1000
		}
		batch = batch[:0]
		first := g.rng.IntN(len(flows))
		for k := 0; k < o.ReportsPerPacket && k < len(flows); k++ {
			batch = append(batch, flows[(first+k)%len(flows)])
		}
		g.seq = i
		g.expFlow = g.expFlow[:0]
		g.indiv = g.indiv[:0]
		switch {
		case o.Format == FormatTR && o.Mix:
			g.buildMixTR(batch, rts)
		case o.Format == FormatTR:
			g.buildTR(batch, rts)
		default:
			g.buildIDINT(batch[0], rts, o.Mix && g.rng.IntN(2) == 1)
		}
		partial := o.Format == FormatTR && len(g.indiv) > 1 && g.rng.Float64() < o.Malformed/2
		if partial {
			// One bad individual report among good ones: only it is lost.
			g.breakLastIndiv()
			g.exp = g.exp[:len(g.exp)-1]
			if len(g.expFlow) > 0 {
				g.expFlow = g.expFlow[:len(g.expFlow)-1]
			}
			if err := tw.lost(i, intdecode.ReasonBadLength); err != nil {
				return sum, err
			}
			sum.Lost++
		}
		if !partial && g.rng.Float64() < o.Malformed {
			rs := malformedReasons[o.Format]
			why := rs[g.rng.IntN(len(rs))]
			if why == intdecode.ReasonTruncated {
				g.pkt = g.pkt[:1+g.rng.IntN(len(g.pkt)-1)]
			} else if o.Format == FormatTR {
				why = g.breakTR(why)
			} else {
				g.breakIDINT(why)
			}
			if err := tw.malformed(i, why); err != nil {
				return sum, err
			}
			sum.Malformed++
		} else {
			for j, r := range g.exp {
				f := batch[min(j, len(batch)-1)]
				if len(g.expFlow) == len(g.exp) {
					f = g.expFlow[j]
				}
				if err := tw.report(i, f.id, f.reports, r); err != nil {
					return sum, err
				}
				f.reports++
				sum.Reports++
			}
		}
		if err := pw.WritePacket(ts, g.pkt, len(g.pkt)); err != nil {
			return sum, err
		}
		sum.Packets++
		sum.Bytes += len(g.pkt)
	}
	if err := pw.Flush(); err != nil {
		return sum, err
	}
	if err := tw.flush(); err != nil {
		return sum, fmt.Errorf("intgen: truth: %w", err)
	}
	return sum, nil
}

// gap returns the next inter-arrival time in ns (at least 1).
func (g *gen) gap() uint64 {
	mean := float64(g.o.Gap.Nanoseconds())
	if !g.o.Exponential {
		return uint64(max(1, mean))
	}
	return uint64(max(1, math.Round(g.rng.ExpFloat64()*mean)))
}
