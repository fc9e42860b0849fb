//go:build goexperiment.simd

#include "textflag.h"

// func pwRow4x8(d, a *int16, tiles, kb, nb int, panel *int8, kpairs int, mb *float32)
//
// pwTile4x8 (pointwise_wasm.s) over `tiles` consecutive 4-pixel tiles in one call:
// pixel r of a tile reads a + r*kb bytes and writes d + r*nb (kb = 2K, nb = 2N), and
// each tile starts 4 pixels after the last. The same k-pair step (1 weight load, 2
// widenings, 4 activation-pair splats, 8 i32x4.dot_i16x8_s + 8 adds); the epilogue
// keeps m and b in V12..V15 and clamps to 0..255 by narrowing (i16x8.narrow_i32x4_s,
// then i8x16.narrow_i16x8_u widened back), so no constant vector is needed.
// Locals: R0..R3 pixel pointers, R4 panel pointer, R5 k pairs left, R8 tile input,
// R9 kb, R10 panel, R11 kpairs, R12 tile output, R13 nb, R14 tiles left.
TEXT ·pwRow4x8(SB), NOSPLIT, $0-64
	Get SP
	I64Load d+0(FP)
	Set R12
	Get SP
	I64Load a+8(FP)
	Set R8
	Get SP
	I64Load tiles+16(FP)
	Set R14
	Get SP
	I64Load kb+24(FP)
	Set R9
	Get SP
	I64Load nb+32(FP)
	Set R13
	Get SP
	I64Load panel+40(FP)
	Set R10
	Get SP
	I64Load kpairs+48(FP)
	Set R11
	Get SP
	I64Load mb+56(FP)
	Set R6
	Get R6
	I32WrapI64
	V128Load $0
	Set V12
	Get R6
	I32WrapI64
	V128Load $16
	Set V13
	Get R6
	I32WrapI64
	V128Load $32
	Set V14
	Get R6
	I32WrapI64
	V128Load $48
	Set V15

	Loop
	Get R8
	Set R0
	Get R0
	Get R9
	I64Add
	Set R1
	Get R1
	Get R9
	I64Add
	Set R2
	Get R2
	Get R9
	I64Add
	Set R3
	Get R10
	Set R4
	Get R11
	Set R5
	I32Const $0
	I32x4Splat
	Tee V0
	Tee V1
	Tee V2
	Tee V3
	Tee V4
	Tee V5
	Tee V6
	Set V7
	Loop
	Get R4
	I32WrapI64
	V128Load $0
	Tee V8
	I16x8ExtendLowI8x16S
	Set V9
	Get V8
	I16x8ExtendHighI8x16S
	Set V10
	Get R0
	I32WrapI64
	I32Load $0
	I32x4Splat
	Tee V11
	Get V9
	I32x4DotI16x8S
	Get V0
	I32x4Add
	Set V0
	Get V11
	Get V10
	I32x4DotI16x8S
	Get V1
	I32x4Add
	Set V1
	Get R1
	I32WrapI64
	I32Load $0
	I32x4Splat
	Tee V11
	Get V9
	I32x4DotI16x8S
	Get V2
	I32x4Add
	Set V2
	Get V11
	Get V10
	I32x4DotI16x8S
	Get V3
	I32x4Add
	Set V3
	Get R2
	I32WrapI64
	I32Load $0
	I32x4Splat
	Tee V11
	Get V9
	I32x4DotI16x8S
	Get V4
	I32x4Add
	Set V4
	Get V11
	Get V10
	I32x4DotI16x8S
	Get V5
	I32x4Add
	Set V5
	Get R3
	I32WrapI64
	I32Load $0
	I32x4Splat
	Tee V11
	Get V9
	I32x4DotI16x8S
	Get V6
	I32x4Add
	Set V6
	Get V11
	Get V10
	I32x4DotI16x8S
	Get V7
	I32x4Add
	Set V7
	Get R0
	I64Const $4
	I64Add
	Set R0
	Get R1
	I64Const $4
	I64Add
	Set R1
	Get R2
	I64Const $4
	I64Add
	Set R2
	Get R3
	I64Const $4
	I64Add
	Set R3
	Get R4
	I64Const $16
	I64Add
	Set R4
	Get R5
	I64Const $1
	I64Sub
	Tee R5
	I64Eqz
	I32Eqz
	BrIf $0
	End
	Get R12
	Set R0
	Get R0
	I32WrapI64
	Get V0
	F32x4ConvertI32x4S
	Get V12
	F32x4Mul
	Get V14
	F32x4Add
	F32x4Nearest
	I32x4TruncSatF32x4S
	Get V1
	F32x4ConvertI32x4S
	Get V13
	F32x4Mul
	Get V15
	F32x4Add
	F32x4Nearest
	I32x4TruncSatF32x4S
	I16x8NarrowI32x4S
	Tee V11
	Get V11
	I8x16NarrowI16x8U
	I16x8ExtendLowI8x16U
	V128Store $0
	Get R0
	Get R13
	I64Add
	Set R0
	Get R0
	I32WrapI64
	Get V2
	F32x4ConvertI32x4S
	Get V12
	F32x4Mul
	Get V14
	F32x4Add
	F32x4Nearest
	I32x4TruncSatF32x4S
	Get V3
	F32x4ConvertI32x4S
	Get V13
	F32x4Mul
	Get V15
	F32x4Add
	F32x4Nearest
	I32x4TruncSatF32x4S
	I16x8NarrowI32x4S
	Tee V11
	Get V11
	I8x16NarrowI16x8U
	I16x8ExtendLowI8x16U
	V128Store $0
	Get R0
	Get R13
	I64Add
	Set R0
	Get R0
	I32WrapI64
	Get V4
	F32x4ConvertI32x4S
	Get V12
	F32x4Mul
	Get V14
	F32x4Add
	F32x4Nearest
	I32x4TruncSatF32x4S
	Get V5
	F32x4ConvertI32x4S
	Get V13
	F32x4Mul
	Get V15
	F32x4Add
	F32x4Nearest
	I32x4TruncSatF32x4S
	I16x8NarrowI32x4S
	Tee V11
	Get V11
	I8x16NarrowI16x8U
	I16x8ExtendLowI8x16U
	V128Store $0
	Get R0
	Get R13
	I64Add
	Set R0
	Get R0
	I32WrapI64
	Get V6
	F32x4ConvertI32x4S
	Get V12
	F32x4Mul
	Get V14
	F32x4Add
	F32x4Nearest
	I32x4TruncSatF32x4S
	Get V7
	F32x4ConvertI32x4S
	Get V13
	F32x4Mul
	Get V15
	F32x4Add
	F32x4Nearest
	I32x4TruncSatF32x4S
	I16x8NarrowI32x4S
	Tee V11
	Get V11
	I8x16NarrowI16x8U
	I16x8ExtendLowI8x16U
	V128Store $0
	Get R8
	Get R9
	I64Const $2
	I64Shl
	I64Add
	Set R8
	Get R12
	Get R13
	I64Const $2
	I64Shl
	I64Add
	Set R12
	Get R14
	I64Const $1
	I64Sub
	Tee R14
	I64Eqz
	I32Eqz
	BrIf $0
	End
	RET
