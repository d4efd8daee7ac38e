package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"wire2kafka/config"
)

func init() {
	register(command{
		name:    "check-config",
		summary: "validate a config file and print the resolved stage graph",
		run:     runCheckConfig,
	})
}

func runCheckConfig(args []string) error {
	return checkConfig(args, os.Stdout, os.Stderr)
}

// checkConfig validates the config file named in args and prints its plan
// to stdout; on problems it returns them all.
func checkConfig(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("check-config", flag.ContinueOnError)
	fs.SetOutput(stderr)
	quiet := fs.Bool("q", false, "only validate; print nothing when the config is good")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: wire2kafka check-config [-q] FILE\n\n"+
			"Validates FILE (strict: unknown keys are errors) and prints the resolved stage\n"+
			"graph: EAL arguments, which worker runs on which lcore, and which rule goes to\n"+
			"which flow worker, Kafka worker and topic. Exits non-zero listing every problem\n"+
			"as file:line: field: message.\n\nFlags:\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return err
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return errors.New("need exactly one config file")
	}
	cfg, err := config.Load(fs.Arg(0))
	var problems config.Errors
	if errors.As(err, &problems) {
		return fmt.Errorf("%d problem(s) in %s:\n%w", len(problems), fs.Arg(0), err)
	}
	if err != nil {
		return err
	}
	plan, err := cfg.Resolve()
	if err != nil {
		return err
	}
	if *quiet {
		return nil
	}
	fmt.Fprintf(stdout, "%s: ok\n\n", fs.Arg(0))
	return plan.Print(stdout, config.HugepagesFreeMB())
}
