package workpool

import "time"

// Chooser decides, Forward by Forward, whether to use the helper goroutines.
// On idle cores they nearly halve the time, but when another process keeps a core
// busy, a helper that the OS deschedules holds up the layers whose chunks it has
// claimed, and its polling takes CPU time from the caller: two threads can then be
// slower than one. Both ways give identical logits, so the chooser simply times
// whole inferences each way (moving averages) and runs the faster, trying the
// other again after probe inferences, and after twice as many each time the
// try confirms the choice.
type Chooser struct {
	avg     [2]float64 // ns per Forward without [0] and with [1] helpers; 0 = not yet timed
	since   int        // inferences since the other way was last tried
	probe   int        // inferences between tries of the other way
	probing bool       // the current Forward tries the other way
	warm    bool       // a Forward has run: the first, on cold caches, is not timed
}

const (
	firstProbe = 16
	maxProbe   = 256
)

// best is the way (0 without, 1 with helpers) with the lower average, trying
// helpers first.
func (c *Chooser) best() int {
	if c.avg[0] == 0 || c.avg[1] == 0 || c.avg[1] <= c.avg[0] {
		return 1
	}
	return 0
}

// Pick says whether the next Forward uses the helpers.
func (c *Chooser) Pick() bool {
	if c.probe == 0 {
		c.probe = firstProbe
	}
	b := c.best()
	c.probing = c.avg[0] == 0 && c.avg[1] != 0 || c.since >= c.probe
	if c.probing {
		return b == 0
	}
	return b == 1
}

// Record adds the time of a Forward that ran with or without helpers.
func (c *Chooser) Record(helpers bool, d time.Duration) {
	if !c.warm {
		c.warm = true
		return
	}
	way := 0
	if helpers {
		way = 1
	}
	before := c.best()
	a := &c.avg[way]
	switch {
	case *a == 0:
		*a = float64(d)
	case c.probing:
		*a += (float64(d) - *a) * 3 / 4 // the way rarely run: its old average is stale
	default:
		*a += (float64(d) - *a) / 8
	}
	if !c.probing {
		c.since++
		return
	}
	c.since = 0
	if c.best() == before {
		c.probe = min(2*c.probe, maxProbe)
	} else {
		c.probe = firstProbe
	}
}
