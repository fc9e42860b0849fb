package stats

import (
	"encoding/json"
	"math"
	"os"
	"testing"
)

// The cases are shared with tests/node/stats.test.mjs, which checks web/app-stats.js's
// percentile(): one definition, the same answers in Go and JavaScript.
func TestPercentileCases(t *testing.T) {
	b, err := os.ReadFile("testdata/percentiles.json")
	if err != nil {
		t.Fatal(err)
	}
	var cases []struct {
		Sorted  []float64
		P, Want float64
	}
	if err := json.Unmarshal(b, &cases); err != nil {
		t.Fatal(err)
	}
	if len(cases) == 0 {
		t.Fatal("no cases")
	}
	for _, c := range cases {
		if got := Percentile(c.Sorted, c.P); math.Abs(got-c.Want) > 1e-12 {
			t.Errorf("Percentile(%v, %v) = %v, want %v", c.Sorted, c.P, got, c.Want)
		}
	}
}
