package consume

import (
	"fmt"
	"io"
	"sort"

	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"

	"wire2kafka/report/intgen"
	"wire2kafka/report/reportpb"
)

// maxProblems is how many differences a Result describes in words.
const maxProblems = 20

// Result is the outcome of a verification. The message is correct when
// OK() is true.
type Result struct {
	Expected   int // reports in the truth
	Got        int // reports consumed
	Matched    int // consumed reports equal to an expected one, first time
	Missing    int // expected reports never consumed
	Duplicates int // consumed reports equal to one already consumed
	Unexpected int // consumed reports equal to no expected report of their key
	OutOfOrder int // matched reports that came before one that precedes them in the truth
	Seq        SeqResult
	Problems   []string // the first differences, described
}

// OK reports whether the consumed reports equal the truth exactly: every
// report once, in order per flow, no sequence gaps or repeats.
func (r *Result) OK() bool {
	return r.Got == r.Expected && r.Matched == r.Expected && r.Missing == 0 && r.Duplicates == 0 &&
		r.Unexpected == 0 && r.OutOfOrder == 0 && r.Seq.OK()
}

// Write prints r in a few lines.
func (r *Result) Write(w io.Writer) {
	verdict := "OK"
	if !r.OK() {
		verdict = "DIFFERENT"
	}
	fmt.Fprintf(w, "verify: %s: expected %d reports, got %d: matched %d, missing %d, duplicates %d, unexpected %d, out of order %d\n",
		verdict, r.Expected, r.Got, r.Matched, r.Missing, r.Duplicates, r.Unexpected, r.OutOfOrder)
	r.Seq.Write(w)
	for _, p := range r.Problems {
		fmt.Fprintf(w, "  %s\n", p)
	}
}

// expected is one truth report of a key.
type expected struct {
	index int    // position under the key (TruthReport.Index)
	print string // fingerprint of the normalised report
	json  string // protojson, for messages
	seen  int    // times consumed
}

// keyState is the truth and the progress of one Kafka key.
type keyState struct {
	flow    int
	exp     []*expected
	byPrint map[string][]*expected // fingerprint -> expected reports with it, in order
	last    int                    // index of the last matched report, -1 at start
}

// Verifier compares consumed reports with a ground truth written by
// `wire2kafka gen` (report/intgen). Fields the pipeline sets itself
// (receive_time_ns, sequence) are ignored. Not safe for concurrent use.
type Verifier struct {
	keys map[string]*keyState
	res  Result
	seq  *SeqTracker
}

// NewVerifier returns a verifier for truth.
func NewVerifier(truth *intgen.Truth) *Verifier {
	v := &Verifier{keys: map[string]*keyState{}, seq: NewSeqTracker()}
	for i := range truth.Reports {
		tr := &truth.Reports[i]
		k := v.keys[string(tr.KeyBytes)]
		if k == nil {
			k = &keyState{flow: tr.Flow, byPrint: map[string][]*expected{}, last: -1}
			v.keys[string(tr.KeyBytes)] = k
		}
		e := &expected{index: tr.Index, print: fingerprint(tr.Report), json: compactJSON(tr.Report)}
		k.exp = append(k.exp, e)
		k.byPrint[e.print] = append(k.byPrint[e.print], e)
	}
	for _, k := range v.keys {
		sort.SliceStable(k.exp, func(i, j int) bool { return k.exp[i].index < k.exp[j].index })
	}
	v.res.Expected = len(truth.Reports)
	return v
}

// fingerprint is the deterministic encoding of r without the fields a
// pipeline sets.
func fingerprint(r *reportpb.Report) string {
	c := proto.Clone(r).(*reportpb.Report)
	c.ReceiveTimeNs, c.Sequence = 0, 0
	b, err := proto.MarshalOptions{Deterministic: true}.Marshal(c)
	if err != nil {
		return "error: " + err.Error()
	}
	return string(b)
}

func compactJSON(r *reportpb.Report) string {
	c := proto.Clone(r).(*reportpb.Report)
	c.ReceiveTimeNs, c.Sequence = 0, 0
	b, _ := protojson.MarshalOptions{}.Marshal(c)
	return string(b)
}

func (v *Verifier) problem(format string, args ...any) {
	if len(v.res.Problems) < maxProblems {
		v.res.Problems = append(v.res.Problems, fmt.Sprintf(format, args...))
	}
}

// Add checks the reports of one decoded message (messages of other types
// are only sequence-checked).
func (v *Verifier) Add(m *Message, d *Decoded) {
	v.seq.Add(m, d)
	reps := d.Reports()
	if len(reps) == 0 {
		return
	}
	k := v.keys[string(m.Key)]
	for i, r := range reps {
		v.res.Got++
		where := fmt.Sprintf("%s/%d@%d report %d", m.Topic, m.Partition, m.Offset, i)
		if k == nil {
			v.res.Unexpected++
			v.problem("%s: key %x is not in the truth", where, m.Key)
			continue
		}
		p := fingerprint(r)
		var e *expected
		for _, c := range k.byPrint[p] {
			if c.seen == 0 {
				e = c
				break
			}
		}
		switch {
		case e != nil:
			e.seen++
			v.res.Matched++
			if e.index < k.last {
				v.res.OutOfOrder++
				v.problem("%s: flow %d report %d after report %d", where, k.flow, e.index, k.last)
			}
			k.last = max(k.last, e.index)
		case len(k.byPrint[p]) > 0:
			v.res.Duplicates++
			v.problem("%s: flow %d report %d again", where, k.flow, k.byPrint[p][0].index)
		default:
			v.res.Unexpected++
			next := "none"
			for _, c := range k.exp {
				if c.seen == 0 {
					next = fmt.Sprintf("report %d %s", c.index, c.json)
					break
				}
			}
			v.problem("%s: flow %d: no such report: got %s; next expected %s", where, k.flow, compactJSON(r), next)
		}
	}
}

// Result returns the outcome so far, counting every expected report not
// consumed yet as missing.
func (v *Verifier) Result() Result {
	r := v.res
	r.Problems = append([]string(nil), v.res.Problems...)
	r.Missing = 0
	for _, k := range v.keys {
		for _, e := range k.exp {
			if e.seen == 0 {
				if r.Missing == 0 || len(r.Problems) < maxProblems {
					r.Problems = append(r.Problems, fmt.Sprintf("missing: flow %d report %d", k.flow, e.index))
				}
				r.Missing++
			}
		}
	}
	if len(r.Problems) > maxProblems {
		r.Problems = r.Problems[:maxProblems]
	}
	r.Seq = v.seq.Result()
	return r
}
