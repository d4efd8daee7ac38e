package dpdk

/*
#include "shim.h"

static int w2k_heap_stats(int socket, uint64_t *total, uint64_t *alloc)
{
	struct rte_malloc_socket_stats s;
	if (rte_malloc_get_socket_stats(socket, &s) < 0)
		return -1;
	*total = s.heap_totalsz_bytes;
	*alloc = s.heap_allocsz_bytes;
	return 0;
}
*/
import "C"

// HeapStats are the occupancy of DPDK's malloc heaps (rte_malloc), where
// the ACL classifiers, rings and mempools live, summed over NUMA sockets.
type HeapStats struct {
	// Size is the heaps' size and Allocated what is allocated of it,
	// in bytes.
	Size, Allocated uint64
}

// Heap returns the occupancy of DPDK's malloc heaps (after Init).
func Heap() HeapStats {
	var h HeapStats
	for s := 0; s < int(C.RTE_MAX_NUMA_NODES); s++ {
		var total, alloc C.uint64_t
		if C.w2k_heap_stats(C.int(s), &total, &alloc) == 0 {
			h.Size += uint64(total)
			h.Allocated += uint64(alloc)
		}
	}
	return h
}
