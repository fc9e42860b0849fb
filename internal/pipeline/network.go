package pipeline

import (
	"time"

	"github.com/mobilenet-go/mobilenet/core"
	"github.com/mobilenet-go/mobilenet/internal/q8"
)

// network is a MobileNet prepared at one input size, float32 (core.Model) or int8
// (q8.Model), through what the Engine, Timed and banded workers (BandNet) use of it.
// newNetwork is the one place that picks the model by precision.
type network interface {
	BandNet
	Forward(input []float32) ([]float32, error) // input: [size][size][3]
	InputLen() int
	Kernels() string // the kernel set that runs
	MultAdds() int64
	Threads() int     // goroutines per layer
	SetThreads(n int) // 0: core's default
	Close()           // stops helper goroutines
	size() int
	setProfile(on bool)          // on: Forward records layerTimes
	layerTimes() []time.Duration // per layer, of the last profiled Forward
}

// newNetwork prepares int8 weights qw, or when qw is nil float weights w, for input
// size, layers split across threads goroutines (0: core's default).
func newNetwork(w *core.Weights, qw *core.Int8Weights, size, threads int) (network, error) {
	if qw != nil {
		m, err := q8.NewModel(qw, size)
		if err != nil {
			return nil, err
		}
		m.SetThreads(threads)
		return int8Net{int8Band{m}}, nil
	}
	m, err := core.NewModel(w, size)
	if err != nil {
		return nil, err
	}
	m.SetThreads(threads)
	return f32Net{f32Band{m}}, nil
}

type f32Net struct{ f32Band }

func (n f32Net) Close()                      { n.Model.Close() }
func (n f32Net) size() int                   { return n.Size }
func (n f32Net) setProfile(on bool)          { n.Profile = on }
func (n f32Net) layerTimes() []time.Duration { return n.LayerTimes }

type int8Net struct{ int8Band }

func (n int8Net) Close()                      { n.Model.Close() }
func (n int8Net) size() int                   { return n.Size }
func (n int8Net) setProfile(on bool)          { n.Profile = on }
func (n int8Net) layerTimes() []time.Duration { return n.LayerTimes }
