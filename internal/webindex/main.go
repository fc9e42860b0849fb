// Command webindex writes the two JSON indexes of web/ that `make` builds (one program
// instead of a shell loop per file):
//
//	go run ./internal/webindex weights DIR    > DIR/index.json
//	go run ./internal/webindex assets DIR FILE... > DIR/assets.json
//
// weights lists DIR's packed models (mobilenet_v1_<alpha>_<size>[.f16|.int8].mnw) with
// alpha, size and storage from the name (f32, f16 or int8; precision is what load()
// runs it as: int8 for an int8 file, else f32), their size in bytes and 16 hex digits
// of their SHA-256, for the page's model menu (the hash versions its weight URLs: ?v=,
// cached immutably).
// assets maps each FILE (a path under DIR) to 16 hex digits of its SHA-256, for the
// service worker (web/sw.js), which caches each file under its content hash.
package main

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "webindex:", err)
		os.Exit(1)
	}
}

func run(args []string, out io.Writer) error {
	if len(args) < 2 {
		return fmt.Errorf("usage: webindex weights DIR | webindex assets DIR FILE...")
	}
	var body string
	var err error
	switch args[0] {
	case "weights":
		body, err = weightsIndex(args[1])
	case "assets":
		body, err = assetsIndex(args[1], args[2:])
	default:
		err = fmt.Errorf("unknown index %q: want weights or assets", args[0])
	}
	if err != nil {
		return err
	}
	_, err = io.WriteString(out, body)
	return err
}

// modelName is what `make` names packed models; anything else in DIR is an error, so
// a model the page could not describe is never listed wrongly.
var modelName = regexp.MustCompile(`^mobilenet_v1_([0-9]+(?:\.[0-9]+)?)_([0-9]+)(?:\.(f16|int8))?\.mnw$`)

func weightsIndex(dir string) (string, error) {
	names, err := filepath.Glob(filepath.Join(dir, "mobilenet_v1_*.mnw"))
	if err != nil {
		return "", err
	}
	slices.Sort(names)
	var rows []string
	for _, path := range names {
		file := filepath.Base(path)
		m := modelName.FindStringSubmatch(file)
		if m == nil {
			return "", fmt.Errorf("%s: want a name mobilenet_v1_<alpha>_<size>[.f16|.int8].mnw", path)
		}
		hash, bytes, err := hash16(path)
		if err != nil {
			return "", err
		}
		name, _ := json.Marshal(file)
		storage, precision := "f32", "f32"
		switch m[3] {
		case "f16":
			storage = "f16"
		case "int8":
			storage, precision = "int8", "int8"
		}
		// alpha and size are written as the name spells them (valid JSON numbers).
		rows = append(rows, fmt.Sprintf(`  {"file": %s, "alpha": %s, "size": %s, "f16": %t, "storage": %q, "precision": %q, "bytes": %d, "sha256": %q}`,
			name, m[1], m[2], storage == "f16", storage, precision, bytes, hash))
	}
	return "[\n" + strings.Join(rows, ",\n") + "\n]\n", nil
}

func assetsIndex(dir string, files []string) (string, error) {
	var rows []string
	for _, file := range files {
		hash, _, err := hash16(filepath.Join(dir, file))
		if err != nil {
			return "", err
		}
		name, _ := json.Marshal(filepath.ToSlash(file))
		rows = append(rows, fmt.Sprintf("  %s: %q", name, hash))
	}
	return "{\n" + strings.Join(rows, ",\n") + "\n}\n", nil
}

// hash16 is 16 hex digits of the file's SHA-256 and its length.
func hash16(path string) (string, int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", 0, err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return "", 0, fmt.Errorf("%s: %w", path, err)
	}
	return hex.EncodeToString(h.Sum(nil))[:16], n, nil
}
