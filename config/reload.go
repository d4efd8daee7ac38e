package config

import (
	"fmt"
	"reflect"
	"sort"
	"strings"
)

// Change is one field that differs between two configs.
type Change struct {
	Field    string // path, like "eal.lcores" or "rules[1].sampling_rate"
	Old, New string // the values as text; "(n entries)" for lists of different length
}

// String formats the change as "field: old -> new".
func (c Change) String() string { return fmt.Sprintf("%s: %s -> %s", c.Field, c.Old, c.New) }

// ReloadError is returned by CheckReload when the new config changes
// fields that only a restart can apply. The running config stays in force.
type ReloadError struct {
	File    string   // the new config's file
	Refused []Change // fields that need a restart
}

// Error lists every refused change on its own line.
func (e *ReloadError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: reload refused, these changes need a restart (the running config stays in force):", e.File)
	for _, c := range e.Refused {
		b.WriteString("\n  ")
		b.WriteString(c.String())
	}
	return b.String()
}

// reloadable reports whether a change of field can be applied by a SIGHUP
// reload: the rules (match, priority, service function and parameters, flow
// worker, topic, output) and the INT sink that "{sink}" topics are built
// from. A new ACL context and new service-function state are built off the
// data path and swapped in; everything that shapes the stage graph, memory
// or connections (eal, ports, mempool, rings, burst, idle, int formats and
// ports, kafka, metrics, pipelines) needs a restart.
func reloadable(field string) bool {
	return field == "rules" || strings.HasPrefix(field, "rules[") ||
		field == "int.sink_isd_as" || field == "int.sink_index"
}

// Diff returns the fields that differ between two validated configs, in
// file order. Defaults are filled in by validation, so leaving a field out
// and writing its default are the same.
func Diff(old, new *Config) []Change {
	var out []Change
	diffValue(reflect.ValueOf(old).Elem(), reflect.ValueOf(new).Elem(), "", &out)
	return out
}

// CheckReload compares the running config with a new one (both validated)
// and returns a *ReloadError listing every change a reload cannot apply, or
// nil when the new config can be swapped in.
func CheckReload(old, new *Config) error {
	var refused []Change
	for _, c := range Diff(old, new) {
		if !reloadable(c.Field) {
			refused = append(refused, c)
		}
	}
	if len(refused) == 0 {
		return nil
	}
	return &ReloadError{File: new.File(), Refused: refused}
}

var stringerType = reflect.TypeOf((*fmt.Stringer)(nil)).Elem()

func diffValue(a, b reflect.Value, path string, out *[]Change) {
	if reflect.DeepEqual(a.Interface(), b.Interface()) {
		return
	}
	switch {
	case a.Kind() == reflect.Struct && !a.Type().Implements(stringerType):
		t := a.Type()
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
			if !f.IsExported() || name == "" || name == "-" {
				if f.Anonymous && f.IsExported() {
					diffValue(a.Field(i), b.Field(i), path, out)
				}
				continue
			}
			diffValue(a.Field(i), b.Field(i), joinPath(path, name), out)
		}
		return
	case a.Kind() == reflect.Slice && a.Type().Elem().Kind() == reflect.Struct:
		if a.Len() != b.Len() {
			*out = append(*out, Change{Field: path, Old: fmt.Sprintf("(%d entries)", a.Len()), New: fmt.Sprintf("(%d entries)", b.Len())})
			return
		}
		for i := 0; i < a.Len(); i++ {
			diffValue(a.Index(i), b.Index(i), fmt.Sprintf("%s[%d]", path, i), out)
		}
		return
	case a.Kind() == reflect.Map:
		keys := map[string]bool{}
		for _, k := range a.MapKeys() {
			keys[k.String()] = true
		}
		for _, k := range b.MapKeys() {
			keys[k.String()] = true
		}
		sorted := make([]string, 0, len(keys))
		for k := range keys {
			sorted = append(sorted, k)
		}
		sort.Strings(sorted)
		for _, k := range sorted {
			av, bv := a.MapIndex(reflect.ValueOf(k)), b.MapIndex(reflect.ValueOf(k))
			if av.IsValid() && bv.IsValid() && av.String() == bv.String() {
				continue
			}
			*out = append(*out, Change{Field: fmt.Sprintf("%s[%q]", path, k), Old: mapText(av), New: mapText(bv)})
		}
		return
	}
	*out = append(*out, Change{Field: path, Old: text(a), New: text(b)})
}

func mapText(v reflect.Value) string {
	if !v.IsValid() {
		return "(unset)"
	}
	return fmt.Sprintf("%q", v.String())
}

func text(v reflect.Value) string {
	if v.Kind() == reflect.String {
		return fmt.Sprintf("%q", v.String())
	}
	return fmt.Sprintf("%v", v.Interface())
}
