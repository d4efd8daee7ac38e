// Package report defines what wire2kafka reads off the wire and writes into
// Kafka, in one place and in pure Go (no cgo, no DPDK).
//
//   - Report, Hop, Metadatum and FlowKey are flat, reusable structs that the
//     decoders (report/intdecode) fill in place and the appenders encode;
//     nothing on the hot path allocates. A Stack is an INT-MD or ID-INT
//     stack left in the frame, which the appenders transcode. The metadata keys beyond the
//     MetadataType enum (keys.go) are part of the format.
//   - AppendReport, AppendFlowKey, AppendBatchEntry, AppendPacketEntry and
//     AppendHistogram write the wire format of report.proto (package
//     reportpb) with protowire into a caller's reused buffer.
//   - The decoders that fill Reports from mirrored frames live in
//     report/intdecode; the generator of test captures in report/intgen and
//     pcap I/O in report/pcap.
//   - ParseIA and Topic handle ISD-AS numbers and the SCION-INT topic names
//     (1-ff00:0:1, sink 1 -> ASff00_0_1-1).
//
// docs/formats.md describes the Kafka message formats for consumers.
package report
