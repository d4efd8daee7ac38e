package intgen

import (
	"math/rand/v2"

	"wire2kafka/report"
)

// flow is one generated flow and the INT path its packets take.
type flow struct {
	id      int
	src     [4]byte
	dst     [4]byte
	sport   uint16
	dport   uint16
	flowID  uint32 // SCION flow id (20 bits)
	srcIA   report.IA
	dstIA   report.IA
	nodes   []uint32 // INT nodes, source first (TR: before the reporting sink)
	asns    []uint64 // AS of each node (ID-INT)
	reports int      // reports written so far
}

// sinkNodeID is the node id of the reporting INT sink (TR group header).
const sinkNodeID = 0x5100_0001

func makeFlows(rng *rand.Rand, n, hops int) []*flow {
	fs := make([]*flow, n)
	srcIA := report.MakeIA(1, 0xff00_0000_0001)
	for i := range fs {
		dstIA := report.MakeIA(1, 0xff00_0000_0100+uint64(i%16))
		f := &flow{
			id: i,
			// 10.1.x.y -> 10.2.x.y for the first 65536 flows, then
			// 10.3 -> 10.4 and so on (up to MaxFlows).
			src:    [4]byte{10, byte(1 + 2*(i>>16)), byte(i >> 8), byte(i)},
			dst:    [4]byte{10, byte(2 + 2*(i>>16)), byte(i >> 8), byte(i)},
			sport:  uint16(10000 + rng.IntN(50000)),
			dport:  uint16(1 + rng.IntN(1023)),
			flowID: uint32(rng.IntN(1 << 20)),
			srcIA:  srcIA,
			dstIA:  dstIA,
		}
		for h := 0; h < hops; h++ {
			f.nodes = append(f.nodes, uint32(0x1000*(h+1)+rng.IntN(16)+1))
			as := srcIA.AS()
			if h >= hops/2 {
				as = dstIA.AS()
			}
			f.asns = append(f.asns, as)
		}
		fs[i] = f
	}
	return fs
}

// randBytes appends n random bytes.
func randBytes(rng *rand.Rand, b []byte, n int) []byte {
	start := len(b)
	ones := true
	for i := 0; i < n; i++ {
		c := byte(rng.Uint32())
		ones = ones && c == 0xff
		b = append(b, c)
	}
	if ones && n > 0 {
		b[start+n-1] = 0xfe // all ones means "unavailable" (INT v2.1 section 5.8)
	}
	return b
}
