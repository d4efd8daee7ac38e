# wire2kafka: `make demo` runs the main job end to end, `make test` proves it.
# Every target works as root on a fresh Debian 12 machine and is idempotent.

GO       ?= go
BIN      := bin/wire2kafka
VERSION  := $(shell git describe --always --dirty 2>/dev/null || echo dev)
LDFLAGS  := -X main.version=$(VERSION)
FUZZTIME ?= 5m
RUNS ?= 20
export PATH := $(CURDIR)/bin:$(PATH)

.PHONY: all deps build test demo bench proto proto-check fuzz reliability deb kafka-up kafka-down clean

all: build

## deps: install Debian packages, protoc-gen-go, the Kafka jars; reserve hugepages
deps:
	@deploy/dev/deps.sh

## build: the wire2kafka binary in bin/
build:
	$(GO) build -ldflags '$(LDFLAGS)' -o $(BIN) ./cmd/wire2kafka

## test: deps, gofmt, vet, generated code, all tests with real Kafka and Prometheus, short fuzz
test: deps
	@deploy/dev/test.sh

## demo: capture -> DPDK -> pipeline -> local Kafka -> consumer summary, verified against the truth
demo: deps build
	@deploy/demo/demo.sh

## bench: wire2kafka vs the bare C limit and vs the tools people use instead;
## one table, out/bench/results.json, docs/benchmarks.md (BENCH_SECONDS, BENCH_ROUNDS)
bench: deps build
	@deploy/bench/bench.sh

## proto: regenerate report/reportpb from report/report.proto
proto:
	protoc --go_out=. --go_opt=module=wire2kafka report/report.proto

## proto-check: fail when the committed generated code differs from a fresh generation
proto-check:
	@tmp=$$(mktemp -d) && trap 'rm -rf $$tmp' EXIT && \
	protoc --go_out=$$tmp --go_opt=module=wire2kafka report/report.proto && \
	diff -u report/reportpb/report.pb.go $$tmp/report/reportpb/report.pb.go >/dev/null || \
	{ echo "report/reportpb is stale: run 'make proto' and commit"; exit 1; }
	@echo "report/reportpb is current"

## fuzz: run every fuzz target for FUZZTIME (default 5m)
fuzz:
	FUZZTIME=$(FUZZTIME) deploy/dev/fuzz.sh

## deb: out/wire2kafka_<version>_<arch>.deb (binary, systemd unit, configs, dashboards, man page)
deb: build
	BIN=$(BIN) deploy/deb/build.sh

## reliability: the broker outage tests RUNS times in a loop (default 20; about 6 minutes a run), outside make test
reliability: deps
	RUNS=$(RUNS) deploy/dev/reliability.sh

## kafka-up / kafka-down: a local single-node Kafka on 127.0.0.1:19092
kafka-up:
	@deploy/kafka/kafka.sh start

kafka-down:
	@deploy/kafka/kafka.sh stop

clean:
	rm -rf bin
