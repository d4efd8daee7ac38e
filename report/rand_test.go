package report

import "math/rand/v2"

// randomReport fills r with random content covering every field and edge:
// empty and full hops, zero values, IPv4/IPv6/absent addresses.
func randomReport(rng *rand.Rand, r *Report) {
	r.Reset()
	randomFlowKey(rng, &r.Key)
	nh := rng.IntN(9)
	if rng.IntN(50) == 0 {
		nh = MaxHops
	}
	for i := 0; i < nh; i++ {
		h := r.NewHop()
		h.ASN = rnd64(rng) & (1<<48 - 1)
		h.NodeID = uint32(rnd64(rng))
		nmd := rng.IntN(MaxMetadata + 1)
		for j := 0; j < nmd; j++ {
			var v [MaxMetadataLen]byte
			n := rng.IntN(MaxMetadataLen + 1)
			for k := 0; k < n; k++ {
				v[k] = byte(rng.Uint32())
			}
			h.Add(uint32(rnd64(rng)), v[:n])
		}
	}
	r.PacketType = PacketType(rng.IntN(5))
	if rng.IntN(4) != 0 {
		t := make([]byte, rng.IntN(200))
		for i := range t {
			t[i] = byte(rng.Uint32())
		}
		r.Truncated = t
	}
	r.ReceiveTime = rnd64(rng)
	r.SourceTime = rnd64(rng) & (1<<48 - 1)
	r.Sequence = rnd64(rng)
}

// rnd64 returns 0, a small or a large value, each often.
func rnd64(rng *rand.Rand) uint64 {
	switch rng.IntN(4) {
	case 0:
		return 0
	case 1:
		return uint64(rng.IntN(200))
	default:
		return rng.Uint64() >> rng.IntN(64)
	}
}

func randomAddr(rng *rand.Rand, a *Addr) {
	var b [16]byte
	for i := range b {
		if rng.IntN(3) != 0 {
			b[i] = byte(rng.Uint32())
		}
	}
	switch rng.IntN(3) {
	case 0:
		*a = Addr{}
	case 1:
		a.SetIPv4(b[:4])
	case 2:
		a.SetIPv6(b[:])
	}
}

func randomFlowKey(rng *rand.Rand, k *FlowKey) {
	k.DstAS = rnd64(rng) & (1<<48 - 1)
	k.SrcAS = rnd64(rng) & (1<<48 - 1)
	k.FlowID = uint32(rnd64(rng)) & (1<<20 - 1)
	randomAddr(rng, &k.DstIP)
	randomAddr(rng, &k.SrcIP)
	k.DstPort = uint16(rnd64(rng))
	k.SrcPort = uint16(rnd64(rng))
	k.Protocol = Protocol(rng.IntN(3))
}
