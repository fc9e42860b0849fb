package wasmfold

import "fmt"

// instr is one decoded instruction: where it is and what Fold needs to know of it.
type instr struct {
	start, end int
	op         uint32 // the opcode; prefixed ones as prefix<<16 | sub-opcode
	konst      int64  // i64.const's value
	// For loads and stores: the memarg's alignment and offset, and where the
	// memarg starts (the opcode's bytes end there).
	align, offset uint64
	memarg        int
}

const (
	opEnd        = 0x0b
	opI64Const   = 0x42
	opI64Add     = 0x7c
	opI32WrapI64 = 0xa7
	opNop        = 0x01
	prefixFC     = 0xfc
	prefixSIMD   = 0xfd
)

// isFoldableLoad reports whether op is a load whose address may absorb a constant:
// the scalar loads (i32.load .. i64.load32_u) and the v128 loads, splats and
// zero-extending loads. Lane loads also carry a lane byte after the memarg and are
// left alone, as are stores (their address is not next to the store).
func isFoldableLoad(op uint32) bool {
	switch {
	case op >= 0x28 && op <= 0x35:
		return true
	case op >= prefixSIMD<<16 && op <= prefixSIMD<<16|10:
		return true
	case op == prefixSIMD<<16|92 || op == prefixSIMD<<16|93:
		return true
	}
	return false
}

// blockType skips a block type: empty, a value type, or a type index (s33).
func (r *reader) blockType() {
	if r.pos < len(r.b) {
		switch c := r.b[r.pos]; {
		case c == 0x40 || (c >= 0x6f && c <= 0x7f):
			r.pos++
			return
		}
	}
	r.sleb(33)
}

// next decodes the instruction at r.pos. It knows the MVP, the sign-extension,
// saturating-truncation, bulk-memory, reference-type and SIMD (incl. relaxed)
// instructions; anything else is an error, and the caller leaves the function as it is.
func (r *reader) next() (instr, error) {
	in := instr{start: r.pos}
	op := uint32(r.byte())
	switch {
	case op == 0x02 || op == 0x03 || op == 0x04: // block, loop, if
		r.blockType()
	case op == 0x0c || op == 0x0d: // br, br_if
		r.u32()
	case op == 0x0e: // br_table
		n := r.u32()
		for i := uint32(0); i <= n && r.err == nil; i++ {
			r.u32()
		}
	case op == 0x10: // call
		r.u32()
	case op == 0x11: // call_indirect
		r.u32()
		r.u32()
	case op == 0x1c: // select t*
		n := r.u32()
		r.skip(int(n))
	case op >= 0x20 && op <= 0x26: // local.*, global.*, table.get/set
		r.u32()
	case op >= 0x28 && op <= 0x3e: // loads and stores
		in.memarg = r.pos
		in.align, in.offset = r.uleb(32), r.uleb(32)
	case op == 0x3f || op == 0x40: // memory.size, memory.grow
		r.byte()
	case op == 0x41:
		r.sleb(32)
	case op == opI64Const:
		in.konst = r.sleb(64)
	case op == 0x43:
		r.skip(4)
	case op == 0x44:
		r.skip(8)
	case op == 0xd0: // ref.null t
		r.byte()
	case op == 0xd2: // ref.func
		r.u32()
	case op == prefixFC:
		sub := r.u32()
		op = prefixFC<<16 | sub
		switch {
		case sub <= 7:
		case sub == 8: // memory.init
			r.u32()
			r.byte()
		case sub == 9, sub == 13, sub >= 15 && sub <= 17:
			r.u32()
		case sub == 10:
			r.byte()
			r.byte()
		case sub == 11:
			r.byte()
		case sub == 12, sub == 14:
			r.u32()
			r.u32()
		default:
			return in, fmt.Errorf("wasmfold: unknown instruction 0xfc %d at byte %d", sub, in.start)
		}
	case op == prefixSIMD:
		sub := r.u32()
		op = prefixSIMD<<16 | sub
		switch {
		case sub <= 11, sub == 92, sub == 93: // loads, v128.store
			in.memarg = r.pos
			in.align, in.offset = r.uleb(32), r.uleb(32)
		case sub == 12, sub == 13: // v128.const, i8x16.shuffle
			r.skip(16)
		case sub >= 21 && sub <= 34: // extract/replace lane
			r.byte()
		case sub >= 84 && sub <= 91: // load/store lane
			in.memarg = r.pos
			in.align, in.offset = r.uleb(32), r.uleb(32)
			r.byte()
		case sub <= 0x113: // the rest of SIMD and relaxed SIMD take no immediates
		default:
			return in, fmt.Errorf("wasmfold: unknown instruction 0xfd %d at byte %d", sub, in.start)
		}
	case op == 0x00 || op == 0x01 || op == 0x05 || op == opEnd || op == 0x0f ||
		op == 0x1a || op == 0x1b || op == 0xd1 || (op >= 0x45 && op <= 0xc4):
		// no immediates
	default:
		return in, fmt.Errorf("wasmfold: unknown opcode 0x%02x at byte %d", op, in.start)
	}
	in.op, in.end = op, r.pos
	return in, r.err
}
