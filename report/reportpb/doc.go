// Package reportpb holds the Go code generated from report/report.proto
// (package telemetry.report). Do not edit report.pb.go: regenerate it with
// `make proto` (protoc --go_out=. --go_opt=module=wire2kafka
// report/report.proto, protoc-gen-go v1.36.12).
//
// The hot path never builds these structs: package report appends the same
// wire format straight into byte buffers. Use these types in consumers,
// tests and tools.
package reportpb
