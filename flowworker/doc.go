// Package flowworker is the flow worker's packet logic: the service
// functions a rule applies to its packets (passthrough, 1:N sampling,
// inter-arrival histogram, drop) and the per-rule state they keep.
// Functions.Apply decides, per packet, whether it goes on to the Kafka
// worker or why not; histograms are emitted by the worker when due.
//
// It is pure Go and knows nothing of DPDK or rings: pipeline/flow.go moves
// the mbufs (dequeue, enqueue, free, counters) and calls Apply with each
// packet's rule id and receive time. Everything here is allocation-free
// after construction and O(1) per packet. State is per (flow worker, rule)
// and owned by that worker's lcore; nothing here is safe for concurrent use.
package flowworker
