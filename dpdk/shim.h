/* shim.h: small C helpers shared by the cgo files of package dpdk.
 *
 * DPDK's fast-path functions are static inline; cgo can call them, but the
 * helpers below also capture rte_errno on the calling thread and return two
 * results in one call, so that Go makes one cgo call per burst. */
#ifndef W2K_SHIM_H
#define W2K_SHIM_H

#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <rte_acl.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_mbuf_dyn.h>
#include <rte_mempool.h>
#include <rte_ring.h>
#include <rte_cycles.h>

/* Offsets of struct rte_mbuf fields, as Go constants (cgo turns enum
 * constants into untyped Go constants): Go reads mbuf fields with plain
 * loads, never with a cgo call. */
enum {
	W2K_MBUF_SIZE = sizeof(struct rte_mbuf),
	W2K_OFF_BUF_ADDR = offsetof(struct rte_mbuf, buf_addr),
	W2K_OFF_DATA_OFF = offsetof(struct rte_mbuf, data_off),
	W2K_OFF_NB_SEGS = offsetof(struct rte_mbuf, nb_segs),
	W2K_OFF_REFCNT = offsetof(struct rte_mbuf, refcnt),
	W2K_OFF_PORT = offsetof(struct rte_mbuf, port),
	W2K_OFF_OL_FLAGS = offsetof(struct rte_mbuf, ol_flags),
	W2K_OFF_PKT_LEN = offsetof(struct rte_mbuf, pkt_len),
	W2K_OFF_DATA_LEN = offsetof(struct rte_mbuf, data_len),
	W2K_OFF_RSS = offsetof(struct rte_mbuf, hash.rss),
	W2K_OFF_BUF_LEN = offsetof(struct rte_mbuf, buf_len),
	W2K_OFF_PRIV_SIZE = offsetof(struct rte_mbuf, priv_size),
	W2K_OFF_POOL = offsetof(struct rte_mbuf, pool),
	W2K_OFF_NEXT = offsetof(struct rte_mbuf, next),
	W2K_F_RX_RSS_HASH = RTE_MBUF_F_RX_RSS_HASH,
};

/* Pack two 32-bit results into one return value. */
static inline uint64_t w2k_pack(uint32_t a, uint32_t b)
{
	return ((uint64_t)a << 32) | b;
}

#endif
