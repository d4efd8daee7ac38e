package config

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// source remembers where a config came from: the file name and the line of
// every field present in the file, keyed by field path ("rules[2].priority").
type source struct {
	file  string
	lines map[string]int
}

// lineOf returns the line of field, or of its nearest enclosing field that
// is present in the file; 0 for configs built in Go.
func (s *source) lineOf(field string) int {
	if s == nil {
		return 0
	}
	for p := field; ; p = parentPath(p) {
		if l, ok := s.lines[p]; ok {
			return l
		}
		if p == "" {
			return 0
		}
	}
}

// has reports whether field is written in the file.
func (s *source) has(field string) bool {
	if s == nil {
		return false
	}
	_, ok := s.lines[field]
	return ok
}

// parentPath strips the last element of a field path: "a.b[2]" -> "a.b",
// "a.b" -> "a", "a" -> "".
func parentPath(p string) string {
	if strings.HasSuffix(p, "]") {
		if i := strings.LastIndexByte(p, '['); i >= 0 {
			return p[:i]
		}
	}
	if i := strings.LastIndexByte(p, '.'); i >= 0 {
		return p[:i]
	}
	return ""
}

func joinPath(parent, name string) string {
	if parent == "" {
		return name
	}
	return parent + "." + name
}

var unmarshalerType = reflect.TypeOf((*yaml.Unmarshaler)(nil)).Elem()

// decoder fills a Go value from a yaml.Node tree, strictly: unknown keys,
// duplicate keys and values of the wrong shape are errors, each recorded
// with its line and field path. It goes on after an error so every problem
// is reported.
type decoder struct {
	src *source
	c   *collector
}

func (d *decoder) decode(n *yaml.Node, v reflect.Value, path string) {
	for depth := 0; n.Kind == yaml.AliasNode && n.Alias != nil; depth++ {
		if depth > 8 {
			d.c.at(n.Line, path, "alias chain too deep")
			return
		}
		n = n.Alias
	}
	if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
		return // "key:" or "key: ~" is the same as leaving the key out
	}
	if _, seen := d.src.lines[path]; !seen {
		d.src.lines[path] = n.Line
	}
	if v.CanAddr() && v.Addr().Type().Implements(unmarshalerType) {
		if err := v.Addr().Interface().(yaml.Unmarshaler).UnmarshalYAML(n); err != nil {
			d.c.at(n.Line, path, "%v", err)
		}
		return
	}
	switch v.Kind() {
	case reflect.Struct:
		d.structure(n, v, path)
	case reflect.Slice:
		if n.Kind != yaml.SequenceNode {
			d.c.at(n.Line, path, "must be a list")
			return
		}
		s := reflect.MakeSlice(v.Type(), len(n.Content), len(n.Content))
		for i, item := range n.Content {
			d.decode(item, s.Index(i), fmt.Sprintf("%s[%d]", path, i))
		}
		v.Set(s)
	case reflect.Map:
		d.stringMap(n, v, path)
	case reflect.String:
		if n.Kind != yaml.ScalarNode {
			d.c.at(n.Line, path, "must be a string")
			return
		}
		v.SetString(n.Value)
	case reflect.Int, reflect.Int64:
		if n.Kind != yaml.ScalarNode {
			d.c.at(n.Line, path, "must be an integer")
			return
		}
		i, err := strconv.ParseInt(strings.ReplaceAll(n.Value, "_", ""), 0, 64)
		if err != nil {
			d.c.at(n.Line, path, "must be an integer, got %q", n.Value)
			return
		}
		v.SetInt(i)
	case reflect.Bool:
		switch strings.ToLower(n.Value) {
		case "true":
			v.SetBool(true)
		case "false":
			v.SetBool(false)
		default:
			d.c.at(n.Line, path, "must be true or false, got %q", n.Value)
		}
	default:
		panic("config: no decoder for " + v.Type().String())
	}
}

// structure decodes a mapping into a struct by the fields' yaml tags.
func (d *decoder) structure(n *yaml.Node, v reflect.Value, path string) {
	if n.Kind != yaml.MappingNode {
		d.c.at(n.Line, path, "must be a mapping of keys to values")
		return
	}
	fields := map[string]int{}
	var names []string
	t := v.Type()
	for i := 0; i < t.NumField(); i++ {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("yaml"), ",")
		if name == "" || name == "-" {
			continue
		}
		fields[name] = i
		names = append(names, name)
	}
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, val := n.Content[i], n.Content[i+1]
		fp := joinPath(path, k.Value)
		idx, ok := fields[k.Value]
		switch {
		case k.Kind != yaml.ScalarNode:
			d.c.at(k.Line, path, "keys must be plain names")
		case !ok:
			d.c.at(k.Line, fp, "unknown key (known: %s)", strings.Join(names, ", "))
		case seen[k.Value]:
			d.c.at(k.Line, fp, "duplicate key")
		default:
			seen[k.Value] = true
			if val.Tag != "!!null" {
				d.src.lines[fp] = k.Line
			}
			d.decode(val, v.Field(idx), fp)
		}
	}
}

// stringMap decodes a mapping of scalars into a map[string]string, keeping
// every value's text as written (so 10000 and "10000" are the same).
func (d *decoder) stringMap(n *yaml.Node, v reflect.Value, path string) {
	if n.Kind != yaml.MappingNode {
		d.c.at(n.Line, path, "must be a mapping of keys to values")
		return
	}
	m := reflect.MakeMapWithSize(v.Type(), len(n.Content)/2)
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, val := n.Content[i], n.Content[i+1]
		fp := fmt.Sprintf("%s[%q]", path, k.Value)
		d.src.lines[fp] = k.Line
		switch {
		case m.MapIndex(reflect.ValueOf(k.Value)).IsValid():
			d.c.at(k.Line, fp, "duplicate key")
		case val.Kind != yaml.ScalarNode || val.Tag == "!!null":
			d.c.at(val.Line, fp, "must be a single value (librdkafka settings are strings)")
		default:
			m.SetMapIndex(reflect.ValueOf(k.Value), reflect.ValueOf(val.Value))
		}
	}
	v.Set(m)
}
