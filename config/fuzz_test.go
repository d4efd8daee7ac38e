package config

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzParse checks that no input makes Parse panic, and that whatever it
// accepts also resolves and validates again without errors.
func FuzzParse(f *testing.F) {
	f.Add([]byte(baseYAML))
	f.Add([]byte(twoPipelines))
	files, _ := filepath.Glob("../deploy/config/*.yaml")
	for _, name := range files {
		if b, err := os.ReadFile(name); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte("a: &x [*x]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		cfg, err := Parse("fuzz.yaml", data)
		if err != nil {
			return
		}
		plan, err := cfg.Resolve()
		if err != nil {
			t.Fatalf("parsed but did not resolve: %v", err)
		}
		_ = plan.String()
		if err := cfg.Validate(); err != nil {
			t.Fatalf("second Validate: %v", err)
		}
	})
}
