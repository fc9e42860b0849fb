// Command mobilenet classifies images with MobileNet v1, evaluates accuracy on a
// labelled set, imports TF.js weights into the packed .mnw format, prints the layer
// table and measures latency. It runs the same core engine as the browser build.
package main

import (
	"fmt"
	"io"
	"os"
)

const usage = `usage: mobilenet COMMAND [flags]

commands:
  classify [-model PATH|URL] [-size N] [-top K] [-crop F] [-json] IMAGE...
  eval     -manifest CSV [-model PATH|URL] [-size N] [-crop F] [-json]
  import   -from DIR|URL -o FILE [-f16]
  info     [-model PATH|URL | -alpha A] [-size N]
  bench    [-model PATH|URL | -random -alpha A] [-size N] [-n RUNS] [-threads T] [-profile] [-json]

-model accepts a packed .mnw file, a TF.js layers model directory or model.json, or an
http(s) URL of either. Without -model, $MOBILENET_MODEL, then
web/weights/mobilenet_v1_0.75_224.mnw (made by 'make'), then the public 1.0-224 model.
Run 'mobilenet COMMAND -h' for a command's flags.
`

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run is main without the process: it returns the exit status (0 ok, 1 failure,
// 2 usage error) so tests can drive every command.
func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	cmds := map[string]func([]string, io.Writer, io.Writer) error{
		"classify": cmdClassify,
		"eval":     cmdEval,
		"import":   cmdImport,
		"info":     cmdInfo,
		"bench":    cmdBench,
	}
	cmd, ok := cmds[args[0]]
	if !ok {
		if args[0] == "-h" || args[0] == "help" || args[0] == "--help" {
			fmt.Fprint(stdout, usage)
			return 0
		}
		fmt.Fprintf(stderr, "mobilenet: unknown command %q\n\n%s", args[0], usage)
		return 2
	}
	if err := cmd(args[1:], stdout, stderr); err != nil {
		if err == errUsage {
			return 2
		}
		fmt.Fprintln(stderr, "mobilenet "+args[0]+":", err)
		return 1
	}
	return 0
}
