//go:build goexperiment.simd

#include "textflag.h"

// func dwRow(out, src *int16, n, srcStep, outStep, rowBytes, cBytes int, k *int16, mb *float32)
//
// n interior output pixels of one 8-channel group of the int8 depthwise kernel.
// V0..V8 hold the group's 9 taps (8 int16 weights each); per pixel, each tap
// loads 8 activations and adds i32x4.extmul_{low,high}_i16x8_s into V9 (channels
// 0-3) and V10 (4-7). The epilogue requantizes (float32(acc)*m + b, round half
// even, truncate) and clamps to 0..255 by narrowing: i16x8.narrow_i32x4_s, then
// i8x16.narrow_i16x8_u (saturating at 0 and 255) widened back.
// Locals: R0 window top-left, R1 out, R2 pixels left, R3 srcStep, R4 outStep,
// R5 rowBytes, R6 cBytes.
TEXT ·dwRow(SB), NOSPLIT, $0-72
	Get SP
	I64Load src+8(FP)
	Set R0
	Get SP
	I64Load out+0(FP)
	Set R1
	Get SP
	I64Load n+16(FP)
	Set R2
	Get SP
	I64Load srcStep+24(FP)
	Set R3
	Get SP
	I64Load outStep+32(FP)
	Set R4
	Get SP
	I64Load rowBytes+40(FP)
	Set R5
	Get SP
	I64Load cBytes+48(FP)
	Set R6
	Get SP
	I64Load k+56(FP)
	Set R7
	Get R7
	I32WrapI64
	V128Load $0
	Set V0
	Get R7
	I32WrapI64
	V128Load $16
	Set V1
	Get R7
	I32WrapI64
	V128Load $32
	Set V2
	Get R7
	I32WrapI64
	V128Load $48
	Set V3
	Get R7
	I32WrapI64
	V128Load $64
	Set V4
	Get R7
	I32WrapI64
	V128Load $80
	Set V5
	Get R7
	I32WrapI64
	V128Load $96
	Set V6
	Get R7
	I32WrapI64
	V128Load $112
	Set V7
	Get R7
	I32WrapI64
	V128Load $128
	Set V8
	Get SP
	I64Load mb+64(FP)
	Set R7
	Get R7
	I32WrapI64
	V128Load $0
	Set V12
	Get R7
	I32WrapI64
	V128Load $16
	Set V13
	Get R7
	I32WrapI64
	V128Load $32
	Set V14
	Get R7
	I32WrapI64
	V128Load $48
	Set V15

	Loop
	I32Const $0
	I32x4Splat
	Tee V9
	Set V10
	Get R0
	Set R7
	Get R7
	I32WrapI64
	V128Load $0
	Tee V11
	Get V0
	I32x4ExtmulLowI16x8S
	Get V9
	I32x4Add
	Set V9
	Get V11
	Get V0
	I32x4ExtmulHighI16x8S
	Get V10
	I32x4Add
	Set V10
	Get R7
	Get R6
	I64Add
	I32WrapI64
	V128Load $0
	Tee V11
	Get V1
	I32x4ExtmulLowI16x8S
	Get V9
	I32x4Add
	Set V9
	Get V11
	Get V1
	I32x4ExtmulHighI16x8S
	Get V10
	I32x4Add
	Set V10
	Get R7
	Get R6
	I64Const $1
	I64Shl
	I64Add
	I32WrapI64
	V128Load $0
	Tee V11
	Get V2
	I32x4ExtmulLowI16x8S
	Get V9
	I32x4Add
	Set V9
	Get V11
	Get V2
	I32x4ExtmulHighI16x8S
	Get V10
	I32x4Add
	Set V10
	Get R7
	Get R5
	I64Add
	Set R7
	Get R7
	I32WrapI64
	V128Load $0
	Tee V11
	Get V3
	I32x4ExtmulLowI16x8S
	Get V9
	I32x4Add
	Set V9
	Get V11
	Get V3
	I32x4ExtmulHighI16x8S
	Get V10
	I32x4Add
	Set V10
	Get R7
	Get R6
	I64Add
	I32WrapI64
	V128Load $0
	Tee V11
	Get V4
	I32x4ExtmulLowI16x8S
	Get V9
	I32x4Add
	Set V9
	Get V11
	Get V4
	I32x4ExtmulHighI16x8S
	Get V10
	I32x4Add
	Set V10
	Get R7
	Get R6
	I64Const $1
	I64Shl
	I64Add
	I32WrapI64
	V128Load $0
	Tee V11
	Get V5
	I32x4ExtmulLowI16x8S
	Get V9
	I32x4Add
	Set V9
	Get V11
	Get V5
	I32x4ExtmulHighI16x8S
	Get V10
	I32x4Add
	Set V10
	Get R7
	Get R5
	I64Add
	Set R7
	Get R7
	I32WrapI64
	V128Load $0
	Tee V11
	Get V6
	I32x4ExtmulLowI16x8S
	Get V9
	I32x4Add
	Set V9
	Get V11
	Get V6
	I32x4ExtmulHighI16x8S
	Get V10
	I32x4Add
	Set V10
	Get R7
	Get R6
	I64Add
	I32WrapI64
	V128Load $0
	Tee V11
	Get V7
	I32x4ExtmulLowI16x8S
	Get V9
	I32x4Add
	Set V9
	Get V11
	Get V7
	I32x4ExtmulHighI16x8S
	Get V10
	I32x4Add
	Set V10
	Get R7
	Get R6
	I64Const $1
	I64Shl
	I64Add
	I32WrapI64
	V128Load $0
	Tee V11
	Get V8
	I32x4ExtmulLowI16x8S
	Get V9
	I32x4Add
	Set V9
	Get V11
	Get V8
	I32x4ExtmulHighI16x8S
	Get V10
	I32x4Add
	Set V10
	Get R1
	I32WrapI64
	Get V9
	F32x4ConvertI32x4S
	Get V12
	F32x4Mul
	Get V14
	F32x4Add
	F32x4Nearest
	I32x4TruncSatF32x4S
	Get V10
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
	Get R3
	I64Add
	Set R0
	Get R1
	Get R4
	I64Add
	Set R1
	Get R2
	I64Const $1
	I64Sub
	Tee R2
	I64Eqz
	I32Eqz
	BrIf $0
	End
	RET
