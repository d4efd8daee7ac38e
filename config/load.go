package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"reflect"
	"regexp"

	"go.yaml.in/yaml/v3"
)

// Load reads, decodes and validates the config file at path. On any problem
// it returns Errors listing all of them as "file:line: field: message".
func Load(path string) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	return Parse(path, data)
}

// Parse decodes and validates a config; name is the file name used in
// error messages. On any problem it returns Errors listing all of them.
func Parse(name string, data []byte) (*Config, error) {
	src := &source{file: name, lines: map[string]int{}}
	c := newCollector(src)
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var root yaml.Node
	if err := dec.Decode(&root); err != nil {
		if errors.Is(err, io.EOF) {
			c.at(1, "", "the file is empty")
			return nil, c.err()
		}
		c.at(syntaxLine(err), "", "%s", syntaxMsg.ReplaceAllString(err.Error(), ""))
		return nil, c.err()
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); err == nil {
		c.at(extra.Line, "", "a config file holds one YAML document; found a second one")
		return nil, c.err()
	}
	cfg := &Config{src: src}
	doc := &root
	if doc.Kind == yaml.DocumentNode && len(doc.Content) == 1 {
		doc = doc.Content[0]
	}
	(&decoder{src: src, c: c}).decode(doc, reflect.ValueOf(cfg).Elem(), "")
	if c.bad[""] {
		return nil, c.err() // not a mapping at all: nothing to validate
	}
	cfg.validate(c)
	if err := c.err(); err != nil {
		return nil, err
	}
	return cfg, nil
}

var syntaxMsg = regexp.MustCompile(`^yaml: (line \d+: )?`)

// syntaxLine digs the line out of a yaml.v3 syntax error ("yaml: line 7: ...").
func syntaxLine(err error) int {
	var line int
	if _, e := fmt.Sscanf(err.Error(), "yaml: line %d:", &line); e != nil {
		return 0
	}
	return line
}

// Validate fills the defaults of a Config built in Go and checks it as
// Parse does. It may be called more than once.
func (cfg *Config) Validate() error {
	c := newCollector(cfg.src)
	cfg.validate(c)
	return c.err()
}

// File returns the name of the file the config was read from, or "".
func (cfg *Config) File() string {
	if cfg.src == nil {
		return ""
	}
	return cfg.src.file
}
