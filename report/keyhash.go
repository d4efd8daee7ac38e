package report

import (
	"encoding/binary"
	"hash/maphash"
	"math/bits"
)

// keySeeds seed FlowKey.Hash: random per process and fixed for its life,
// so every worker maps a flow to the same place and a peer cannot choose
// flows that collide.
var keySeeds = func() (s [6]uint64) {
	seed := maphash.MakeSeed()
	for i := range s {
		s[i] = maphash.Comparable(seed, i) | 1
	}
	return s
}()

// mum is the multiply-and-fold step of wyhash: the 128-bit product of a
// and b, its halves xored.
func mum(a, b uint64) uint64 {
	hi, lo := bits.Mul64(a, b)
	return hi ^ lo
}

// Hash returns a 64-bit hash of the key's fixed form (not of its encoded
// bytes). The key is read as eight words (the two ASes, flow id with the
// ports, the address kinds with the protocol, and each address's 16
// bytes) folded by five multiplications, wyhash's way: it is the Kafka
// worker's per-report message lookup and the N:M dispatch key, so it is
// kept to a few nanoseconds (maphash.Comparable walks the struct field by
// field and cost 16-20 ns here).
func (k *FlowKey) Hash() uint64 {
	s := &keySeeds
	ports := uint64(k.FlowID) | uint64(k.DstPort)<<32 | uint64(k.SrcPort)<<48
	kinds := uint64(k.DstIP.Kind) | uint64(k.SrcIP.Kind)<<8 | uint64(k.Protocol)<<16
	h := mum(k.DstAS^s[0], k.SrcAS^s[1])
	h = mum(ports^s[2], kinds^h)
	h = mum(binary.LittleEndian.Uint64(k.DstIP.Bytes[:8])^s[3], binary.LittleEndian.Uint64(k.DstIP.Bytes[8:])^h)
	h = mum(binary.LittleEndian.Uint64(k.SrcIP.Bytes[:8])^s[4], binary.LittleEndian.Uint64(k.SrcIP.Bytes[8:])^h)
	return mum(h^s[5], s[0]^s[5])
}
