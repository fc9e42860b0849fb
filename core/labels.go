package core

import (
	_ "embed"
	"fmt"
	"strings"
)

// labels.txt holds the 1000 ImageNet class names in output index order (sorted
// WordNet ids), one per line, synonyms separated by ", ". It was generated once from
// IMAGENET_CLASSES in dist/imagenet_classes.js of the npm package
// @tensorflow-models/mobilenet@2.1.1 (Apache-2.0, Copyright 2019 Google LLC).
//
//go:embed labels.txt
var labelsText string

var labels = parseLabels(labelsText)

func parseLabels(text string) []string {
	l := strings.Split(strings.TrimSuffix(text, "\n"), "\n")
	if len(l) != NumClasses {
		panic(fmt.Sprintf("core: labels.txt has %d lines, want %d", len(l), NumClasses))
	}
	return l
}

// Label returns the name of ImageNet class i (all its synonyms, e.g.
// "tench, Tinca tinca"), or "class <i>" when i is out of range.
func Label(i int) string {
	if i < 0 || i >= len(labels) {
		return fmt.Sprintf("class %d", i)
	}
	return labels[i]
}
