// Package wasmfold is a post-link peephole pass over a WebAssembly binary built by Go.
//
// Go's wasm backend computes the address of a float or v128 load at a constant offset
// from a pointer as
//
//	<i64 pointer> i64.const C  i64.add  i32.wrap_i64  f32.load|v128.load offset=0
//
// (it folds constant offsets into integer loads only). V8 cannot fold the add into
// the addressing mode, because wrap(p+C) and wrap(p)+C differ when the 32-bit sum
// overflows, so each such load costs an add and a zero-extension besides the load:
// in the pointwise kernel's inner loop, for 6 loads per k step of 16 SIMD ops. Fold
// rewrites the pattern to
//
//	<i64 pointer> i32.wrap_i64  f32.load|v128.load offset=C  nop nop nop
//
// the fold Go itself applies to integer loads (Wasm.rules: I64Load [off] (I64AddConst
// [c] ptr) => I64Load [off+c] ptr), under the same assumption: addresses are real
// addresses in a memory below 4 GiB. It is restricted to 0 <= C < 4096 (Go's linker
// keeps the first 4 KiB as a zero page, wasmMinDataAddr, so for any address a Go
// program loads from, p = a-C is not negative) and to the functions the caller names.
// The nops keep every byte offset in the file the same, so no section or body size
// needs rewriting.
package wasmfold

import (
	"errors"
	"fmt"
)

// reader decodes the LEB128 and fixed-width fields of a wasm binary.
type reader struct {
	b   []byte
	pos int
	err error
}

var errTruncated = errors.New("wasmfold: truncated wasm binary")

func (r *reader) fail(err error) {
	if r.err == nil {
		r.err = err
	}
	r.pos = len(r.b)
}

func (r *reader) byte() byte {
	if r.pos >= len(r.b) {
		r.fail(errTruncated)
		return 0
	}
	c := r.b[r.pos]
	r.pos++
	return c
}

func (r *reader) skip(n int) {
	if n < 0 || r.pos+n > len(r.b) {
		r.fail(errTruncated)
		return
	}
	r.pos += n
}

// u64 reads an unsigned LEB128 of at most bits bits.
func (r *reader) uleb(bits uint) uint64 {
	var v uint64
	for shift := uint(0); ; shift += 7 {
		c := r.byte()
		if r.err != nil {
			return 0
		}
		if shift >= bits {
			r.fail(fmt.Errorf("wasmfold: LEB128 longer than %d bits at byte %d", bits, r.pos-1))
			return 0
		}
		v |= uint64(c&0x7f) << shift
		if c&0x80 == 0 {
			return v
		}
	}
}

// sleb reads a signed LEB128 of at most bits bits.
func (r *reader) sleb(bits uint) int64 {
	var v int64
	var shift uint
	for {
		c := r.byte()
		if r.err != nil {
			return 0
		}
		if shift >= bits {
			r.fail(fmt.Errorf("wasmfold: LEB128 longer than %d bits at byte %d", bits, r.pos-1))
			return 0
		}
		v |= int64(c&0x7f) << shift
		shift += 7
		if c&0x80 == 0 {
			if shift < 64 && c&0x40 != 0 {
				v |= -1 << shift
			}
			return v
		}
	}
}

func (r *reader) u32() uint32 { return uint32(r.uleb(35)) }

// appendULEB appends v as unsigned LEB128.
func appendULEB(b []byte, v uint64) []byte {
	for {
		c := byte(v & 0x7f)
		v >>= 7
		if v != 0 {
			b = append(b, c|0x80)
			continue
		}
		return append(b, c)
	}
}
