package mnw

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"io"
	"math"

	"github.com/mobilenet-go/mobilenet/core"
	"github.com/mobilenet-go/mobilenet/internal/q8"
)

// Storage kind 3 (format version 2): per-output-channel int8 weights
// (internal/q8's scheme). Per layer: the kernel as int8 (one byte per value, in the
// same order as float storage), then the per-output-channel scales (float32), then
// the biases (float32). See README.md.
const (
	storageInt8   = 3
	int8Version   = 2
	maxKnownVer   = int8Version
	int8ValueSize = 1
)

// EncodeInt8 writes int8 weights as a version 2 .mnw file (storage 3). The weights
// must pass core.Int8Weights.Check; nothing is written otherwise.
func EncodeInt8(w io.Writer, q *core.Int8Weights) error {
	if err := q.Check(); err != nil {
		return fmt.Errorf("weights: encode: %w", err)
	}
	size, layers, err := encodeLayers(q.Alpha, q.Size)
	if err != nil {
		return err
	}
	return encodeFile(w, header(int8Version, storageInt8, q.Alpha, size, layers), func(bw *bufio.Writer) {
		var buf [4]byte
		for i := range layers {
			p := q.Layers[i]
			for _, v := range p.Kernel {
				bw.WriteByte(byte(v))
			}
			for _, vals := range [][]float32{p.Scale, p.Bias} {
				for _, v := range vals {
					binary.LittleEndian.PutUint32(buf[:], math.Float32bits(v))
					bw.Write(buf[:])
				}
			}
		}
	})
}

// IsInt8 reports whether a .mnw file (at least HeaderLen bytes) stores int8 weights.
func IsInt8(data []byte) bool { return Is(data) && len(data) >= HeaderLen && data[6] == storageInt8 }

// DecodeInt8 reads a .mnw file as int8 weights: an int8 file as stored (every
// check Decode makes, then core.Int8Weights.Check on scales, biases and -128), a float file
// quantized (internal/q8.Quantize).
func DecodeInt8(data []byte) (*core.Int8Weights, error) {
	if !IsInt8(data) {
		w, err := Decode(data)
		if err != nil {
			return nil, err
		}
		return q8.Quantize(w)
	}
	q, err := decodeInt8(data)
	if err != nil {
		return nil, fmt.Errorf("weights: .mnw: %w", err)
	}
	return q, nil
}

func decodeInt8(data []byte) (*core.Int8Weights, error) {
	t, err := decodeTable(data)
	if err != nil {
		return nil, err
	}
	return decodeInt8Values(data, t)
}

// decodeInt8Values reads the values of an int8 file whose table t decodeTable
// checked: its exact length and CRC, then core.Int8Weights.Check.
func decodeInt8Values(data []byte, t table) (*core.Int8Weights, error) {
	body := 0
	for _, l := range t.layers {
		body += l.KernelLen()*int8ValueSize + 8*l.OutC
	}
	if err := checkLengthAndCRC(data, t.shapesEnd+body+packedCRCLen); err != nil {
		return nil, err
	}
	q := &core.Int8Weights{Alpha: t.alpha, Size: t.size, Layers: make([]core.Int8Params, len(t.layers))}
	raw := data[t.shapesEnd:]
	for i, l := range t.layers {
		k, n := l.KernelLen(), l.OutC
		p := core.Int8Params{Kernel: make([]int8, k), Scale: make([]float32, n), Bias: make([]float32, n)}
		for j := range p.Kernel {
			p.Kernel[j] = int8(raw[j])
		}
		raw = raw[k:]
		for j := range n {
			p.Scale[j] = math.Float32frombits(binary.LittleEndian.Uint32(raw[4*j:]))
			p.Bias[j] = math.Float32frombits(binary.LittleEndian.Uint32(raw[4*(n+j):]))
		}
		raw = raw[8*n:]
		q.Layers[i] = p
	}
	if err := q.Check(); err != nil {
		return nil, err
	}
	return q, nil
}
