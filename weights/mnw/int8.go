package mnw

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
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
// must pass q8's Check; nothing is written otherwise.
func EncodeInt8(w io.Writer, q *q8.Weights) error {
	if err := q.Check(); err != nil {
		return fmt.Errorf("weights: encode: %w", err)
	}
	size := q.Size
	if size == 0 {
		size = 224
	}
	layers, err := ParamLayers(q.Alpha, size)
	if err != nil {
		return fmt.Errorf("weights: encode: %w", err)
	}
	crc := crc32.NewIEEE()
	bw := bufio.NewWriterSize(io.MultiWriter(w, crc), 64<<10)
	bw.Write(header(int8Version, storageInt8, q.Alpha, size, layers))
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
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("weights: encode: %w", err)
	}
	binary.LittleEndian.PutUint32(buf[:], crc.Sum32())
	if _, err := w.Write(buf[:]); err != nil {
		return fmt.Errorf("weights: encode: %w", err)
	}
	return nil
}

// header is a file's fixed header and layer table.
func header(version uint16, storage byte, alpha float64, size int, layers []core.Layer) []byte {
	hdr := make([]byte, packedHeaderLen, packedHeaderLen+len(layers)*packedShapeLen)
	copy(hdr, packedMagic)
	binary.LittleEndian.PutUint16(hdr[4:], version)
	hdr[6] = storage
	binary.LittleEndian.PutUint64(hdr[8:], math.Float64bits(alpha))
	binary.LittleEndian.PutUint32(hdr[16:], uint32(size))
	binary.LittleEndian.PutUint32(hdr[20:], uint32(len(layers)))
	for _, l := range layers {
		for _, d := range KernelShape(l) {
			hdr = binary.LittleEndian.AppendUint32(hdr, uint32(d))
		}
		hdr = binary.LittleEndian.AppendUint32(hdr, uint32(l.OutC))
	}
	return hdr
}

// IsInt8 reports whether a .mnw file (at least HeaderLen bytes) stores int8 weights.
func IsInt8(data []byte) bool { return Is(data) && len(data) >= HeaderLen && data[6] == storageInt8 }

// DecodeInt8 reads a .mnw file as int8 weights: an int8 file as stored (every
// check Decode makes, then q8's Check on scales, biases and -128), a float file
// quantized (q8.Quantize).
func DecodeInt8(data []byte) (*q8.Weights, error) {
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

func decodeInt8(data []byte) (*q8.Weights, error) {
	alpha, size, layers, err := decodeTable(data)
	if err != nil {
		return nil, err
	}
	if v := binary.LittleEndian.Uint16(data[4:]); v != int8Version {
		return nil, fmt.Errorf("int8 storage in a version %d file (int8 needs version %d)", v, int8Version)
	}
	shapesEnd := packedHeaderLen + len(layers)*packedShapeLen
	body := 0
	for _, l := range layers {
		body += l.KernelLen()*int8ValueSize + 8*l.OutC
	}
	if err := checkLengthAndCRC(data, shapesEnd+body+packedCRCLen); err != nil {
		return nil, err
	}
	q := &q8.Weights{Alpha: alpha, Size: size, Layers: make([]q8.Params, len(layers))}
	raw := data[shapesEnd:]
	for i, l := range layers {
		k, n := l.KernelLen(), l.OutC
		p := q8.Params{Kernel: make([]int8, k), Scale: make([]float32, n), Bias: make([]float32, n)}
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

// decodeTable checks a file's magic, flags, alpha, size, layer count and every
// shape (as Decode does), returning the layer table.
func decodeTable(data []byte) (alpha float64, size int, layers []core.Layer, err error) {
	if len(data) < packedHeaderLen {
		return 0, 0, nil, fmt.Errorf("truncated: %d bytes, the header alone is %d", len(data), packedHeaderLen)
	}
	if !Is(data) {
		return 0, 0, nil, errors.New("bad magic: not a .mnw file")
	}
	if data[7] != 0 {
		return 0, 0, nil, fmt.Errorf("unknown flags 0x%02x", data[7])
	}
	alpha = math.Float64frombits(binary.LittleEndian.Uint64(data[8:]))
	size = int(binary.LittleEndian.Uint32(data[16:]))
	layers, err = ParamLayers(alpha, size)
	if err != nil {
		return 0, 0, nil, fmt.Errorf("header: %w", err)
	}
	if n := binary.LittleEndian.Uint32(data[20:]); n != uint32(len(layers)) {
		return 0, 0, nil, fmt.Errorf("%d layers, alpha %v needs %d", n, alpha, len(layers))
	}
	shapesEnd := packedHeaderLen + len(layers)*packedShapeLen
	if len(data) < shapesEnd {
		return 0, 0, nil, fmt.Errorf("truncated: %d bytes, the header and shapes are %d", len(data), shapesEnd)
	}
	for i, l := range layers {
		rec := data[packedHeaderLen+i*packedShapeLen:]
		want := KernelShape(l)
		for d := range 4 {
			if got := binary.LittleEndian.Uint32(rec[4*d:]); got != uint32(want[d]) {
				return 0, 0, nil, fmt.Errorf("layer %d (%s): kernel shape dimension %d is %d, alpha %v needs shape %v",
					i, l.Name, d, got, alpha, want)
			}
		}
		if got := binary.LittleEndian.Uint32(rec[16:]); got != uint32(l.OutC) {
			return 0, 0, nil, fmt.Errorf("layer %d (%s): bias length %d, want %d", i, l.Name, got, l.OutC)
		}
	}
	return alpha, size, layers, nil
}

// checkLengthAndCRC checks that data is exactly wantLen bytes with a matching CRC.
func checkLengthAndCRC(data []byte, wantLen int) error {
	if len(data) < wantLen {
		return fmt.Errorf("truncated: %d bytes, want %d", len(data), wantLen)
	}
	if len(data) > wantLen {
		return fmt.Errorf("%d bytes of trailing garbage after the %d-byte file", len(data)-wantLen, wantLen)
	}
	body := data[:wantLen-packedCRCLen]
	if got, want := crc32.ChecksumIEEE(body), binary.LittleEndian.Uint32(data[wantLen-packedCRCLen:]); got != want {
		return fmt.Errorf("checksum mismatch (stored %08x, computed %08x): the file is corrupt", want, got)
	}
	return nil
}
