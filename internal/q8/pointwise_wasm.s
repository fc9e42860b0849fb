//go:build goexperiment.simd

#include "textflag.h"

// func pwTile4x8(d0, d1, d2, d3, a0, a1, a2, a3 *int16, panel *int8, kpairs int, mb *float32)
//
// One register tile of the int8 pointwise kernel: 4 pixels x 8 output channels,
// 8 i32x4 accumulators V0..V7 (pixel r: V(2r) channels 0-3, V(2r+1) channels 4-7).
// Per k pair: one 16-byte weight load sign-extended to two i16x8 (channels 0-3 and
// 4-7, each [w(k,c), w(k+1,c)] pairs), and per pixel one 32-bit load of the
// activation pair (a[k], a[k+1]) splat to i32x4, then two i32x4.dot_i16x8_s + add.
// The epilogue requantizes (float32(acc)*m + b, round half even, clamp 0..255) and
// stores 8 int16 per pixel.
TEXT ·pwTile4x8(SB), NOSPLIT, $0-88
	Get SP
	I64Load a0+32(FP)
	Set R0
	Get SP
	I64Load a1+40(FP)
	Set R1
	Get SP
	I64Load a2+48(FP)
	Set R2
	Get SP
	I64Load a3+56(FP)
	Set R3
	Get SP
	I64Load panel+64(FP)
	Set R4
	Get SP
	I64Load kpairs+72(FP)
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

	// Requantize: V8, V9 = m (channels 0-3, 4-7); V10, V11 = b; V12 = 0; V13 = 255.
	Get SP
	I64Load mb+80(FP)
	Set R6
	Get R6
	I32WrapI64
	V128Load $0
	Set V8
	Get R6
	I32WrapI64
	V128Load $16
	Set V9
	Get R6
	I32WrapI64
	V128Load $32
	Set V10
	Get R6
	I32WrapI64
	V128Load $48
	Set V11
	I32Const $0
	I16x8Splat
	Set V12
	I32Const $255
	I16x8Splat
	Set V13
	Get SP
	I64Load d0+0(FP)
	I32WrapI64
	Get V0
	F32x4ConvertI32x4S
	Get V8
	F32x4Mul
	Get V10
	F32x4Add
	F32x4Nearest
	I32x4TruncSatF32x4S
	Get V1
	F32x4ConvertI32x4S
	Get V9
	F32x4Mul
	Get V11
	F32x4Add
	F32x4Nearest
	I32x4TruncSatF32x4S
	I16x8NarrowI32x4S
	Get V12
	I16x8MaxS
	Get V13
	I16x8MinS
	V128Store $0
	Get SP
	I64Load d1+8(FP)
	I32WrapI64
	Get V2
	F32x4ConvertI32x4S
	Get V8
	F32x4Mul
	Get V10
	F32x4Add
	F32x4Nearest
	I32x4TruncSatF32x4S
	Get V3
	F32x4ConvertI32x4S
	Get V9
	F32x4Mul
	Get V11
	F32x4Add
	F32x4Nearest
	I32x4TruncSatF32x4S
	I16x8NarrowI32x4S
	Get V12
	I16x8MaxS
	Get V13
	I16x8MinS
	V128Store $0
	Get SP
	I64Load d2+16(FP)
	I32WrapI64
	Get V4
	F32x4ConvertI32x4S
	Get V8
	F32x4Mul
	Get V10
	F32x4Add
	F32x4Nearest
	I32x4TruncSatF32x4S
	Get V5
	F32x4ConvertI32x4S
	Get V9
	F32x4Mul
	Get V11
	F32x4Add
	F32x4Nearest
	I32x4TruncSatF32x4S
	I16x8NarrowI32x4S
	Get V12
	I16x8MaxS
	Get V13
	I16x8MinS
	V128Store $0
	Get SP
	I64Load d3+24(FP)
	I32WrapI64
	Get V6
	F32x4ConvertI32x4S
	Get V8
	F32x4Mul
	Get V10
	F32x4Add
	F32x4Nearest
	I32x4TruncSatF32x4S
	Get V7
	F32x4ConvertI32x4S
	Get V9
	F32x4Mul
	Get V11
	F32x4Add
	F32x4Nearest
	I32x4TruncSatF32x4S
	I16x8NarrowI32x4S
	Get V12
	I16x8MaxS
	Get V13
	I16x8MinS
	V128Store $0
	RET
