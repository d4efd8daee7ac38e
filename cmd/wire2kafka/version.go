package main

import (
	"fmt"
	"runtime"
	"runtime/debug"
)

// version is set at link time: -ldflags "-X main.version=...".
var version = "dev"

func init() {
	register(command{name: "version", summary: "print the version and build information", run: runVersion})
}

func runVersion(args []string) error {
	fmt.Printf("wire2kafka %s (%s %s/%s)\n", version, runtime.Version(), runtime.GOOS, runtime.GOARCH)
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, d := range bi.Deps {
			fmt.Printf("  %s %s\n", d.Path, d.Version)
		}
	}
	return nil
}
