// Command scionint is the "SCION-INT way" peer of `make bench` case 2b: it
// decodes the INT reports of a capture once, then for a fixed time sends
// them round-robin into Kafka exactly as the SCION-INT collector does: one
// proto.Marshal of the generated reportpb.Report per report, one Kafka
// message per report, through confluent-kafka-go. It counts the reports
// the broker acknowledged (delivery reports) in the measured window and
// prints one JSON object.
//
//	scionint -pcap FILE -b HOST:PORT -t TOPIC [-warmup S] [-seconds S] [-X key=value ...]
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"sync/atomic"
	"time"

	"github.com/confluentinc/confluent-kafka-go/v2/kafka"
	"github.com/prometheus/procfs"
	"google.golang.org/protobuf/proto"

	"wire2kafka/report/intdecode"
	"wire2kafka/report/pcap"
	"wire2kafka/report/reportpb"
)

// Result is what the measured window gave.
type Result struct {
	Mode          string            `json:"mode"`
	Seconds       float64           `json:"seconds"`
	Reports       uint64            `json:"reports"` // acknowledged by the broker in the window
	ReportsPerSec float64           `json:"reports_per_s"`
	Bytes         uint64            `json:"bytes"`
	MBPerSec      float64           `json:"mb_per_s"`
	CPUSeconds    float64           `json:"cpu_seconds"`
	CPUSecPerMRep float64           `json:"cpu_s_per_mreports"`
	Failed        uint64            `json:"failed"`
	Settings      map[string]string `json:"settings"`
}

type props map[string]string

func (p props) String() string { return fmt.Sprint(map[string]string(p)) }
func (p props) Set(s string) error {
	k, v, ok := strings.Cut(s, "=")
	if !ok {
		return errors.New("want key=value")
	}
	p[k] = v
	return nil
}

func main() {
	pcapPath := flag.String("pcap", "", "capture of INT packets (required)")
	bootstrap := flag.String("b", "127.0.0.1:19092", "bootstrap servers")
	topic := flag.String("t", "scionint", "topic")
	warmup := flag.Float64("warmup", 1, "seconds before the measured window")
	seconds := flag.Float64("seconds", 5, "seconds measured")
	x := props{}
	flag.Var(x, "X", "librdkafka setting key=value (repeatable)")
	create := flag.String("create", "", "only create these comma-separated topics (1 partition) and exit")
	flag.Parse()
	if *create != "" {
		if err := createTopics(*bootstrap, strings.Split(*create, ",")); err != nil {
			fmt.Fprintln(os.Stderr, "scionint:", err)
			os.Exit(1)
		}
		return
	}
	if err := run(*pcapPath, *bootstrap, *topic, *warmup, *seconds, x); err != nil {
		fmt.Fprintln(os.Stderr, "scionint:", err)
		os.Exit(1)
	}
}

// createTopics creates topics of one partition (existing ones are fine).
func createTopics(bootstrap string, topics []string) error {
	a, err := kafka.NewAdminClient(&kafka.ConfigMap{"bootstrap.servers": bootstrap})
	if err != nil {
		return err
	}
	defer a.Close()
	var specs []kafka.TopicSpecification
	for _, t := range topics {
		specs = append(specs, kafka.TopicSpecification{Topic: t, NumPartitions: 1, ReplicationFactor: 1})
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	res, err := a.CreateTopics(ctx, specs)
	if err != nil {
		return err
	}
	for _, r := range res {
		if c := r.Error.Code(); c != kafka.ErrNoError && c != kafka.ErrTopicAlreadyExists {
			return fmt.Errorf("topic %s: %w", r.Topic, r.Error)
		}
	}
	return nil
}

// load decodes every report of the capture into the generated types.
func load(path string) ([]*reportpb.Report, [][]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	r, err := pcap.NewReader(f)
	if err != nil {
		return nil, nil, err
	}
	dec, err := intdecode.NewDecoder(intdecode.Config{})
	if err != nil {
		return nil, nil, err
	}
	var pbs []*reportpb.Report
	var keys [][]byte
	for {
		ts, data, _, err := r.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, nil, err
		}
		reps, reason := dec.Decode(data, ts)
		if reason != intdecode.ReasonOK {
			continue
		}
		for i := range reps {
			pbs = append(pbs, reps[i].Proto())
			k, _ := proto.Marshal(reps[i].Key.Proto())
			keys = append(keys, k)
		}
	}
	if len(pbs) == 0 {
		return nil, nil, errors.New("no report in the capture")
	}
	return pbs, keys, nil
}

func run(path, bootstrap, topic string, warmup, seconds float64, x props) error {
	pbs, keys, err := load(path)
	if err != nil {
		return err
	}
	cm := kafka.ConfigMap{"bootstrap.servers": bootstrap}
	for k, v := range x {
		cm[k] = v
	}
	p, err := kafka.NewProducer(&cm)
	if err != nil {
		return err
	}
	var acked, ackedBytes, failed atomic.Uint64
	done := make(chan struct{})
	go func() {
		defer close(done)
		for ev := range p.Events() {
			if m, ok := ev.(*kafka.Message); ok {
				if m.TopicPartition.Error != nil {
					failed.Add(1)
					continue
				}
				acked.Add(1)
				ackedBytes.Add(uint64(len(m.Value)))
			}
		}
	}()
	tp := kafka.TopicPartition{Topic: &topic, Partition: kafka.PartitionAny}
	start := time.Now()
	end := start.Add(time.Duration((warmup + seconds) * float64(time.Second)))
	measureAt := start.Add(time.Duration(warmup * float64(time.Second)))
	var r0, b0 uint64
	var cpu0 float64
	var t0 time.Time
	for i := 0; ; i++ {
		if i&1023 == 0 {
			now := time.Now()
			if t0.IsZero() && now.After(measureAt) {
				t0, r0, b0, cpu0 = now, acked.Load(), ackedBytes.Load(), procCPU()
			}
			if now.After(end) {
				break
			}
		}
		j := i % len(pbs)
		// The SCION-INT way: one Marshal, one message per report.
		b, err := proto.Marshal(pbs[j])
		if err != nil {
			return err
		}
		m := &kafka.Message{TopicPartition: tp, Key: keys[j], Value: b}
		for {
			err = p.Produce(m, nil)
			if err == nil {
				break
			}
			var ke kafka.Error
			if errors.As(err, &ke) && ke.Code() == kafka.ErrQueueFull {
				p.Flush(10)
				continue
			}
			return err
		}
	}
	t1, r1, b1, cpu1 := time.Now(), acked.Load(), ackedBytes.Load(), procCPU()
	p.Flush(30_000)
	p.Close()
	<-done
	dt := t1.Sub(t0).Seconds()
	res := Result{Mode: "scionint", Seconds: dt, Reports: r1 - r0, Bytes: b1 - b0, CPUSeconds: cpu1 - cpu0,
		Failed: failed.Load(), Settings: map[string]string{}}
	for k, v := range cm {
		res.Settings[k] = fmt.Sprint(v)
	}
	res.ReportsPerSec = float64(res.Reports) / dt
	res.MBPerSec = float64(res.Bytes) / dt / 1e6
	if res.Reports > 0 {
		res.CPUSecPerMRep = res.CPUSeconds / (float64(res.Reports) / 1e6)
	}
	return json.NewEncoder(os.Stdout).Encode(res)
}

// procCPU returns the process's utime+stime in seconds.
func procCPU() float64 {
	p, err := procfs.Self()
	if err != nil {
		return 0
	}
	st, err := p.Stat()
	if err != nil {
		return 0
	}
	return st.CPUTime()
}
