package core

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// sharedDir is the read-only data directory: $SHARED, else the repo's ../shared.
func sharedDir(t testing.TB) string {
	t.Helper()
	dir := os.Getenv("SHARED")
	if dir == "" {
		dir = filepath.Join("..", "..", "shared")
	}
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("shared data not available (%v); set SHARED", err)
	}
	return dir
}

func TestLabelsCountAndBounds(t *testing.T) {
	if len(labels) != NumClasses {
		t.Fatalf("labels.txt has %d names, want %d", len(labels), NumClasses)
	}
	for i, name := range labels {
		if strings.TrimSpace(name) == "" || name != strings.TrimSpace(name) {
			t.Errorf("label %d is %q", i, name)
		}
	}
	if Label(0) != "tench, Tinca tinca" || Label(999) != "toilet tissue, toilet paper, bathroom tissue" {
		t.Errorf("Label(0), Label(999) = %q, %q", Label(0), Label(999))
	}
	if Label(-1) != "class -1" || Label(1000) != "class 1000" {
		t.Errorf("out-of-range labels: %q, %q", Label(-1), Label(1000))
	}
}

// TestLabelsMatchManifest checks the order against the labelled samples: the
// manifest's Keras-style short name must be one of the class's synonyms.
func TestLabelsMatchManifest(t *testing.T) {
	f, err := os.Open(filepath.Join(sharedDir(t), "imagenet-samples", "manifest.csv"))
	if err != nil {
		t.Skip(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) < 2 || strings.Join(rows[0], ",") != "file,class_index,wnid,name" {
		t.Fatalf("unexpected manifest header %v", rows[0])
	}
	for _, row := range rows[1:] {
		idx, err := strconv.Atoi(row[1])
		if err != nil {
			t.Fatalf("row %v: %v", row, err)
		}
		want := normaliseLabel(row[3])
		found := false
		for _, syn := range strings.Split(Label(idx), ", ") {
			found = found || normaliseLabel(syn) == want
		}
		if !found {
			t.Errorf("class %d: manifest says %q, label is %q", idx, row[3], Label(idx))
		}
	}
	t.Logf("checked %d manifest rows", len(rows)-1)
}

func normaliseLabel(s string) string {
	return strings.ToLower(strings.Join(strings.FieldsFunc(s, func(r rune) bool {
		return r == '_' || r == ' ' || r == '-' || r == '\''
	}), " "))
}
