// Package intdecode reads In-band Network Telemetry off the wire: it turns
// a mirrored Ethernet frame carrying a P4.org Telemetry Report (v2.0, or
// v0.5/1.0, with INT-MD v2.1/v1.0 stacks inside) or a SCION packet with an
// ID-INT header into report.Reports, in place and without allocating.
//
//   - ParseFiveTuple parses the outer headers (the ACL worker's input);
//     Outer carries what it found to the stages after it, so the headers
//     are parsed once.
//   - Decoder.DecodeOuter (Decode without a prior parse) decodes every
//     report of a frame; a failure is a Reason (an array index for
//     per-worker counters) and, for other callers, a sentinel error.
//   - Decoder.DispatchHashesOuter reads only the headers that lead to each
//     report's monitored flow: the N:M dispatch key.
//   - With Config.StackInFrame an INT-MD or ID-INT stack stays in the
//     frame (report.Stack) for the appenders to transcode into the message
//     in one pass; the encoded bytes equal those of the default path, and
//     the tests require it on every spec packet and fuzz input.
//
// Every field is read as the specs define it; spec_*_test.go hold the
// specs' own example packets, assembled byte by byte, and the fuzz targets
// check that nothing panics, allocates or disagrees between the two decode
// paths. docs/formats.md section 4 maps the fields to report metadata.
package intdecode
