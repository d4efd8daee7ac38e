package pipeline

import (
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"wire2kafka/config"
)

// WorkerStats is one worker's counters and input ring at one moment.
type WorkerStats struct {
	Worker
	Snapshot
	RingFree int // free slots of the input ring; -1 for RX workers
	RingCap  int // capacity of the input ring; 0 for RX workers
}

// Stats reads every worker's counters and ring. Safe from any goroutine
// while the pipeline exists (not after Close).
func (p *Pipeline) Stats() []WorkerStats {
	out := make([]WorkerStats, len(p.workers))
	for i, w := range p.workers {
		out[i] = WorkerStats{Worker: w, Snapshot: w.Counters.Snapshot(), RingFree: -1}
		if w.Ring != nil {
			out[i].RingFree, out[i].RingCap = w.Ring.FreeCount(), w.Ring.Capacity()
		}
	}
	return out
}

// TableRow is one line of the statistics table.
type TableRow struct {
	Name      string
	In        uint64
	InMpps    float64
	Queued    uint64
	Out       uint64
	Drops     uint64
	RingSpace int // -1: not applicable
}

// Rows builds Fastcapa-ng's table rows: every worker, and after each stage
// its sum ([rx], [acl], [flow], [kafka]). prev (may be nil) and dt give the
// rates.
func Rows(cur, prev []WorkerStats, dt time.Duration) []TableRow {
	var rows []TableRow
	for _, kind := range []config.Kind{config.KindRX, config.KindACL, config.KindFlow, config.KindKafka} {
		sum := TableRow{Name: "[" + kind.String() + "]", RingSpace: -1}
		any := false
		for i, w := range cur {
			if w.Kind != kind {
				continue
			}
			any = true
			row := TableRow{Name: "[" + w.Name + "]", In: w.In, Queued: w.Queued, Out: w.Out, Drops: w.DropTotal(), RingSpace: w.RingFree}
			if prev != nil && i < len(prev) && dt > 0 && w.In >= prev[i].In {
				row.InMpps = float64(w.In-prev[i].In) / dt.Seconds() / 1e6
			}
			rows = append(rows, row)
			sum.In += row.In
			sum.InMpps += row.InMpps
			sum.Queued += row.Queued
			sum.Out += row.Out
			sum.Drops += row.Drops
			if row.RingSpace >= 0 {
				if sum.RingSpace < 0 {
					sum.RingSpace = 0
				}
				sum.RingSpace += row.RingSpace
			}
		}
		if any {
			rows = append(rows, sum)
		}
	}
	return rows
}

// WriteTable prints the rows as an aligned table with Fastcapa-ng's
// columns.
func WriteTable(w io.Writer, rows []TableRow) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "\tin\tin Mpps\tqueued\tout\tdrops\tring space\t\n")
	for _, r := range rows {
		space := "-"
		if r.RingSpace >= 0 {
			space = fmt.Sprint(r.RingSpace)
		}
		fmt.Fprintf(tw, "%s\t%d\t%.6f\t%d\t%d\t%d\t%s\t\n", r.Name, r.In, r.InMpps, r.Queued, r.Out, r.Drops, space)
	}
	return tw.Flush()
}

// PortRows builds the table rows of the NIC ports ([nic-port-NAME] and the
// [nic] sum): in is what the port received, drops what it lost before RX
// (imissed + ierrors + rx_nombuf). Ports whose stats cannot be read are
// left out.
func PortRows(ports []PortInfo) []TableRow {
	sum := TableRow{Name: "[nic]", RingSpace: -1}
	var rows []TableRow
	for _, p := range ports {
		st, err := p.Port.Stats()
		if err != nil {
			continue
		}
		r := TableRow{Name: "[nic-port-" + p.Name + "]", In: st.IPackets, Out: st.IPackets,
			Drops: st.IMissed + st.IErrors + st.RxNoMbuf, RingSpace: -1}
		rows = append(rows, r)
		sum.In += r.In
		sum.Out += r.Out
		sum.Drops += r.Drops
	}
	if len(rows) == 0 {
		return nil
	}
	return append(rows, sum)
}
