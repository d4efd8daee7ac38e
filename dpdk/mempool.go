package dpdk

/*
#include "shim.h"

static struct rte_mempool *w2k_pool_create(const char *name, unsigned n, unsigned cache,
	uint16_t priv, uint16_t room, int socket, int *err)
{
	struct rte_mempool *mp = rte_pktmbuf_pool_create(name, n, cache, priv, room, socket);
	*err = mp == NULL ? rte_errno : 0;
	return mp;
}
*/
import "C"

import (
	"errors"
	"fmt"
	"sync/atomic"
	"unsafe"
)

// ErrPoolEmpty is returned by Pool.AllocBulk when the pool cannot supply
// the whole burst (nothing is allocated then).
var ErrPoolEmpty = errors.New("dpdk: mempool empty")

// SocketAny lets DPDK choose the NUMA socket (SOCKET_ID_ANY).
const SocketAny = int(C.SOCKET_ID_ANY)

// DefaultDataRoom is RTE_MBUF_DEFAULT_BUF_SIZE: 2048 bytes of data plus
// the default headroom.
const DefaultDataRoom = uint16(C.RTE_MBUF_DEFAULT_BUF_SIZE)

// PoolConfig configures NewPool.
type PoolConfig struct {
	// Name must be unique among mempools; empty picks a unique one.
	Name string
	// Size is the number of mbufs; 2^q-1 is optimal. Required.
	Size uint32
	// CacheSize is the per-lcore cache (at most 512 and at most Size/1.5).
	// Zero means 256, reduced to fit small pools.
	CacheSize uint32
	// PrivSize is the private area per mbuf, in bytes, rounded up to a
	// multiple of 8 (RTE_MBUF_PRIV_ALIGN). See Mbuf.Priv.
	PrivSize uint16
	// DataRoomSize is the data buffer per mbuf, headroom included. Zero
	// means DefaultDataRoom.
	DataRoomSize uint16
	// Socket is the NUMA socket for the memory: 0 is socket 0, SocketAny
	// lets DPDK choose.
	Socket int
}

// Pool is a pktmbuf mempool (rte_pktmbuf_pool_create). Allocation and free
// are safe from any lcore; a thread that is neither an lcore nor registered
// (RegisterThread) works without the per-lcore cache, more slowly.
type Pool struct {
	mp   *C.struct_rte_mempool
	name string
}

var poolSeq atomic.Uint64

// NewPool creates a pktmbuf pool.
func NewPool(cfg PoolConfig) (*Pool, error) {
	if !Initialized() {
		return nil, ErrNotInitialized
	}
	if cfg.Size == 0 {
		return nil, fmt.Errorf("dpdk: mempool %q: size 0", cfg.Name)
	}
	if cfg.Name == "" {
		cfg.Name = fmt.Sprintf("w2k_pool_%d", poolSeq.Add(1))
	}
	if cfg.DataRoomSize == 0 {
		cfg.DataRoomSize = DefaultDataRoom
	}
	if cfg.CacheSize == 0 {
		cfg.CacheSize = min(256, uint32(float64(cfg.Size)/1.5))
	}
	priv := (uint32(cfg.PrivSize) + C.RTE_MBUF_PRIV_ALIGN - 1) &^ (C.RTE_MBUF_PRIV_ALIGN - 1)
	if priv > 0xffff {
		return nil, fmt.Errorf("dpdk: mempool %q: private size %d too large", cfg.Name, cfg.PrivSize)
	}
	name := C.CString(cfg.Name)
	defer C.free(unsafe.Pointer(name))
	var errno C.int
	mp := C.w2k_pool_create(name, C.uint(cfg.Size), C.uint(cfg.CacheSize), C.uint16_t(priv),
		C.uint16_t(cfg.DataRoomSize), C.int(cfg.Socket), &errno)
	if mp == nil {
		return nil, errnoErr(fmt.Sprintf("mempool %q (%d mbufs, cache %d, priv %d, room %d)",
			cfg.Name, cfg.Size, cfg.CacheSize, priv, cfg.DataRoomSize), errno)
	}
	return &Pool{mp: mp, name: cfg.Name}, nil
}

// Name returns the pool's name.
func (p *Pool) Name() string { return p.name }

// Size returns the number of mbufs in the pool.
func (p *Pool) Size() int { return int(p.mp.size) }

// Avail returns the number of free mbufs, per-lcore caches included.
func (p *Pool) Avail() int { return int(C.rte_mempool_avail_count(p.mp)) }

// InUse returns the number of mbufs allocated from the pool.
func (p *Pool) InUse() int { return int(C.rte_mempool_in_use_count(p.mp)) }

// Alloc allocates one mbuf, or returns nil if the pool is empty. One cgo
// call: use AllocBulk for bursts.
func (p *Pool) Alloc() *Mbuf { return (*Mbuf)(unsafe.Pointer(C.rte_pktmbuf_alloc(p.mp))) }

// AllocBulk allocates n mbufs into entries [0, n) of a in one cgo call
// (rte_pktmbuf_alloc_bulk): all of them, or none and ErrPoolEmpty.
func (p *Pool) AllocBulk(a *MbufArray, n int) error {
	c := a.span(0, n)
	if C.rte_pktmbuf_alloc_bulk(p.mp, cmbufs(c), C.uint(n)) != 0 {
		return ErrPoolEmpty
	}
	return nil
}

// Close frees the pool (rte_mempool_free). All its mbufs must have been
// returned and no port may still use it.
func (p *Pool) Close() {
	if p.mp != nil {
		C.rte_mempool_free(p.mp)
		p.mp = nil
	}
}

// cptr returns the C mempool (for the ethdev files).
func (p *Pool) cptr() *C.struct_rte_mempool { return p.mp }
