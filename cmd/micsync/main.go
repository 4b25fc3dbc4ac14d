// Command micsync backs up WORKING locations to BACKUP locations with rsync.
package main

import (
	"fmt"
	"os"
)

// version is stamped at build time with -ldflags "-X main.version=...".
var version = "dev"

func main() {
	if len(os.Args) > 1 && os.Args[1] == "--version" {
		fmt.Println("micsync", version)
		return
	}
	fmt.Fprintln(os.Stderr, "micsync: error: not built yet")
	os.Exit(1)
}
