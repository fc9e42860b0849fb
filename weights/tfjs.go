package weights

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/mobilenet-go/mobilenet/core"
	"github.com/mobilenet-go/mobilenet/internal/limits"
)

// The parts of a TF.js layers model.json this importer reads.
type tfjsModel struct {
	ModelTopology   json.RawMessage `json:"modelTopology"`
	WeightsManifest []manifestGroup `json:"weightsManifest"`
}

type manifestGroup struct {
	Paths   []string        `json:"paths"`
	Weights []manifestEntry `json:"weights"`
}

type manifestEntry struct {
	Name         string          `json:"name"`
	Shape        []int           `json:"shape"`
	Dtype        string          `json:"dtype"`
	Quantization json.RawMessage `json:"quantization"`
}

// tensorRef locates one tensor in its group's concatenated shard bytes.
type tensorRef struct {
	group, offset, count int // offset in bytes, count in float32s
	shape                []int
}

// maxTensorFloats bounds any one tensor so sizes cannot overflow; MobileNet v1's
// largest (conv_preds at alpha 1) has 1.024M values.
const maxTensorFloats = 1 << 26

// ParseTFJS imports a TF.js layers-format Keras MobileNet v1: modelJSON is model.json,
// readFile returns a weight shard by its manifest path (the browser worker fetches
// them). Shard paths must stay inside model.json's folder (shardPathRule) and the
// manifest's sizes within internal/limits, checked before readFile is called. Alpha is inferred from conv1's width and every tensor is checked against
// core.Architecture; BatchNorm is folded into the kernels (eps core.BNEpsilon).
func ParseTFJS(modelJSON []byte, readFile func(name string) ([]byte, error)) (*core.Weights, error) {
	var read shardReader
	if readFile != nil {
		read = func(name string, maxBytes int) ([]byte, error) {
			data, err := readFile(name)
			if err == nil && len(data) > maxBytes {
				return nil, tooBig("holds %d bytes, more than the %d bytes its manifest group has left (corrupt or mismatched model.json)", len(data), maxBytes)
			}
			return data, err
		}
	}
	w, err := parseTFJS(modelJSON, read)
	if err != nil {
		return nil, fmt.Errorf("weights: TF.js model: %w", err)
	}
	return w, nil
}

func parseTFJS(modelJSON []byte, readFile shardReader) (*core.Weights, error) {
	if readFile == nil {
		return nil, errors.New("no readFile function for the weight shards")
	}
	var m tfjsModel
	if err := json.Unmarshal(modelJSON, &m); err != nil {
		return nil, fmt.Errorf("model.json: %w", err)
	}
	if len(m.WeightsManifest) == 0 {
		return nil, errors.New("model.json: no weightsManifest (is this a TF.js layers model?)")
	}
	refs, groupBytes, err := indexManifest(m.WeightsManifest)
	if err != nil {
		return nil, fmt.Errorf("model.json: %w", err)
	}
	conv1, ok := refs["conv1/kernel"]
	if !ok {
		return nil, errors.New("model.json: no conv1/kernel weight: not a Keras MobileNet v1")
	}
	if len(conv1.shape) != 4 || conv1.shape[0] != 3 || conv1.shape[1] != 3 || conv1.shape[2] != 3 {
		return nil, fmt.Errorf("model.json: conv1/kernel has shape %v, want [3 3 3 C]", conv1.shape)
	}
	alpha, err := standardAlpha(conv1.shape[3])
	if err != nil {
		return nil, fmt.Errorf("model.json: %w", err)
	}
	size, err := topologyConfig(m.ModelTopology)
	if err != nil {
		return nil, fmt.Errorf("model.json: modelTopology: %w", err)
	}
	layers, err := paramLayers(alpha, size)
	if err != nil {
		return nil, fmt.Errorf("model.json: %w", err)
	}
	if err := checkTensors(refs, expectedTensors(layers)); err != nil {
		return nil, fmt.Errorf("model.json: alpha %v: %w", alpha, err)
	}

	values, err := readGroups(m.WeightsManifest, groupBytes, refs, readFile)
	if err != nil {
		return nil, err
	}
	w := &core.Weights{Alpha: alpha, Size: size, Layers: make([]core.Params, len(layers))}
	for i, l := range layers {
		if l.Kind == core.FullyConn {
			w.Layers[i] = core.Params{Kernel: values[l.Name+"/kernel"], Bias: values[l.Name+"/bias"]}
			continue
		}
		kernel := values[l.Name+"/"+kernelName(l)]
		bn := l.Name + "_bn/"
		variance := values[bn+"moving_variance"]
		for c, v := range variance {
			if v < 0 {
				return nil, fmt.Errorf("%smoving_variance[%d] = %v is negative", bn, c, v)
			}
		}
		bias := core.FoldBatchNorm(kernel, values[bn+"gamma"], values[bn+"beta"], values[bn+"moving_mean"], variance, core.BNEpsilon)
		w.Layers[i] = core.Params{Kernel: kernel, Bias: bias}
	}
	if err := w.Check(); err != nil {
		return nil, err
	}
	return w, nil
}

// indexManifest checks every manifest entry (float32, unquantized, sane shape, unique
// name) and locates it in its group; it returns each group's expected byte count.
func indexManifest(groups []manifestGroup) (map[string]tensorRef, []int, error) {
	refs := make(map[string]tensorRef)
	groupBytes := make([]int, len(groups))
	paths := make(map[string]bool)
	total := 0
	for gi, g := range groups {
		if len(paths)+len(g.Paths) > limits.MaxShards {
			return nil, nil, tooBig("weightsManifest names more than %d shard files", limits.MaxShards)
		}
		for _, p := range g.Paths {
			rel, err := checkShardPath(p)
			if err != nil {
				return nil, nil, err
			}
			if paths[rel] {
				return nil, nil, fmt.Errorf("shard %q is listed twice in weightsManifest", p)
			}
			paths[rel] = true
		}
		off := 0
		for _, e := range g.Weights {
			if e.Name == "" {
				return nil, nil, fmt.Errorf("weightsManifest group %d has a weight with no name", gi+1)
			}
			if _, dup := refs[e.Name]; dup {
				return nil, nil, fmt.Errorf("weight %q appears twice in the manifest", e.Name)
			}
			if e.Dtype != "float32" {
				return nil, nil, fmt.Errorf("weight %q has dtype %q; only float32 is supported", e.Name, e.Dtype)
			}
			if q := strings.TrimSpace(string(e.Quantization)); q != "" && q != "null" {
				return nil, nil, fmt.Errorf("weight %q is quantized; only unquantized float32 is supported", e.Name)
			}
			n := 1
			for _, d := range e.Shape {
				if d < 0 || d > maxTensorFloats || n*d > maxTensorFloats {
					return nil, nil, fmt.Errorf("weight %q has an impossible shape %v", e.Name, e.Shape)
				}
				n *= d
			}
			refs[e.Name] = tensorRef{group: gi, offset: off, count: n, shape: e.Shape}
			off += 4 * n
			if off > 4*maxTensorFloats {
				return nil, nil, fmt.Errorf("weightsManifest group %d is larger than %d bytes", gi+1, 4*maxTensorFloats)
			}
		}
		if off > 0 && len(g.Paths) == 0 {
			return nil, nil, fmt.Errorf("weightsManifest group %d has weights but no shard paths", gi+1)
		}
		groupBytes[gi] = off
		if total += off; total > limits.MaxWeightsBytes {
			return nil, nil, tooBig("weightsManifest declares more than %d bytes of weights", limits.MaxWeightsBytes)
		}
	}
	return refs, groupBytes, nil
}

type wantTensor struct {
	name  string
	shape []int
}

func kernelName(l core.Layer) string {
	if l.Kind == core.Depthwise {
		return "depthwise_kernel"
	}
	return "kernel"
}

// expectedTensors lists every tensor the Keras MobileNet v1 for layers has.
func expectedTensors(layers []core.Layer) []wantTensor {
	var out []wantTensor
	for _, l := range layers {
		ks := kernelShape(l)
		out = append(out, wantTensor{l.Name + "/" + kernelName(l), ks[:]})
		if l.Kind == core.FullyConn {
			out = append(out, wantTensor{l.Name + "/bias", []int{l.OutC}})
			continue
		}
		for _, s := range []string{"gamma", "beta", "moving_mean", "moving_variance"} {
			out = append(out, wantTensor{l.Name + "_bn/" + s, []int{l.OutC}})
		}
	}
	return out
}

// checkTensors verifies the manifest holds exactly the wanted tensors with their shapes.
func checkTensors(refs map[string]tensorRef, want []wantTensor) error {
	wanted := make(map[string]bool, len(want))
	for _, t := range want {
		wanted[t.name] = true
		r, ok := refs[t.name]
		if !ok {
			return fmt.Errorf("weight %q is missing", t.name)
		}
		if !slices.Equal(r.shape, t.shape) {
			return fmt.Errorf("weight %q has shape %v, want %v", t.name, r.shape, t.shape)
		}
	}
	for name := range refs {
		if !wanted[name] {
			return fmt.Errorf("unexpected weight %q (not part of MobileNet v1)", name)
		}
	}
	return nil
}

// readGroups reads each group's shards (concatenated in order, exactly the manifest's
// byte count) and decodes its tensors, keeping only one group's bytes at a time.
func readGroups(groups []manifestGroup, groupBytes []int, refs map[string]tensorRef,
	readFile shardReader) (map[string][]float32, error) {
	values := make(map[string][]float32, len(refs))
	for gi, g := range groups {
		var buf []byte
		for pi, p := range g.Paths {
			data, err := readFile(p, groupBytes[gi]-len(buf))
			if err != nil {
				return nil, fmt.Errorf("shard %q: %w", p, err)
			}
			if len(buf)+len(data) > groupBytes[gi] { // a readFile that ignored its bound
				return nil, fmt.Errorf("shard %q: group %d's shards hold more than the manifest's %d bytes (corrupt or mismatched model.json)",
					p, gi+1, groupBytes[gi])
			}
			if pi == 0 && len(g.Paths) == 1 {
				buf = data // the common case: no copy
			} else {
				if buf == nil {
					buf = make([]byte, 0, groupBytes[gi])
				}
				buf = append(buf, data...)
			}
		}
		if len(buf) < groupBytes[gi] {
			return nil, fmt.Errorf("shards %q hold %d bytes, the manifest needs %d: truncated",
				g.Paths, len(buf), groupBytes[gi])
		}
		for _, e := range g.Weights {
			r := refs[e.Name]
			vals := make([]float32, r.count)
			for i := range vals {
				v := math.Float32frombits(binary.LittleEndian.Uint32(buf[r.offset+4*i:]))
				if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
					return nil, fmt.Errorf("shards %q: weight %q[%d] is %v: corrupt", g.Paths, e.Name, i, v)
				}
				vals[i] = v
			}
			values[e.Name] = vals
		}
	}
	return values, nil
}

// topologyConfig finds the input size in the Keras topology (InputLayer's
// batch_input_shape [null, H, W, 3]; 224 when absent or unspecified) and checks that
// every BatchNormalization uses the epsilon the folding assumes.
func topologyConfig(raw json.RawMessage) (int, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return 224, nil
	}
	var topo any
	if err := json.Unmarshal(raw, &topo); err != nil {
		return 0, err
	}
	size := 0
	var walkErr error
	walk(topo, func(obj map[string]any) {
		if walkErr != nil {
			return
		}
		cfg, _ := obj["config"].(map[string]any)
		switch obj["class_name"] {
		case "InputLayer":
			if size != 0 || cfg == nil {
				return
			}
			shape, ok := cfg["batch_input_shape"].([]any)
			if !ok {
				shape, ok = cfg["batch_shape"].([]any) // Keras 3 spelling
			}
			if ok {
				size, walkErr = inputSize(shape)
			}
		case "BatchNormalization":
			if eps, ok := cfg["epsilon"].(float64); ok && math.Abs(eps-core.BNEpsilon) > 1e-9 {
				walkErr = fmt.Errorf("layer %v has BatchNorm epsilon %v; MobileNet v1 uses %v", cfg["name"], eps, core.BNEpsilon)
			}
		}
	})
	if walkErr != nil {
		return 0, walkErr
	}
	if size <= 0 {
		size = 224
	}
	return size, nil
}

// inputSize reads [batch, H, W, C] with H = W (or both null) and C = 3.
func inputSize(shape []any) (int, error) {
	if len(shape) != 4 {
		return 0, fmt.Errorf("input shape %v, want [batch, H, W, 3]", shape)
	}
	if c, ok := shape[3].(float64); ok && c != 3 {
		return 0, fmt.Errorf("input has %v channels, want 3 (RGB)", c)
	}
	if shape[1] == nil && shape[2] == nil {
		return 0, nil
	}
	h, hok := shape[1].(float64)
	w, wok := shape[2].(float64)
	if !hok || !wok || h != w || h != math.Trunc(h) {
		return 0, fmt.Errorf("input shape %v is not a square H x W", shape)
	}
	if h < 32 || h > 1024 || core.ValidateConfig(1, int(h)) != nil {
		return 0, fmt.Errorf("input size %v: want a multiple of 32 from 32 to 1024", h)
	}
	return int(h), nil
}

// walk calls f on every JSON object inside v, depth first.
func walk(v any, f func(map[string]any)) {
	switch t := v.(type) {
	case map[string]any:
		f(t)
		for _, c := range t {
			walk(c, f)
		}
	case []any:
		for _, c := range t {
			walk(c, f)
		}
	}
}
