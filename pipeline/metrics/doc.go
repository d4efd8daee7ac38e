// Package metrics exposes wire2kafka's counters to Prometheus: a Collector
// that reads the workers', ports', mempool's and Kafka connections' own
// counters at scrape time (the data path never calls the Prometheus
// client), a Registry with the Go runtime and process collectors, and an
// HTTP Server with /metrics, /healthz and /readyz.
//
// The collector depends on small interfaces (WorkerSource, PortSource,
// PoolSource, KafkaSource, DiscardSource), so tests can feed it fixed
// figures; FromPipeline adapts a *pipeline.Pipeline.
//
// Every metric is listed in docs/metrics.md.
package metrics
