package pipeline

import (
	"unsafe"
	"wire2kafka/report/intdecode"

	"wire2kafka/dpdk"
)

// Kinds of mbuf travelling through the rings: one element type for every
// ring, told apart by meta.kind.
const (
	kindPacket    uint8 = iota // a received packet
	kindHistogram              // an encoded report.Histogram written by a flow worker
)

// meta is the per-packet metadata in the mbuf private area, written by the
// stage that learns it: RX the receive time, ACL the rule id and the outer
// headers' offsets.
type meta struct {
	rxNs uint64 // receive time, ns since the Unix epoch
	rule uint32 // matching rule id (config.RulePlan.ID); 0 = none
	kind uint8  // kindPacket or kindHistogram
	// N:M rules: owners is the set (bit i: position i among the rule's
	// workers) of workers a copy of this packet went to, 0 when it was not
	// copied; primary is the position of the first report's worker, whose
	// copy counts the packet's decode failures.
	primary uint8
	owners  uint16
	// outer is what the ACL worker's parse of the outer headers found, so
	// the Kafka worker decodes without parsing them again.
	outer intdecode.Outer
}

// metaSize is the private area the mempool must reserve per mbuf.
const metaSize = int(unsafe.Sizeof(meta{}))

// MbufPrivSize is the private area, in bytes, that mbufs arriving from a
// port must have when they come from a pool other than the pipeline's own
// (a net_ring port fed by another program): the pipeline keeps its
// per-packet metadata there.
const MbufPrivSize = metaSize

// metaOf returns the metadata of m. m's pool must have a private area of at
// least metaSize bytes (the pipeline creates its pools so).
func metaOf(m *dpdk.Mbuf) *meta { return (*meta)(m.Priv()) }
