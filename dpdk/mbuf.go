package dpdk

/*
#include "shim.h"
*/
import "C"

import (
	"unsafe"
)

// Offsets of struct rte_mbuf fields, taken from the C header at build time.
const (
	mbufSize    = C.W2K_MBUF_SIZE
	offBufAddr  = C.W2K_OFF_BUF_ADDR
	offDataOff  = C.W2K_OFF_DATA_OFF
	offNbSegs   = C.W2K_OFF_NB_SEGS
	offRefcnt   = C.W2K_OFF_REFCNT
	offPort     = C.W2K_OFF_PORT
	offOlFlags  = C.W2K_OFF_OL_FLAGS
	offPktLen   = C.W2K_OFF_PKT_LEN
	offDataLen  = C.W2K_OFF_DATA_LEN
	offRSS      = C.W2K_OFF_RSS
	offBufLen   = C.W2K_OFF_BUF_LEN
	offPrivSize = C.W2K_OFF_PRIV_SIZE
	offPool     = C.W2K_OFF_POOL
	offNext     = C.W2K_OFF_NEXT
	flagRSSHash = C.W2K_F_RX_RSS_HASH
)

// Mbuf is a DPDK packet buffer (struct rte_mbuf) in DPDK memory. Use it
// only as *Mbuf from RX bursts, rings and pools; never copy or allocate it
// in Go. Its accessors are plain memory reads and writes (no cgo call) and
// do not allocate. An Mbuf is owned by one goroutine at a time: the one
// that received, dequeued or allocated it, until it enqueues, transmits or
// frees it.
type Mbuf struct {
	_ [mbufSize]byte
}

func (m *Mbuf) at(off uintptr) unsafe.Pointer { return unsafe.Add(unsafe.Pointer(m), off) }

// Data returns the bytes of the mbuf's first segment, in place: the slice
// aliases DPDK memory and is valid only until the mbuf is freed,
// transmitted or handed on.
func (m *Mbuf) Data() []byte {
	base := *(*unsafe.Pointer)(m.at(offBufAddr))
	off := *(*uint16)(m.at(offDataOff))
	n := *(*uint16)(m.at(offDataLen))
	return unsafe.Slice((*byte)(unsafe.Add(base, off)), n)
}

// DataLen returns the length of the first segment's data.
func (m *Mbuf) DataLen() int { return int(*(*uint16)(m.at(offDataLen))) }

// PktLen returns the packet length over all segments.
func (m *Mbuf) PktLen() int { return int(*(*uint32)(m.at(offPktLen))) }

// Segments returns the number of segments (1 unless the mbuf is chained).
func (m *Mbuf) Segments() int { return int(*(*uint16)(m.at(offNbSegs))) }

// Next returns the next segment, or nil.
func (m *Mbuf) Next() *Mbuf { return *(**Mbuf)(m.at(offNext)) }

// Port returns the input port id set by the driver on receive.
func (m *Mbuf) Port() uint16 { return *(*uint16)(m.at(offPort)) }

// OLFlags returns the offload flags (ol_flags).
func (m *Mbuf) OLFlags() uint64 { return *(*uint64)(m.at(offOlFlags)) }

// RSSHash returns the RSS hash the NIC computed and whether it is valid
// (RTE_MBUF_F_RX_RSS_HASH set).
func (m *Mbuf) RSSHash() (uint32, bool) {
	return *(*uint32)(m.at(offRSS)), m.OLFlags()&flagRSSHash != 0
}

// Priv returns the start of the mbuf's private area: PrivSize bytes right
// after struct rte_mbuf, for per-packet metadata (8-byte aligned). Cast it
// to a pointer to a struct without Go pointers, e.g.
// (*Meta)(m.Priv()).
func (m *Mbuf) Priv() unsafe.Pointer { return m.at(mbufSize) }

// PrivSize returns the size of the private area in bytes.
func (m *Mbuf) PrivSize() int { return int(*(*uint16)(m.at(offPrivSize))) }

// BufLen returns the size of the data buffer, headroom included.
func (m *Mbuf) BufLen() int { return int(*(*uint16)(m.at(offBufLen))) }

// Headroom returns the bytes available before the data.
func (m *Mbuf) Headroom() int { return int(*(*uint16)(m.at(offDataOff))) }

// Tailroom returns the bytes available after the first segment's data.
func (m *Mbuf) Tailroom() int { return m.BufLen() - m.Headroom() - m.DataLen() }

// SetLen sets the data and packet length of a single-segment mbuf to n
// bytes (to build a packet: SetLen, then write into Data). It returns false,
// changing nothing, if n does not fit in the buffer after the headroom or
// the mbuf is chained.
func (m *Mbuf) SetLen(n int) bool {
	if n < 0 || n > m.BufLen()-m.Headroom() || m.Segments() != 1 {
		return false
	}
	*(*uint16)(m.at(offDataLen)) = uint16(n)
	*(*uint32)(m.at(offPktLen)) = uint32(n)
	return true
}

// Refs returns the mbuf's reference count.
func (m *Mbuf) Refs() int { return int(*(*uint16)(m.at(offRefcnt))) }

// AddRefs adds n references to an mbuf its caller owns alone (reference
// count 1, not yet handed to another core), so that it can hand the same
// mbuf to n more consumers, each of which frees it once. A plain write:
// nobody else can see the mbuf yet. Freeing (rte_pktmbuf_free and the
// bulk free) decrements atomically and returns it to its pool at zero.
func (m *Mbuf) AddRefs(n int) { *(*uint16)(m.at(offRefcnt)) += uint16(n) }

// Free returns the mbuf (all its segments) to its pool: one cgo call, use
// FreeBulk for bursts.
func (m *Mbuf) Free() { C.rte_pktmbuf_free((*C.struct_rte_mbuf)(unsafe.Pointer(m))) }

// RxTimestamp locates the RX timestamp dynamic field of mbufs
// (RTE_MBUF_DYNFIELD_TIMESTAMP_NAME) and its valid flag. NIC drivers
// register it when a port is configured with the timestamp offload
// (PortConfig RxTimestamp). net_pcap of DPDK 22.11 registers it at probe
// and stores every packet's capture time in it, in microseconds since the
// epoch (seconds*1e6 + microseconds of the pcap record), without the
// offload (which it does not advertise); later DPDK releases use
// nanoseconds and require the offload.
type RxTimestamp struct {
	off  uintptr
	flag uint64
}

// LookupRxTimestamp finds the RX timestamp dynfield; ok is false if no
// driver (and no RegisterRxTimestamp call) has registered it yet. Look it
// up after starting the ports.
func LookupRxTimestamp() (ts RxTimestamp, ok bool) {
	name := C.CString(C.RTE_MBUF_DYNFIELD_TIMESTAMP_NAME)
	defer C.free(unsafe.Pointer(name))
	fname := C.CString(C.RTE_MBUF_DYNFLAG_RX_TIMESTAMP_NAME)
	defer C.free(unsafe.Pointer(fname))
	off := C.rte_mbuf_dynfield_lookup(name, nil)
	bit := C.rte_mbuf_dynflag_lookup(fname, nil)
	if off < 0 || bit < 0 {
		return RxTimestamp{}, false
	}
	return RxTimestamp{off: uintptr(off), flag: 1 << uint(bit)}, true
}

// RegisterRxTimestamp registers the RX timestamp dynfield and flag
// (rte_mbuf_dyn_rx_timestamp_register), as drivers do, and returns them.
func RegisterRxTimestamp() (RxTimestamp, error) {
	var off C.int
	var flag C.uint64_t
	if rc := C.rte_mbuf_dyn_rx_timestamp_register(&off, &flag); rc < 0 {
		return RxTimestamp{}, errnoErr("rte_mbuf_dyn_rx_timestamp_register", rc)
	}
	return RxTimestamp{off: uintptr(off), flag: uint64(flag)}, nil
}

// Get returns the mbuf's RX timestamp and whether the driver set it. The
// unit is the driver's: net_pcap (22.11) gives the capture time in
// microseconds since the epoch, NICs their clock ticks.
func (t RxTimestamp) Get(m *Mbuf) (uint64, bool) {
	if t.flag == 0 || m.OLFlags()&t.flag == 0 {
		return 0, false
	}
	return *(*uint64)(m.at(t.off)), true
}
