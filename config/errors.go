package config

import (
	"fmt"
	"sort"
	"strings"
)

// FieldError is one problem found in a config: the file, the line and the
// field it concerns, and why it is refused. Error formats it as
// "file:line: field: message", the form editors and CI logs link to.
type FieldError struct {
	File  string // file name as given to Load or Parse; empty for configs built in Go
	Line  int    // 1-based line; 0 when unknown (configs built in Go)
	Field string // path of the field, like "rules[2].sampling_rate"
	Msg   string // the reason, lower case, no trailing period
}

// Error returns "file:line: field: message", leaving out the parts that are
// unknown.
func (e *FieldError) Error() string {
	var b strings.Builder
	if e.File != "" {
		b.WriteString(e.File)
		b.WriteString(":")
		if e.Line > 0 {
			fmt.Fprintf(&b, "%d:", e.Line)
		}
		b.WriteString(" ")
	}
	if e.Field != "" {
		b.WriteString(e.Field)
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// Errors is every problem found in one config, sorted by line. Load, Parse
// and Validate return it (as error) so a user sees all problems at once; use
// errors.As to get at the single FieldErrors.
type Errors []*FieldError

// Error returns one FieldError per line.
func (es Errors) Error() string {
	lines := make([]string, len(es))
	for i, e := range es {
		lines[i] = e.Error()
	}
	return strings.Join(lines, "\n")
}

// collector gathers FieldErrors during decoding and validation. A field that
// already has an error gets no second one, so a value that failed to parse
// does not also trip the checks that use it.
type collector struct {
	src  *source
	errs Errors
	bad  map[string]bool
}

func newCollector(src *source) *collector {
	return &collector{src: src, bad: map[string]bool{}}
}

// at records an error for field at an explicit line.
func (c *collector) at(line int, field, format string, args ...any) {
	if c.bad[field] {
		return
	}
	c.bad[field] = true
	file := ""
	if c.src != nil {
		file = c.src.file
	}
	c.errs = append(c.errs, &FieldError{File: file, Line: line, Field: field, Msg: fmt.Sprintf(format, args...)})
}

// errf records an error for field at the line of the field, or of its
// nearest enclosing field when the field itself is absent from the file.
func (c *collector) errf(field, format string, args ...any) {
	c.at(c.src.lineOf(field), field, format, args...)
}

// failed reports whether field or one of its parents already has an error.
func (c *collector) failed(field string) bool {
	for p := field; p != ""; p = parentPath(p) {
		if c.bad[p] {
			return true
		}
	}
	return false
}

// failedUnder reports whether field or anything inside it has an error.
func (c *collector) failedUnder(field string) bool {
	for f := range c.bad {
		if f == field || strings.HasPrefix(f, field+".") || strings.HasPrefix(f, field+"[") {
			return true
		}
	}
	return false
}

// err returns the collected errors sorted by line, or nil.
func (c *collector) err() error {
	if len(c.errs) == 0 {
		return nil
	}
	sort.SliceStable(c.errs, func(i, j int) bool { return c.errs[i].Line < c.errs[j].Line })
	return c.errs
}
