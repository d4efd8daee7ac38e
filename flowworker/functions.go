package flowworker

// Function is a rule's service function.
type Function uint8

// Service functions (config.ServiceFunction).
const (
	FnNone        Function = iota // no rule under this id (id 0, removed by a reload)
	FnPassthrough                 // every packet goes on
	FnSampling                    // 1 in N goes on (Sampler)
	FnHistogram                   // absorbed into an inter-arrival histogram (Histogram)
	FnDrop                        // dropped
)

// Rule is what a flow worker knows of one rule.
type Rule struct {
	Function     Function
	Here         bool   // the rule lists this flow worker (its histogram lives here)
	SamplingRate uint64 // FnSampling: keep 1 in SamplingRate
	Resolution   uint64 // FnHistogram: bucket width, ns
	Buckets      uint64 // FnHistogram: number of buckets
	Interval     uint64 // FnHistogram: emission interval, ns
}

// Verdict is what a service function did with one packet.
type Verdict uint8

// Verdicts, one per outcome the flow worker counts.
const (
	Keep       Verdict = iota // goes on to the Kafka worker
	SampledOut                // another packet of the 1:N was kept
	Summarized                // counted into a histogram (the histogram goes on)
	RuleDrop                  // the rule's function is drop
	NoRule                    // no such rule here (it vanished in a reload)
)

// Functions is one flow worker's per-rule state, by rule id: a sampler per
// sampling rule and a histogram per histogram rule that runs here. Build it
// with NewFunctions when the rules change (start, reload); Apply then
// decides per packet with no allocation, lock or interface call.
type Functions struct {
	fn         []Function
	samplers   []Sampler
	histograms []*Histogram // nil unless a histogram rule runs here
	hasHist    bool
}

// NewFunctions returns the state for rules (indexed by rule id; id 0 and
// removed ids have FnNone), histogram intervals starting at now (ns since
// the Unix epoch). A packet of a rule that does not list this worker (in
// flight across a reload that moved the rule) still gets the rule's
// function; only its histogram packets are lost (counted as summarized).
func NewFunctions(rules []Rule, now uint64) *Functions {
	f := &Functions{
		fn:         make([]Function, len(rules)),
		samplers:   make([]Sampler, len(rules)),
		histograms: make([]*Histogram, len(rules)),
	}
	for i, r := range rules {
		f.fn[i] = r.Function
		switch {
		case r.Function == FnSampling:
			f.samplers[i] = NewSampler(r.SamplingRate)
		case r.Function == FnHistogram && r.Here:
			f.histograms[i] = NewHistogram(r.Resolution, r.Buckets, r.Interval, now)
			f.hasHist = true
		}
	}
	return f
}

// Apply runs rule's service function on one packet received at rxNs.
func (f *Functions) Apply(rule uint32, rxNs uint64) Verdict {
	if int(rule) >= len(f.fn) {
		return NoRule
	}
	switch f.fn[rule] {
	case FnPassthrough:
		return Keep
	case FnSampling:
		if f.samplers[rule].Keep() {
			return Keep
		}
		return SampledOut
	case FnHistogram:
		if h := f.histograms[rule]; h != nil {
			h.Add(rxNs)
		}
		return Summarized
	case FnDrop:
		return RuleDrop
	}
	return NoRule
}

// HasHistograms reports whether a histogram rule runs here.
func (f *Functions) HasHistograms() bool { return f.hasHist }

// Histograms returns the histograms by rule id (nil entries for other
// rules), for the worker to emit those that are due.
func (f *Functions) Histograms() []*Histogram { return f.histograms }
