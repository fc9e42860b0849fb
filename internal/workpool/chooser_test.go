package workpool

import (
	"testing"
	"time"
)

// Chooser must settle on the faster way, keep trying the other now and then,
// and switch back when that becomes the faster one.
func TestChooser(t *testing.T) {
	var c Chooser
	run := func(n int, with, without time.Duration) (helped int) {
		for range n {
			h := c.Pick()
			d := without
			if h {
				d, helped = with, helped+1
			}
			c.Record(h, d)
		}
		return helped
	}
	if h := run(200, 6*time.Millisecond, 10*time.Millisecond); h < 190 {
		t.Errorf("helpers twice as fast: used in %d of 200 inferences", h)
	}
	// Another process takes a core: helpers now slow things down.
	if h := run(200, 15*time.Millisecond, 10*time.Millisecond); h > 20 || h == 0 {
		t.Errorf("helpers slower: used in %d of 200 inferences, want a few tries", h)
	}
	if h := run(1000, 15*time.Millisecond, 10*time.Millisecond); h > 1000/firstProbe {
		t.Errorf("helpers still slower: tried %d times in 1000 inferences", h)
	}
	// The core is free again: within a few hundred inferences helpers are back.
	run(2*maxProbe, 6*time.Millisecond, 10*time.Millisecond)
	if h := run(100, 6*time.Millisecond, 10*time.Millisecond); h < 90 {
		t.Errorf("helpers fast again: used in %d of 100 inferences", h)
	}
}
