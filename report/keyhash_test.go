package report

import (
	"fmt"
	"hash/maphash"
	"math/bits"
	"testing"
)

// baseKey is a SCION flow key with every field set.
func baseKey() FlowKey {
	k := FlowKey{DstAS: 0xff0000000111, SrcAS: 0xff0000000112, FlowID: 0xabcde, DstPort: 443, SrcPort: 50123, Protocol: ProtoTCP}
	k.DstIP.SetIPv4([]byte{10, 0, 0, 1})
	k.SrcIP.SetIPv6([]byte{0x20, 1, 0xd, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2})
	return k
}

// TestFlowKeyHashFields: a key differing from another in any one field,
// any one bit of an address, or only in an address's kind hashes
// differently, and no two keys of the set collide.
func TestFlowKeyHashFields(t *testing.T) {
	muts := map[string]func(*FlowKey){
		"base":     func(*FlowKey) {},
		"DstAS":    func(k *FlowKey) { k.DstAS++ },
		"SrcAS":    func(k *FlowKey) { k.SrcAS ^= 1 << 47 },
		"FlowID":   func(k *FlowKey) { k.FlowID ^= 1 },
		"DstPort":  func(k *FlowKey) { k.DstPort++ },
		"SrcPort":  func(k *FlowKey) { k.SrcPort ^= 0x8000 },
		"Protocol": func(k *FlowKey) { k.Protocol = ProtoUDP },
		"swap AS":  func(k *FlowKey) { k.DstAS, k.SrcAS = k.SrcAS, k.DstAS },
		"swap ports": func(k *FlowKey) {
			k.DstPort, k.SrcPort = k.SrcPort, k.DstPort
		},
		"DstIP kind": func(k *FlowKey) { k.DstIP.Kind = AddrIPv6 },
		"SrcIP none": func(k *FlowKey) { k.SrcIP = Addr{} },
	}
	for i := range 16 {
		for b := range 8 {
			muts[fmt.Sprintf("DstIP bit %d.%d", i, b)] = func(k *FlowKey) { k.DstIP.Bytes[i] ^= 1 << b }
			muts[fmt.Sprintf("SrcIP bit %d.%d", i, b)] = func(k *FlowKey) { k.SrcIP.Bytes[i] ^= 1 << b }
		}
	}
	seen := map[uint64]string{}
	for name, mut := range muts {
		k := baseKey()
		mut(&k)
		h := k.Hash()
		if h != k.Hash() {
			t.Fatalf("%s: hash not stable", name)
		}
		if other, dup := seen[h]; dup {
			t.Errorf("%s and %s: same hash %x", name, other, h)
		}
		seen[h] = name
	}
}

// TestFlowKeyHashSpread: keys that differ little (consecutive IPv4
// addresses and ports, the common case) spread evenly over N:M workers
// (the top half of the hash, as pipeline.dispatch reads it) and over a
// batch table (its low bits), and one flipped input bit flips about half
// the output bits.
func TestFlowKeyHashSpread(t *testing.T) {
	const n = 1 << 17
	keys := make([]FlowKey, n)
	for i := range keys {
		k := &keys[i]
		k.DstIP.SetIPv4([]byte{192, 0, 2, 1})
		k.SrcIP.SetIPv4([]byte{10, byte(i >> 16), byte(i >> 8), byte(i)})
		k.DstPort, k.SrcPort, k.Protocol = 4791, uint16(40000+i%7), ProtoUDP
	}
	// Pearson's chi-squared of the counts: about buckets-1 for a uniform
	// hash (maphash.Comparable gave 9.6-21.7 over 16 workers and 966 over
	// 1024 slots here). The seeds are random, so the bounds sit far out in
	// the tail (below one in a million).
	chi2 := func(count []int) float64 {
		mean, x := float64(n)/float64(len(count)), 0.0
		for _, c := range count {
			d := float64(c) - mean
			x += d * d / mean
		}
		return x
	}
	for _, c := range []struct {
		workers int
		max     float64
	}{{2, 30}, {3, 32}, {4, 35}, {8, 45}, {16, 60}} {
		count := make([]int, c.workers)
		for i := range keys {
			h := keys[i].Hash()
			count[int(uint64(uint32(h^h>>32))*uint64(c.workers)>>32)]++
		}
		if x := chi2(count); x > c.max {
			t.Errorf("%d workers: chi-squared %.1f, want about %d (counts %v)", c.workers, x, c.workers-1, count)
		}
	}
	const slots = 1024
	count := make([]int, slots)
	for i := range keys {
		count[keys[i].Hash()&(slots-1)]++
	}
	if x := chi2(count); x > slots-1+7*45 { // standard deviation sqrt(2(slots-1)) = 45
		t.Errorf("table slots: chi-squared %.0f over %d slots, want about %d", x, slots, slots-1)
	}
	flips, trials := 0, 0
	for i := range 2000 {
		k := keys[i]
		h := k.Hash()
		for _, mut := range []func(*FlowKey){
			func(k *FlowKey) { k.SrcIP.Bytes[3] ^= 1 << (i % 8) },
			func(k *FlowKey) { k.SrcPort ^= 1 << (i % 16) },
			func(k *FlowKey) { k.FlowID ^= 1 << (i % 20) },
			func(k *FlowKey) { k.DstAS ^= 1 << (i % 48) },
		} {
			m := k
			mut(&m)
			flips += bits.OnesCount64(h ^ m.Hash())
			trials++
		}
	}
	if avg := float64(flips) / float64(trials); avg < 30 || avg > 34 {
		t.Errorf("one input bit flips %.2f output bits on average, want about 32", avg)
	}
}

// BenchmarkFlowKeyHash prints the cost of FlowKey.Hash next to
// maphash.Comparable of the same key (what it replaced).
func BenchmarkFlowKeyHash(b *testing.B) {
	keys := make([]FlowKey, 256)
	for i := range keys {
		keys[i] = baseKey()
		keys[i].SrcPort += uint16(i)
	}
	var sink uint64
	b.Run("Hash", func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			sink ^= keys[i&255].Hash()
		}
	})
	seed := maphash.MakeSeed()
	b.Run("maphash.Comparable", func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			sink ^= maphash.Comparable(seed, keys[i&255])
		}
	})
	if sink == 1 {
		b.Log("sink")
	}
}
