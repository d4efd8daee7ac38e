package flowworker

import "wire2kafka/report"

// Histogram counts the inter-arrival times of one rule's packets in
// fixed-width buckets; a gap of buckets x resolution or longer counts as
// overflow, in no bucket. It is
// emitted and reset every interval; the gap across an emission is counted in
// the next interval, so the sum of all emitted histograms is the histogram of
// the whole stream.
type Histogram struct {
	resolution uint64 // bucket width, ns
	interval   uint64 // emission interval, ns
	buckets    []uint64
	overflow   uint64 // gaps beyond the last bucket
	packets    uint64
	last       uint64 // receive time of the previous packet, 0 before the first
	start      uint64 // start of the current interval (ns, wall clock)
}

// NewHistogram returns a histogram with the given bucket width (ns), number
// of buckets and emission interval (ns), its first interval starting at
// start (ns since the Unix epoch).
func NewHistogram(resolution, buckets, interval, start uint64) *Histogram {
	if resolution < 1 {
		resolution = 1
	}
	if buckets < 1 {
		buckets = 1
	}
	return &Histogram{resolution: resolution, interval: interval, buckets: make([]uint64, buckets), start: start}
}

// Add counts a packet received at t (ns). Packets out of order (t before
// the previous one) count as a gap of 0.
func (h *Histogram) Add(t uint64) {
	h.packets++
	if h.last != 0 {
		var gap uint64
		if t > h.last {
			gap = t - h.last
		}
		if b := gap / h.resolution; b < uint64(len(h.buckets)) {
			h.buckets[b]++
		} else {
			h.overflow++
		}
	}
	h.last = t
}

// Due reports whether the interval that started at Start has ended at now.
func (h *Histogram) Due(now uint64) bool { return now-h.start >= h.interval }

// Packets returns the packets counted in the current interval.
func (h *Histogram) Packets() uint64 { return h.packets }

// Emit fills out with the current interval ending at now and starts a new
// one. out.Buckets is reused (resliced to the bucket count, grown once).
// RuleID, Sequence and ProducerID are the caller's.
func (h *Histogram) Emit(now uint64, out *report.Histogram) {
	out.Resolution = h.resolution
	out.StartTime = h.start
	out.Interval = now - h.start
	out.Packets = h.packets
	out.Overflow = h.overflow
	if cap(out.Buckets) < len(h.buckets) {
		out.Buckets = make([]uint64, len(h.buckets))
	}
	out.Buckets = out.Buckets[:len(h.buckets)]
	copy(out.Buckets, h.buckets)
	clear(h.buckets)
	h.overflow = 0
	h.packets = 0
	h.start = now
}
