// Package config reads, validates and resolves the wire2kafka config file.
//
// One strict YAML file (unknown keys are errors) describes EAL and lcores,
// ports, mempool and rings, INT decoding, Kafka, metrics, the pipelines
// (which lcore runs which RX, ACL, flow and Kafka worker) and the rules
// (5-tuple match -> service function on a flow worker -> Kafka topic).
// Field names follow ESnet's Fastcapa-ng. README.md in this folder is the
// reference of every field with its default and unit.
//
//	cfg, err := config.Load(path) // decode + Validate; err is config.Errors
//	plan, err := cfg.Resolve()    // the stage graph the pipeline builds
//	args := plan.EALArgs(config.HugepagesFreeMB())
//	err = config.CheckReload(running, cfg) // on SIGHUP
//
// Every problem is reported, not just the first, as
// "file:line: field: message" (see FieldError). A field left out of the
// file takes its default; a Config built in Go goes through Validate,
// where a zero field means "use the default".
//
// This package owns no runtime state: it never touches DPDK, Kafka or the
// network, and does not depend on the packages that do. It uses report only
// for SCION ISD-AS parsing and topic names.
package config
