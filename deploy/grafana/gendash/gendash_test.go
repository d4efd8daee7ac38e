package main

import (
	"bytes"
	"os"
	"testing"
)

// TestDashboardCurrent: the committed dashboard is what gendash writes
// (regenerate: go run ./deploy/grafana/gendash > deploy/grafana/dashboards/wire2kafka.json).
func TestDashboardCurrent(t *testing.T) {
	want, err := generate()
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile("../dashboards/wire2kafka.json")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatal("deploy/grafana/dashboards/wire2kafka.json differs from what gendash writes: run go run ./deploy/grafana/gendash > deploy/grafana/dashboards/wire2kafka.json and commit")
	}
}
