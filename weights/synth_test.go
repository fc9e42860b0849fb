package weights

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/mobilenet-go/mobilenet/core"
)

// synthModel is a small TF.js layers MobileNet v1 generated in memory: model.json,
// its shard files, and the raw (unfolded) tensors by name.
type synthModel struct {
	alpha    float64
	size     int
	manifest []map[string]any // weightsManifest groups, editable before build
	topology map[string]any
	tensors  map[string][]float32
	files    map[string][]byte
}

// newSynthModel lays tensors out like the real export: one group for each kernel and
// one for each BatchNorm; when split, every group is spread over two shard files.
func newSynthModel(t testing.TB, alpha float64, size int, seed uint64, split bool) *synthModel {
	t.Helper()
	rng := rand.New(rand.NewPCG(seed, 1))
	layers, err := paramLayers(alpha, size)
	if err != nil {
		t.Fatal(err)
	}
	s := &synthModel{alpha: alpha, size: size, tensors: map[string][]float32{}, files: map[string][]byte{}}
	var kerasLayers []any
	kerasLayers = append(kerasLayers, map[string]any{"class_name": "InputLayer", "name": "input_1",
		"config": map[string]any{"batch_input_shape": []any{nil, size, size, 3}, "dtype": "float32", "name": "input_1"}})
	var groups [][]wantTensor
	for _, l := range layers {
		ks := kernelShape(l)
		kn := wantTensor{l.Name + "/" + kernelName(l), ks[:]}
		if l.Kind == core.FullyConn {
			groups = append(groups, []wantTensor{kn, {l.Name + "/bias", []int{l.OutC}}})
			continue
		}
		groups = append(groups, []wantTensor{kn})
		var bn []wantTensor
		for _, p := range []string{"gamma", "beta", "moving_mean", "moving_variance"} {
			bn = append(bn, wantTensor{l.Name + "_bn/" + p, []int{l.OutC}})
		}
		groups = append(groups, bn)
		kerasLayers = append(kerasLayers, map[string]any{"class_name": "BatchNormalization", "name": l.Name + "_bn",
			"config": map[string]any{"name": l.Name + "_bn", "epsilon": 0.001}})
	}
	for gi, g := range groups {
		var data []byte
		var entries []any
		for _, tn := range g {
			n := 1
			for _, d := range tn.shape {
				n *= d
			}
			vals := make([]float32, n)
			for i := range vals {
				switch {
				case strings.HasSuffix(tn.name, "/moving_variance"): // positive, some tiny
					vals[i] = float32(rng.Float64()*2 + 1e-4)
				case strings.HasSuffix(tn.name, "/gamma"):
					vals[i] = float32(0.5 + rng.Float64())
				default:
					vals[i] = float32(rng.NormFloat64() * 0.3)
				}
				data = binary.LittleEndian.AppendUint32(data, math.Float32bits(vals[i]))
			}
			s.tensors[tn.name] = vals
			entries = append(entries, map[string]any{"name": tn.name, "shape": tn.shape, "dtype": "float32"})
		}
		var paths []any
		if split && len(data) > 8 {
			cut := (len(data) / 2) | 1 // an odd cut splits a float across files
			a, b := fmt.Sprintf("group%d-shard1of2", gi+1), fmt.Sprintf("group%d-shard2of2", gi+1)
			s.files[a], s.files[b] = data[:cut], data[cut:]
			paths = []any{a, b}
		} else {
			name := fmt.Sprintf("group%d-shard1of1", gi+1)
			s.files[name] = data
			paths = []any{name}
		}
		s.manifest = append(s.manifest, map[string]any{"paths": paths, "weights": entries})
	}
	s.topology = map[string]any{"keras_version": "2.1.4", "backend": "tensorflow",
		"model_config": map[string]any{"class_name": "Model", "config": map[string]any{"layers": kerasLayers}}}
	return s
}

func (s *synthModel) modelJSON(t testing.TB) []byte {
	t.Helper()
	b, err := json.Marshal(map[string]any{"modelTopology": s.topology, "weightsManifest": s.manifest})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func (s *synthModel) readFile(name string) ([]byte, error) {
	b, ok := s.files[name]
	if !ok {
		return nil, fmt.Errorf("no such file %q", name)
	}
	return b, nil
}

// folded computes layer l's BN-folded kernel value i and bias value c independently
// of core.FoldBatchNorm, in float64.
func (s *synthModel) folded(l core.Layer, i, c int) (k, b float64) {
	if l.Kind == core.FullyConn {
		return float64(s.tensors[l.Name+"/kernel"][i]), float64(s.tensors[l.Name+"/bias"][c])
	}
	kernel := s.tensors[l.Name+"/"+kernelName(l)]
	bn := func(p string, ch int) float64 { return float64(s.tensors[l.Name+"_bn/"+p][ch]) }
	oc := i % l.OutC
	k = float64(kernel[i]) * bn("gamma", oc) / math.Sqrt(bn("moving_variance", oc)+1e-3)
	b = bn("beta", c) - bn("moving_mean", c)*bn("gamma", c)/math.Sqrt(bn("moving_variance", c)+1e-3)
	return k, b
}

// randomWeights are already-folded weights for EncodePacked tests.
func randomWeights(t testing.TB, alpha float64, size int, seed uint64) *core.Weights {
	t.Helper()
	layers, err := paramLayers(alpha, size)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(seed, 2))
	w := &core.Weights{Alpha: alpha, Size: size}
	for _, l := range layers {
		p := core.Params{Kernel: make([]float32, l.KernelLen()), Bias: make([]float32, l.OutC)}
		for i := range p.Kernel {
			p.Kernel[i] = float32(rng.NormFloat64() * 0.2)
		}
		for i := range p.Bias {
			p.Bias[i] = float32(rng.NormFloat64())
		}
		w.Layers = append(w.Layers, p)
	}
	return w
}
