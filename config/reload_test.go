package config

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

func TestCheckReload(t *testing.T) {
	old := mustParse(t, baseYAML)
	tests := []struct {
		name    string
		edits   []edit
		refused []string // fields; empty means the reload is allowed
	}{
		{"same file", nil, nil},
		{"default written out", []edit{{"  hugepages: off\n", "  hugepages: off\n  memory_mb: 512\n"}}, nil},
		{"service function change", []edit{{"service_function: drop", "service_function: passthrough\n    kafka_topic: rest"}}, nil},
		{"sampling rate and topic", []edit{{"sampling_rate: 10", "sampling_rate: 20"}, {"kafka_topic: sampled", "kafka_topic: sampled2"}}, nil},
		{"rule added", []edit{{"    service_function: drop\n", "    service_function: drop\n  - {name: extra, protocol: udp, dst_port: 9, priority: 7, kafka_topic: x}\n"}}, nil},
		{"sink index", []edit{{"sink_index: 1", "sink_index: 2"}}, nil},
		{"lcores", []edit{{`lcores: "0-2"`, `lcores: "0-3"`}}, []string{"eal.lcores"}},
		{"ring and burst", []edit{{"size: 1024", "size: 2048"}, {"burst: 32", "burst: 64"}}, []string{"rings.size", "burst"}},
		{"port devargs", []edit{{"rx_pcap=x.pcap", "rx_pcap=y.pcap"}}, []string{"ports[0].devargs"}},
		{"pipeline workers", []edit{{"kafka_workers: [{lcore: 2}]", "kafka_workers: [{lcore: 1}]"}}, []string{"pipelines[0].kafka_workers[0].lcore"}},
		{"producer setting", []edit{{`bootstrap.servers: "127.0.0.1:9092"`, `bootstrap.servers: "10.0.0.1:9092"`}}, []string{`kafka.producer["bootstrap.servers"]`}},
		{"rules and hugepages together", []edit{{"sampling_rate: 10", "sampling_rate: 20"}, {"hugepages: off", "hugepages: on"}},
			[]string{"eal.hugepages"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := Parse("new.yaml", []byte(apply(t, baseYAML, tt.edits)))
			if err != nil {
				t.Fatal(err)
			}
			err = CheckReload(old, cfg)
			var got []string
			var re *ReloadError
			if errors.As(err, &re) {
				for _, c := range re.Refused {
					got = append(got, c.Field)
				}
			} else if err != nil {
				t.Fatalf("not a ReloadError: %v", err)
			}
			if !reflect.DeepEqual(got, tt.refused) {
				t.Errorf("refused %v, want %v (%v)", got, tt.refused, err)
			}
		})
	}
}

func TestReloadErrorText(t *testing.T) {
	old := mustParse(t, baseYAML)
	cfg := mustParse(t, strings.Replace(strings.Replace(baseYAML, `lcores: "0-2"`, `lcores: "0-3"`, 1), "size: 1024", "size: 2048", 1))
	want := `new.yaml: reload refused, these changes need a restart (the running config stays in force):
  eal.lcores: 0-2 -> 0-3
  rings.size: 1024 -> 2048`
	cfg.src.file = "new.yaml"
	if err := CheckReload(old, cfg); err == nil || err.Error() != want {
		t.Errorf("got:\n%v\nwant:\n%s", err, want)
	}
	if d := Diff(old, cfg); len(d) != 2 {
		t.Errorf("Diff: %v", d)
	}
}
