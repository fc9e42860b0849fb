//go:build ignore

// gen writes web/mobilenet-limits.js from the limits table: go generate ./internal/limits
package main

import (
	"log"
	"os"

	"github.com/mobilenet-go/mobilenet/internal/limits"
)

func main() {
	if err := os.WriteFile("../../web/mobilenet-limits.js", []byte(limits.JSModule()), 0o644); err != nil {
		log.Fatal(err)
	}
}
