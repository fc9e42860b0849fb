// Package mnw reads and writes the packed single-file weights format (.mnw)
// documented in ../README.md. It imports no JSON or networking, so the browser
// build that only reads .mnw files stays small.
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
)

// The .mnw format is documented byte by byte in README.md.
const (
	packedMagic     = "MNW\x1a"
	packedVersion   = 1
	storageFloat32  = 1
	storageFloat16  = 2
	packedHeaderLen = 24 // magic, version, storage, flags, alpha, size, layer count
	packedShapeLen  = 20 // per layer: kh, kw, in, out, bias length
	packedCRCLen    = 4
)

// Is reports whether data starts like a .mnw file.
func Is(data []byte) bool { return len(data) >= 4 && string(data[:4]) == packedMagic }

// Encode writes wt as a .mnw file, storing values as float16 (round to nearest
// even) when f16 is set, float32 otherwise. Weights must pass Check and be finite;
// with f16, every value must fit float16's range (|x| <= 65504 after rounding).
func Encode(w io.Writer, wt *core.Weights, f16 bool) error {
	if err := wt.Check(); err != nil {
		return fmt.Errorf("weights: encode: %w", err)
	}
	size, layers, err := encodeLayers(wt.Alpha, wt.Size)
	if err != nil {
		return err
	}
	// Validate every value before writing a byte, so a failure leaves no half file.
	for i, l := range layers {
		for _, part := range []struct {
			name string
			vals []float32
		}{{"kernel", wt.Layers[i].Kernel}, {"bias", wt.Layers[i].Bias}} {
			for j, v := range part.vals {
				if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
					return fmt.Errorf("weights: encode: layer %s %s[%d] is %v", l.Name, part.name, j, v)
				}
				if f16 && math.IsInf(float64(HalfToFloat32(Float32ToHalf(v))), 0) {
					return fmt.Errorf("weights: encode: layer %s %s[%d] = %v overflows float16", l.Name, part.name, j, v)
				}
			}
		}
	}
	storage := byte(storageFloat32)
	if f16 {
		storage = storageFloat16
	}
	return encodeFile(w, header(packedVersion, storage, wt.Alpha, size, layers), func(bw *bufio.Writer) {
		var buf [4]byte
		for i := range layers {
			for _, vals := range [][]float32{wt.Layers[i].Kernel, wt.Layers[i].Bias} {
				for _, v := range vals {
					if f16 {
						binary.LittleEndian.PutUint16(buf[:], Float32ToHalf(v))
						bw.Write(buf[:2])
					} else {
						binary.LittleEndian.PutUint32(buf[:], math.Float32bits(v))
						bw.Write(buf[:4])
					}
				}
			}
		}
	})
}

// encodeLayers is both encoders' layer table: size 0 means 224.
func encodeLayers(alpha float64, size int) (int, []core.Layer, error) {
	if size == 0 {
		size = 224
	}
	layers, err := ParamLayers(alpha, size)
	if err != nil {
		return 0, nil, fmt.Errorf("weights: encode: %w", err)
	}
	return size, layers, nil
}

// encodeFile writes hdr, then what body writes, then the CRC-32 of both.
func encodeFile(w io.Writer, hdr []byte, body func(*bufio.Writer)) error {
	crc := crc32.NewIEEE()
	bw := bufio.NewWriterSize(io.MultiWriter(w, crc), 64<<10)
	bw.Write(hdr)
	body(bw)
	if err := bw.Flush(); err != nil { // bufio keeps the first write error
		return fmt.Errorf("weights: encode: %w", err)
	}
	var buf [4]byte
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
	hdr[7] = 0 // flags
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

// Decode reads a .mnw file, validating its header, every shape against
// core.Architecture, its exact length, its CRC-32 and that every value is finite.
// All values share one allocation. An int8 file (storage 3) decodes to the float
// weights it stands for (q·scale); DecodeInt8 reads it as stored.
func Decode(data []byte) (*core.Weights, error) {
	w, err := decode(data)
	if err != nil {
		return nil, fmt.Errorf("weights: .mnw: %w", err)
	}
	return w, nil
}

func decode(data []byte) (*core.Weights, error) {
	t, err := decodeTable(data)
	if err != nil {
		return nil, err
	}
	if t.storage == storageInt8 { // the float weights the int8 ones stand for
		q, err := decodeInt8Values(data, t)
		if err != nil {
			return nil, err
		}
		return q.Dequantize(), nil
	}
	width := 4
	if t.storage == storageFloat16 {
		width = 2
	}
	total := 0
	for _, l := range t.layers {
		total += l.KernelLen() + l.OutC
	}
	if err := checkLengthAndCRC(data, t.shapesEnd+total*width+packedCRCLen); err != nil {
		return nil, err
	}
	values := make([]float32, total)
	raw := data[t.shapesEnd:]
	for i := range values {
		var v float32
		if width == 2 {
			v = HalfToFloat32(binary.LittleEndian.Uint16(raw[2*i:]))
		} else {
			v = math.Float32frombits(binary.LittleEndian.Uint32(raw[4*i:]))
		}
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			return nil, fmt.Errorf("value %d is %v", i, v)
		}
		values[i] = v
	}
	w := &core.Weights{Alpha: t.alpha, Size: t.size, Layers: make([]core.Params, len(t.layers))}
	off := 0
	for i, l := range t.layers {
		k, b := l.KernelLen(), l.OutC
		w.Layers[i] = core.Params{
			Kernel: values[off : off+k : off+k],
			Bias:   values[off+k : off+k+b : off+k+b],
		}
		off += k + b
	}
	return w, nil
}

// table is a checked header and layer table; the values start at shapesEnd.
type table struct {
	storage   byte
	alpha     float64
	size      int
	layers    []core.Layer
	shapesEnd int
}

// decodeTable checks a file's magic, version, storage kind (and that the two
// agree), flags, alpha, size, layer count and every shape against
// core.Architecture: everything before the values, for every storage kind.
func decodeTable(data []byte) (table, error) {
	var t table
	if len(data) < packedHeaderLen {
		if len(data) >= 4 && !Is(data) {
			return t, errors.New("bad magic: not a .mnw file")
		}
		return t, fmt.Errorf("truncated: %d bytes, the header alone is %d", len(data), packedHeaderLen)
	}
	if !Is(data) {
		return t, errors.New("bad magic: not a .mnw file")
	}
	v := binary.LittleEndian.Uint16(data[4:])
	if v < packedVersion || v > maxKnownVer {
		return t, fmt.Errorf("unsupported version %d (this reader knows versions %d to %d)", v, packedVersion, maxKnownVer)
	}
	t.storage = data[6]
	switch t.storage {
	case storageFloat32, storageFloat16:
		if v != packedVersion {
			return t, fmt.Errorf("float storage in a version %d file (floats are version %d)", v, packedVersion)
		}
	case storageInt8:
		if v != int8Version {
			return t, fmt.Errorf("int8 storage in a version %d file (int8 needs version %d)", v, int8Version)
		}
	default:
		return t, fmt.Errorf("unknown storage type %d (1 = float32, 2 = float16, 3 = int8)", t.storage)
	}
	if data[7] != 0 {
		return t, fmt.Errorf("unknown flags 0x%02x", data[7])
	}
	t.alpha = math.Float64frombits(binary.LittleEndian.Uint64(data[8:]))
	t.size = int(binary.LittleEndian.Uint32(data[16:]))
	layers, err := ParamLayers(t.alpha, t.size)
	if err != nil {
		return t, fmt.Errorf("header: %w", err)
	}
	if n := binary.LittleEndian.Uint32(data[20:]); n != uint32(len(layers)) {
		return t, fmt.Errorf("%d layers, alpha %v needs %d", n, t.alpha, len(layers))
	}
	t.shapesEnd = packedHeaderLen + len(layers)*packedShapeLen
	if len(data) < t.shapesEnd {
		return t, fmt.Errorf("truncated: %d bytes, the header and shapes are %d", len(data), t.shapesEnd)
	}
	for i, l := range layers {
		rec := data[packedHeaderLen+i*packedShapeLen:]
		want := KernelShape(l)
		for d := range 4 {
			if got := binary.LittleEndian.Uint32(rec[4*d:]); got != uint32(want[d]) {
				return t, fmt.Errorf("layer %d (%s): kernel shape dimension %d is %d, alpha %v needs shape %v",
					i, l.Name, d, got, t.alpha, want)
			}
		}
		if got := binary.LittleEndian.Uint32(rec[16:]); got != uint32(l.OutC) {
			return t, fmt.Errorf("layer %d (%s): bias length %d, want %d", i, l.Name, got, l.OutC)
		}
	}
	t.layers = layers
	return t, nil
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
