// Package netfile writes and reads BN-folded MobileNet weights as plain float32 plus a
// JSON shape list, so JavaScript (TF.js ops) can build exactly the network our engine
// runs from the same values. It exists for the oracle test and the benchmark only.
//
// NAME.json holds a Spec; NAME.f32 holds every layer's kernel then bias, little-endian
// float32, at the offsets (in floats) the Spec gives.
package netfile

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"

	"github.com/mobilenet-go/mobilenet/core"
)

// Layer describes one weighted layer. Kind is "conv", "dw", "pw" or "fc"; KernelShape
// is TF's layout (conv [3,3,in,out], dw [3,3,C,1], pw [1,1,in,out], fc [in,1000]).
type Layer struct {
	Name        string `json:"name"`
	Kind        string `json:"kind"`
	Stride      int    `json:"stride"`
	InC         int    `json:"inC"`
	OutC        int    `json:"outC"`
	KernelShape []int  `json:"kernelShape"`
	Kernel      [2]int `json:"kernel"` // [offset, length] in floats
	Bias        [2]int `json:"bias"`
}

// Spec is the JSON half of a net file.
type Spec struct {
	Alpha  float64 `json:"alpha"`
	Size   int     `json:"size"` // the input size the network is run at
	Layers []Layer `json:"layers"`
}

var kinds = map[core.Kind]string{core.Conv3x3: "conv", core.Depthwise: "dw", core.Pointwise: "pw", core.FullyConn: "fc"}

// Encode returns the Spec and the float data of w run at size x size.
func Encode(w *core.Weights, size int) (Spec, []byte, error) {
	if err := w.Check(); err != nil {
		return Spec{}, nil, err
	}
	arch, err := core.Architecture(w.Alpha, size)
	if err != nil {
		return Spec{}, nil, err
	}
	spec := Spec{Alpha: w.Alpha, Size: size}
	var data []byte
	off := 0
	put := func(v []float32) [2]int {
		for _, f := range v {
			data = binary.LittleEndian.AppendUint32(data, math.Float32bits(f))
		}
		r := [2]int{off, len(v)}
		off += len(v)
		return r
	}
	for i, l := range core.ParamLayers(arch) {
		p := w.Layers[i]
		var shape []int
		switch l.Kind {
		case core.Conv3x3:
			shape = []int{3, 3, l.InC, l.OutC}
		case core.Depthwise:
			shape = []int{3, 3, l.InC, 1}
		case core.Pointwise:
			shape = []int{1, 1, l.InC, l.OutC}
		case core.FullyConn:
			shape = []int{l.InC, l.OutC}
		}
		spec.Layers = append(spec.Layers, Layer{Name: l.Name, Kind: kinds[l.Kind], Stride: l.Stride,
			InC: l.InC, OutC: l.OutC, KernelShape: shape, Kernel: put(p.Kernel), Bias: put(p.Bias)})
	}
	return spec, data, nil
}

// Write stores w (run at size) as dir/name.json and dir/name.f32.
func Write(dir, name string, w *core.Weights, size int) error {
	spec, data, err := Encode(w, size)
	if err != nil {
		return err
	}
	js, err := json.Marshal(spec)
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, name+".json"), js, 0o644); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, name+".f32"), data, 0o644)
}

// Decode rebuilds core.Weights from a Spec's JSON and its float data.
func Decode(specJSON, data []byte) (*core.Weights, int, error) {
	var spec Spec
	if err := json.Unmarshal(specJSON, &spec); err != nil {
		return nil, 0, fmt.Errorf("netfile: bad spec: %w", err)
	}
	if len(data)%4 != 0 {
		return nil, 0, fmt.Errorf("netfile: data has %d bytes, not a whole number of float32", len(data))
	}
	floats := make([]float32, len(data)/4)
	for i := range floats {
		floats[i] = math.Float32frombits(binary.LittleEndian.Uint32(data[4*i:]))
	}
	slice := func(r [2]int) ([]float32, error) {
		if r[0] < 0 || r[1] < 0 || r[0]+r[1] > len(floats) {
			return nil, fmt.Errorf("netfile: range %v outside %d floats", r, len(floats))
		}
		return floats[r[0] : r[0]+r[1] : r[0]+r[1]], nil
	}
	w := &core.Weights{Alpha: spec.Alpha, Size: spec.Size}
	for _, l := range spec.Layers {
		k, err := slice(l.Kernel)
		if err != nil {
			return nil, 0, err
		}
		b, err := slice(l.Bias)
		if err != nil {
			return nil, 0, err
		}
		w.Layers = append(w.Layers, core.Params{Kernel: k, Bias: b})
	}
	if err := w.Check(); err != nil {
		return nil, 0, err
	}
	return w, spec.Size, nil
}
