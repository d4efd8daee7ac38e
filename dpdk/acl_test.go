package dpdk_test

import (
	"errors"
	"math/rand/v2"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"wire2kafka/dpdk"
)

// refMatch is the reference matcher: a linear scan; the highest priority
// wins, and among equal priorities the earliest rule.
func refMatch(rules []dpdk.IPv4Rule, proto uint8, src, dst uint32, sport, dport uint16) uint32 {
	best := -1
	for i := range rules {
		r := &rules[i]
		if proto&r.ProtoMask != r.Proto&r.ProtoMask ||
			src&prefixMask(r.SrcPrefix) != r.SrcIP&prefixMask(r.SrcPrefix) ||
			dst&prefixMask(r.DstPrefix) != r.DstIP&prefixMask(r.DstPrefix) ||
			sport < r.SrcPortLo || sport > r.SrcPortHi || dport < r.DstPortLo || dport > r.DstPortHi {
			continue
		}
		if best < 0 || r.Priority > rules[best].Priority {
			best = i
		}
	}
	if best < 0 {
		return 0
	}
	return rules[best].ID
}

func prefixMask(n uint8) uint32 {
	if n == 0 {
		return 0
	}
	return ^uint32(0) << (32 - n)
}

// randomRules makes n rules with mixed wildcards, prefixes, port ranges
// and priorities drawn from a small set, so that ties occur.
func randomRules(rng *rand.Rand, n int) []dpdk.IPv4Rule {
	prefixes := []uint8{0, 18, 20, 22, 24, 26, 28, 30, 32, 32}
	rules := make([]dpdk.IPv4Rule, n)
	for i := range rules {
		r := dpdk.IPv4Rule{ID: uint32(i + 1), Priority: int32(rng.IntN(50) + 1)}
		switch rng.IntN(3) {
		case 0: // any protocol
		case 1:
			r.Proto, r.ProtoMask = 6, 0xff
		default:
			r.Proto, r.ProtoMask = 17, 0xff
		}
		// Addresses from a small space so rules overlap.
		r.SrcIP, r.SrcPrefix = 0x0a000000|rng.Uint32()&0xffff, prefixes[rng.IntN(len(prefixes))]
		r.DstIP, r.DstPrefix = 0xc0a80000|rng.Uint32()&0xffff, prefixes[rng.IntN(len(prefixes))]
		r.SrcIP &= prefixMask(r.SrcPrefix)
		r.DstIP &= prefixMask(r.DstPrefix)
		r.SrcPortLo, r.SrcPortHi = portRange(rng)
		r.DstPortLo, r.DstPortHi = portRange(rng)
		rules[i] = r
	}
	return rules
}

func portRange(rng *rand.Rand) (lo, hi uint16) {
	switch rng.IntN(6) {
	case 0:
		return 0, 65535
	case 1, 2:
		p := uint16(rng.IntN(2048))
		return p, p
	default:
		a, b := uint16(rng.IntN(4096)), uint16(rng.IntN(4096))
		return min(a, b), max(a, b)
	}
}

// randomPacket draws a 5-tuple from the same small spaces.
func randomPacket(rng *rand.Rand) (proto uint8, src, dst uint32, sport, dport uint16) {
	protos := []uint8{6, 17, 1}
	return protos[rng.IntN(3)], 0x0a000000 | rng.Uint32()&0xffff, 0xc0a80000 | rng.Uint32()&0xffff,
		uint16(rng.IntN(4200)), uint16(rng.IntN(4200))
}

func TestACLRandomAgainstReference(t *testing.T) {
	const nRules, nPkts, burst = 1000, 100_000, 32
	rng := rand.New(rand.NewPCG(1, 2))
	rules := randomRules(rng, nRules)
	start := time.Now()
	acl, err := dpdk.NewIPv4ACL("test", rules)
	if err != nil {
		t.Fatal(err)
	}
	defer acl.Close()
	t.Logf("built %d rules in %v", acl.Rules(), time.Since(start))
	b, err := dpdk.NewIPv4ACLBatch(burst)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	type pkt struct {
		proto        uint8
		src, dst     uint32
		sport, dport uint16
	}
	pkts := make([]pkt, burst)
	matched, mismatched := 0, 0
	for done := 0; done < nPkts; done += burst {
		for i := range pkts {
			p := &pkts[i]
			p.proto, p.src, p.dst, p.sport, p.dport = randomPacket(rng)
			b.Tuples()[i].Set(p.proto, p.src, p.dst, p.sport, p.dport)
		}
		if err := acl.Classify(b, burst); err != nil {
			t.Fatal(err)
		}
		for i, got := range b.Results() {
			p := pkts[i]
			want := refMatch(rules, p.proto, p.src, p.dst, p.sport, p.dport)
			if got != want {
				if mismatched < 5 {
					t.Errorf("packet %+v: ACL says rule %d, reference %d", p, got, want)
				}
				mismatched++
			}
			if want != 0 {
				matched++
			}
		}
	}
	if mismatched > 0 {
		t.Fatalf("%d of %d packets differ", mismatched, nPkts)
	}
	// The test is only meaningful if both outcomes occur often.
	if matched < nPkts/10 || matched > nPkts*9/10 {
		t.Fatalf("%d of %d packets matched: random rules too narrow or too wide", matched, nPkts)
	}
	t.Logf("%d packets, %d matched a rule, all equal to the reference", nPkts, matched)
}

func TestACLTies(t *testing.T) {
	any := func(id uint32, prio int32) dpdk.IPv4Rule {
		return dpdk.IPv4Rule{ID: id, Priority: prio, SrcPortHi: 65535, DstPortHi: 65535}
	}
	cases := []struct {
		rules []dpdk.IPv4Rule
		want  uint32
	}{
		{[]dpdk.IPv4Rule{any(1, 5), any(2, 5), any(3, 5)}, 1},
		{[]dpdk.IPv4Rule{any(1, 5), any(2, 7), any(3, 7)}, 2},
		{[]dpdk.IPv4Rule{any(9, 1), any(8, 2)}, 8},
		{nil, 0},
	}
	b, err := dpdk.NewIPv4ACLBatch(1)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	b.Tuples()[0].Set(17, 1, 2, 3, 4)
	for i, c := range cases {
		acl, err := dpdk.NewIPv4ACL("ties", c.rules)
		if err != nil {
			t.Fatal(err)
		}
		if err := acl.Classify(b, 1); err != nil {
			t.Fatal(err)
		}
		if got := b.Results()[0]; got != c.want {
			t.Errorf("case %d: got rule %d, want %d", i, got, c.want)
		}
		acl.Close()
	}
}

func TestACLErrors(t *testing.T) {
	tooMany := make([]dpdk.ACLField, dpdk.ACLMaxFields+1)
	for i := range tooMany {
		tooMany[i] = dpdk.ACLField{Type: dpdk.ACLBitmask, Size: 1, FieldIndex: uint8(i), InputIndex: uint8(i), Offset: uint32(i)}
	}
	okRule := dpdk.IPv4Rule{ID: 1, Priority: 1, SrcPortHi: 65535, DstPortHi: 65535}
	cases := []struct {
		name string
		cfg  dpdk.ACLConfig
		r    []dpdk.ACLRule
		want error
	}{
		{"too many fields", dpdk.ACLConfig{Fields: tooMany}, nil, dpdk.ErrACLFields},
		{"no fields", dpdk.ACLConfig{Fields: []dpdk.ACLField{}}, nil, dpdk.ErrACLFields},
		{"bad size", dpdk.ACLConfig{Fields: []dpdk.ACLField{{Size: 1}, {Size: 3, FieldIndex: 1}}}, nil, dpdk.ErrACLFields},
		{"wide first field", dpdk.ACLConfig{Fields: []dpdk.ACLField{{Size: 4}}}, nil, dpdk.ErrACLFields},
		{"duplicate index", dpdk.ACLConfig{Fields: []dpdk.ACLField{{Size: 1}, {Size: 4}}}, nil, dpdk.ErrACLFields},
		{"rule with too few fields", dpdk.ACLConfig{}, []dpdk.ACLRule{{ID: 1, Priority: 1, Values: make([]dpdk.ACLValue, 3)}}, dpdk.ErrACLFields},
		{"rule with too many fields", dpdk.ACLConfig{}, []dpdk.ACLRule{{ID: 1, Priority: 1, Values: make([]dpdk.ACLValue, 6)}}, dpdk.ErrACLFields},
		{"rule id 0", dpdk.ACLConfig{}, []dpdk.ACLRule{{ID: 0, Priority: 1, Values: make([]dpdk.ACLValue, 5)}}, dpdk.ErrACLRule},
	}
	for _, c := range cases {
		_, err := dpdk.NewACL(c.cfg, c.r)
		if !errors.Is(err, c.want) {
			t.Errorf("%s: got %v, want %v", c.name, err, c.want)
		} else {
			t.Logf("%s: %v", c.name, err)
		}
	}
	// A memory limit too small for the rules: DPDK's build error, wrapped.
	rs := randomRules(rand.New(rand.NewPCG(7, 8)), 200)
	acls := make([]dpdk.ACLRule, len(rs))
	for i, r := range rs {
		acls[i] = r.ACLRule()
	}
	if a, err := dpdk.NewACL(dpdk.ACLConfig{MaxSize: 4096}, acls); err == nil || !strings.Contains(err.Error(), "build 200 rules") {
		if a != nil {
			a.Close()
		}
		t.Errorf("200 rules in 4 KiB: %v", err)
	} else {
		t.Logf("200 rules in 4 KiB: %v", err)
	}
	bad := okRule
	bad.SrcPrefix = 33
	if _, err := dpdk.NewIPv4ACL("bad", []dpdk.IPv4Rule{bad}); !errors.Is(err, dpdk.ErrACLRule) {
		t.Errorf("prefix 33: %v", err)
	}
	bad = okRule
	bad.DstPortLo, bad.DstPortHi = 10, 9
	if _, err := dpdk.NewIPv4ACL("bad", []dpdk.IPv4Rule{bad}); !errors.Is(err, dpdk.ErrACLRule) {
		t.Errorf("empty port range: %v", err)
	}
}

// TestACLSwapWhileClassifying builds new contexts while lcore 1 keeps
// classifying with the current one, swaps them in through an atomic
// pointer, and frees each old context once the lcore has moved on.
func TestACLSwapWhileClassifying(t *testing.T) {
	type gen struct {
		acl  *dpdk.ACL
		want []uint32
		id   uint64
	}
	rng := rand.New(rand.NewPCG(3, 4))
	const burst = 32
	b, err := dpdk.NewIPv4ACLBatch(burst)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	type tuple struct {
		proto        uint8
		src, dst     uint32
		sport, dport uint16
	}
	tuples := make([]tuple, burst)
	for i := range tuples {
		p := &tuples[i]
		p.proto, p.src, p.dst, p.sport, p.dport = randomPacket(rng)
		b.Tuples()[i].Set(p.proto, p.src, p.dst, p.sport, p.dport)
	}
	build := func(id uint64) *gen {
		rules := randomRules(rng, 200)
		acl, err := dpdk.NewIPv4ACL("swap", rules)
		if err != nil {
			t.Fatal(err)
		}
		g := &gen{acl: acl, id: id, want: make([]uint32, burst)}
		for i, p := range tuples {
			g.want[i] = refMatch(rules, p.proto, p.src, p.dst, p.sport, p.dport)
		}
		return g
	}
	var cur atomic.Pointer[gen]
	var seen atomic.Uint64 // generation the lcore classified with last
	var stop atomic.Bool
	var bad, passes atomic.Uint64
	cur.Store(build(1))
	err = dpdk.Launch(1, func() {
		for !stop.Load() {
			g := cur.Load()
			if g.acl.Classify(b, burst) != nil {
				bad.Add(1)
			}
			for i, r := range b.Results() {
				if r != g.want[i] {
					bad.Add(1)
				}
			}
			seen.Store(g.id)
			passes.Add(1)
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	const gens = 4
	for id := uint64(2); id <= gens; id++ {
		g := build(id) // built while the lcore classifies with the old one
		old := cur.Swap(g)
		for seen.Load() != id {
			time.Sleep(100 * time.Microsecond)
		}
		old.acl.Close()
	}
	stop.Store(true)
	if err := dpdk.Wait(1); err != nil {
		t.Fatal(err)
	}
	cur.Load().acl.Close()
	if bad.Load() != 0 {
		t.Fatalf("%d wrong results over %d passes", bad.Load(), passes.Load())
	}
	t.Logf("%d contexts swapped under %d classify passes, all results right", gens, passes.Load())
}
