// Package flowworker holds the service functions a flow worker applies to
// the packets of a rule: passthrough, 1:N sampling, inter-arrival histogram
// and drop. It is pure Go and knows nothing of DPDK: the pipeline's flow
// stage calls these per packet with the packet's receive time, so every
// function here is allocation-free after construction and O(1) per packet.
//
// State is per (flow worker, rule) and owned by that worker's lcore; nothing
// here is safe for concurrent use.
package flowworker
