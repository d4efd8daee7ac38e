// Command wire2kafka moves mirrored In-band Network Telemetry packets from a
// NIC (DPDK) through a multi-stage pipeline into Kafka.
//
// Usage:
//
//	wire2kafka <command> [flags]
//
// Each subcommand lives in its own file of this package and registers itself
// in init; main only dispatches.
package main

import (
	"fmt"
	"io"
	"os"
	"sort"
)

// command is one subcommand of the wire2kafka binary.
type command struct {
	name    string
	summary string
	run     func(args []string) error
}

// commands holds the subcommands by name. It is filled by init functions of
// this package before main runs and never changed afterwards.
var commands = map[string]command{}

// register adds a subcommand; it is called from init functions only.
func register(c command) {
	if _, dup := commands[c.name]; dup {
		panic("wire2kafka: duplicate command " + c.name)
	}
	commands[c.name] = c
}

func usage(w io.Writer) {
	fmt.Fprintf(w, "wire2kafka %s: mirrored INT telemetry from DPDK into Kafka\n\n", version)
	fmt.Fprintf(w, "Usage:\n  wire2kafka <command> [flags]\n\nCommands:\n")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-14s %s\n", n, commands[n].summary)
	}
	fmt.Fprintf(w, "\nRun 'wire2kafka <command> --help' for the flags of a command.\n")
}

func main() {
	os.Exit(dispatch(os.Args[1:], os.Stdout, os.Stderr))
}

// dispatch runs the subcommand named by args[0] and returns the exit code.
func dispatch(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		usage(stderr)
		return 2
	}
	switch args[0] {
	case "-h", "--help", "help":
		usage(stdout)
		return 0
	}
	c, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "wire2kafka: unknown command %q\n\n", args[0])
		usage(stderr)
		return 2
	}
	if err := c.run(args[1:]); err != nil {
		fmt.Fprintf(stderr, "wire2kafka %s: %v\n", c.name, err)
		return 1
	}
	return 0
}
