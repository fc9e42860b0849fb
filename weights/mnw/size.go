package mnw

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// maxTableLayers bounds the layer count a header may claim before its table is read
// (MobileNet v1 has 28); Decode then requires the architecture's exact count.
const maxTableLayers = 64

// TableLen returns how many leading bytes (header plus layer table) FileSize needs,
// from the first HeaderLen bytes of a .mnw file. Downloads use it to bound a file by
// the size its own header implies before reading the values.
func TableLen(head []byte) (int, error) {
	if len(head) < HeaderLen {
		return 0, fmt.Errorf("truncated: %d bytes, the header alone is %d", len(head), HeaderLen)
	}
	if !Is(head) {
		return 0, errors.New("no MNW magic")
	}
	n := binary.LittleEndian.Uint32(head[20:])
	if n == 0 || n > maxTableLayers {
		return 0, fmt.Errorf("header claims %d layers (at most %d)", n, maxTableLayers)
	}
	return packedHeaderLen + int(n)*packedShapeLen, nil
}

// HeaderLen is the fixed part of the header TableLen reads.
const HeaderLen = packedHeaderLen

// FileSize returns the exact byte length of the .mnw file whose first TableLen bytes
// are table: header, layer table, every kernel and bias value, CRC. It checks no more
// than it needs to (Decode checks everything), only that the claim is finite.
func FileSize(table []byte) (int64, error) {
	tl, err := TableLen(table)
	if err != nil {
		return 0, err
	}
	if len(table) < tl {
		return 0, fmt.Errorf("truncated: %d bytes, the header and layer table are %d", len(table), tl)
	}
	width, perChannel := int64(0), int64(0)
	switch table[6] {
	case storageFloat32:
		width = 4
	case storageFloat16:
		width = 2
	case storageInt8: // kernel bytes, then a float32 scale beside each float32 bias
		width, perChannel = 1, 7
	default:
		return 0, fmt.Errorf("unknown storage type %d", table[6])
	}
	const maxValues = 1 << 30 // far past any MobileNet; keeps the sum from overflowing
	values, extra := int64(0), int64(0)
	for rec := table[packedHeaderLen:tl]; len(rec) > 0; rec = rec[packedShapeLen:] {
		k := int64(1)
		for d := range 4 {
			k *= int64(binary.LittleEndian.Uint32(rec[4*d:]))
			if k > maxValues {
				return 0, errors.New("layer table claims an impossible kernel size")
			}
		}
		n := int64(binary.LittleEndian.Uint32(rec[16:]))
		values += k + n
		extra += perChannel * n
		if values > maxValues {
			return 0, errors.New("layer table claims an impossible size")
		}
	}
	return int64(tl) + values*width + extra + packedCRCLen, nil
}
