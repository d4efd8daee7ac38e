// Package report defines what wire2kafka reads off the wire and writes into
// Kafka, in one place and in pure Go (no cgo, no DPDK).
//
//   - Report, Hop, Metadatum and FlowKey are flat, reusable structs that the
//     decoders fill in place and the appenders encode; nothing on the hot
//     path allocates.
//   - AppendReport, AppendFlowKey, AppendBatchEntry, AppendPacketEntry and
//     AppendHistogram write the wire format of report.proto (package
//     reportpb) with protowire into a caller's reused buffer.
//   - Decoder turns a mirrored Ethernet frame carrying a P4.org Telemetry
//     Report (v2.0, or v0.5/1.0) or a SCION packet with an ID-INT header
//     into Reports; failures are a Reason (array index for per-worker
//     counters) and, for other callers, a sentinel error (ErrTruncated...).
//   - ParseIA and Topic handle ISD-AS numbers and the SCION-INT topic names
//     (1-ff00:0:1, sink 1 -> ASff00_0_1-1).
//
// docs/formats.md describes the Kafka message formats for consumers.
package report
