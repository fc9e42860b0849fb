package wasmfold

import (
	"bytes"
	"errors"
	"fmt"
)

// maxFold bounds the constants folded: Go keeps the first 4 KiB of linear memory as
// a zero page, so for any address a it loads from, a-C is not negative and
// wrap(a-C)+C == a.
const maxFold = 4096

// Stats says what Fold did.
type Stats struct {
	Functions int // functions selected by name
	Loads     int // loads that absorbed their constant
	Skipped   int // selected functions left alone (an instruction Fold does not know)
	Relaxed   int // relaxed-SIMD instructions whose encoding was repaired (see relaxedFix)
}

// Fold returns a copy of the wasm binary in which the selected functions' loads of
// the form  i64.const C; i64.add; i32.wrap_i64; load offset=O  become
// i32.wrap_i64; load offset=O+C  plus nops (see the package comment). Functions are
// selected by their name in the binary's "name" section; a binary without one is an
// error, since nothing could be selected.
func Fold(wasm []byte, selected func(name string) bool) ([]byte, Stats, error) {
	var st Stats
	m, err := parseModule(wasm)
	if err != nil {
		return nil, st, err
	}
	if m.names == nil {
		return nil, st, errors.New("wasmfold: the binary has no function names (Go writes them unless linked with -ldflags=-s)")
	}
	out := bytes.Clone(wasm)
	for i, body := range m.bodies {
		name, ok := m.names[m.importedFuncs+uint32(i)]
		if !ok || !selected(name) {
			continue
		}
		st.Functions++
		n, fixed, err := foldBody(out, body)
		if err != nil {
			st.Skipped++
			copy(out[body.start:body.end], wasm[body.start:body.end])
			continue
		}
		st.Loads += n
		st.Relaxed += fixed
	}
	return out, st, nil
}

type span struct{ start, end int }

type module struct {
	importedFuncs uint32
	bodies        []span // each function body, from its locals to its final end
	names         map[uint32]string
}

func parseModule(b []byte) (module, error) {
	var m module
	if len(b) < 8 || !bytes.Equal(b[:4], []byte("\x00asm")) || !bytes.Equal(b[4:8], []byte{1, 0, 0, 0}) {
		return m, errors.New("wasmfold: not a WebAssembly (version 1) binary")
	}
	r := &reader{b: b, pos: 8}
	for r.pos < len(b) && r.err == nil {
		id := r.byte()
		size := int(r.u32())
		start := r.pos
		r.skip(size)
		if r.err != nil {
			break
		}
		sec := &reader{b: b[:start+size], pos: start}
		switch id {
		case 2:
			m.importedFuncs = countFuncImports(sec)
		case 10:
			n := sec.u32()
			for i := uint32(0); i < n && sec.err == nil; i++ {
				sz := int(sec.u32())
				m.bodies = append(m.bodies, span{sec.pos, sec.pos + sz})
				sec.skip(sz)
			}
		case 0:
			nameLen := int(sec.u32())
			nameStart := sec.pos
			sec.skip(nameLen)
			if sec.err == nil && string(b[nameStart:sec.pos]) == "name" {
				m.names = parseFuncNames(sec)
			}
		}
		if sec.err != nil {
			return m, fmt.Errorf("wasmfold: section %d: %w", id, sec.err)
		}
	}
	return m, r.err
}

func countFuncImports(r *reader) uint32 {
	var funcs uint32
	n := r.u32()
	for i := uint32(0); i < n && r.err == nil; i++ {
		r.skip(int(r.u32())) // module
		r.skip(int(r.u32())) // field
		switch kind := r.byte(); kind {
		case 0x00: // func
			r.u32()
			funcs++
		case 0x01: // table
			r.byte()
			r.limits()
		case 0x02: // memory
			r.limits()
		case 0x03: // global
			r.byte()
			r.byte()
		case 0x04: // tag
			r.byte()
			r.u32()
		default:
			r.fail(fmt.Errorf("wasmfold: unknown import kind %d", kind))
		}
	}
	return funcs
}

func (r *reader) limits() {
	flags := r.byte()
	r.uleb(64)
	if flags&1 != 0 {
		r.uleb(64)
	}
}

// parseFuncNames reads the function-name subsection (id 1) of a "name" section.
func parseFuncNames(r *reader) map[uint32]string {
	names := map[uint32]string{}
	for r.pos < len(r.b) && r.err == nil {
		id := r.byte()
		size := int(r.u32())
		end := r.pos + size
		if id != 1 {
			r.skip(size)
			continue
		}
		n := r.u32()
		for i := uint32(0); i < n && r.err == nil; i++ {
			idx := r.u32()
			l := int(r.u32())
			s := r.pos
			r.skip(l)
			if r.err == nil {
				names[idx] = string(r.b[s:r.pos])
			}
		}
		r.pos = max(r.pos, min(end, len(r.b)))
	}
	return names
}

// foldBody rewrites one function body in b and returns how many loads it folded
// and how many relaxed-SIMD encodings it repaired.
// relaxedFix repairs Go's encoding of the 20 relaxed-SIMD instructions (go1.27.3,
// cmd/internal/obj/wasm writeOpcode): relaxed op i is 0xfd LEB(0x100+i), i.e.
// 0xfd (0x80+i) 0x02, but Go writes 0xfd LEB(0x80+i) 0x02 = 0xfd (0x80+i) 0x01 0x02,
// which engines reject (a SIMD op 0x80+i and then a block with no valid type;
// Chromium 156: "block type index 33 is not a signature definition"). Go writes
// every 0xfd (0x80+i) 0x01 op followed by a stray 0x01 (a nop) for the same
// reason, so in a Go-built body 0xfd (0x80+i) 0x01 0x02 at an instruction start
// is only ever a relaxed op. Swapping the last two bytes gives the right opcode
// and a nop, at the same length. It reports whether in was repaired.
func relaxedFix(b []byte, in instr) bool {
	sub := in.op &^ (prefixSIMD << 16)
	if in.op>>16 != prefixSIMD || sub < 0x80 || sub > 0x93 || in.end-in.start != 3 ||
		in.end >= len(b) || b[in.end] != 0x02 {
		return false
	}
	b[in.start+2], b[in.end] = 0x02, opNop
	return true
}

func foldBody(b []byte, body span) (int, int, error) {
	r := &reader{b: b[:body.end], pos: body.start}
	groups := r.u32()
	for i := uint32(0); i < groups && r.err == nil; i++ {
		r.u32()
		r.byte()
	}
	folded, fixed := 0, 0
	var prev [3]instr // the three instructions before the current one, oldest first
	for r.pos < body.end {
		in, err := r.next()
		if err != nil {
			return 0, 0, err
		}
		if relaxedFix(b, in) {
			fixed++
			in.op += 0x80 // 0xfd (0x80+i) -> 0xfd (0x100+i); the nop the fix left comes next
		}
		c, add, wrap := prev[0], prev[1], prev[2]
		if isFoldableLoad(in.op) && c.op == opI64Const && add.op == opI64Add && wrap.op == opI32WrapI64 &&
			c.konst >= 0 && c.konst < maxFold && in.offset+uint64(c.konst) < 1<<32 {
			rep := []byte{opI32WrapI64}
			rep = append(rep, b[in.start:in.memarg]...)
			rep = appendULEB(rep, in.align)
			rep = appendULEB(rep, in.offset+uint64(c.konst))
			if n := in.end - c.start; len(rep) <= n {
				copy(b[c.start:], rep)
				for j := c.start + len(rep); j < in.end; j++ {
					b[j] = opNop
				}
				folded++
				in.op = opNop // the folded load ends no pattern
			}
		}
		prev = [3]instr{prev[1], prev[2], in}
	}
	if r.err != nil {
		return 0, 0, r.err
	}
	return folded, fixed, nil
}

// StripNames returns the binary without its "name" custom section: what Go's
// -ldflags=-s leaves out, dropped after Fold has used it.
func StripNames(wasm []byte) ([]byte, error) {
	if len(wasm) < 8 || !bytes.Equal(wasm[:4], []byte("\x00asm")) {
		return nil, errors.New("wasmfold: not a WebAssembly binary")
	}
	out := append([]byte(nil), wasm[:8]...)
	r := &reader{b: wasm, pos: 8}
	for r.pos < len(wasm) && r.err == nil {
		start := r.pos
		id := r.byte()
		size := int(r.u32())
		body := r.pos
		r.skip(size)
		if r.err != nil {
			break
		}
		if id == 0 {
			sec := &reader{b: wasm[:r.pos], pos: body}
			n := int(sec.u32())
			sec.skip(n)
			if sec.err == nil && string(wasm[sec.pos-n:sec.pos]) == "name" {
				continue
			}
		}
		out = append(out, wasm[start:r.pos]...)
	}
	return out, r.err
}
