// Package q8 runs MobileNet v1 with 8-bit weights and activations (issue 12).
//
// The scheme, chosen so that no calibration data is needed:
//
//   - Weights (core.Int8Weights, made by Quantize): per output channel, symmetric
//     int8: w ≈ q·s[c] (BatchNorm already folded into the kernel, as core.Weights has it). s[c] is the fraction of
//     max|w[.,c]|/127 (1 down to 0.5) with the least squared rounding error, and the
//     rounding is then balanced so each channel's errors sum to at most half a step
//     (balanceRounding: with positive ReLU inputs a summed error is a bias shift).
//     On the 500 shared photos each step measured better than plain max-abs
//     rounding: 416 -> 420 top-1 (f32: 424). Biases stay float32: they are added
//     after the accumulator is scaled, so a channel with a tiny scale and a large
//     bias cannot overflow an int32.
//   - Activations after ReLU6 lie in [0, 6]: unsigned, scale ActScale = 6/255, zero
//     point 0, so the layer's clamp to [0, 255] is ReLU6 itself and zero padding is 0.
//     (10-bit activations, 6/1023, measured no better: the loss is the weights'.)
//   - Except between the depthwise and the pointwise layer of blocks 6..13 (the 14x14
//     and 7x7 ones at 224; Act7FirstBlock, actMax): there the depthwise layer
//     requantizes straight to 7 bits, scale Act7Scale = 6/127, clamp [0, 127], and the
//     pointwise layer takes that scale as its input's. Relaxed SIMD's
//     i32x4.relaxed_dot_i8x16_i7x16_add_s (16 multiply-adds, VNNI) is deterministic
//     only for a second operand in 0..127, and those pointwise layers hold about two
//     thirds of the 1x1 multiply-adds. 0.75-224, 500 shared photos, top-1: 7-bit
//     activations everywhere 414-416; 8 bits then halved 414; these layers only,
//     requantized directly, 423 whole image and 426 central crop (f32 424 and 427;
//     all-8-bit 420 and 428). The rule is by block index, so it holds at every alpha
//     and input size.
//   - The network input (x/127.5-1, in [-1, 1]) is symmetric int8 with scale 1/127
//     (InputScale): conv1 multiplies it like any other activation.
//   - The global average pool rounds the mean, half up, to PoolScale = ActScale/32
//     (5 more bits: a mean of 49 values has them; the classifier's int32 sums stay
//     below 2^30); the classifier's accumulators are scaled to float32 logits (no
//     clamp: logits have no fixed range and softmax wants floats).
//
// Every quantized value is stored as int16 in the activation buffers (0..255, 0..127,
// or -127..127 for the input): the wasm kernel multiplies int16 pairs
// (i32x4.dot_i16x8_s), so keeping them widened saves a widening per load.
//
// Requantization of a layer's int32 accumulator acc for output channel c is, in
// float32 arithmetic with each step rounded (no fused multiply-add):
//
//	v = float32(acc) * m[c] + b[c]      m[c] = sIn·s[c]/sOut, b[c] = bias[c]/sOut
//	q = clamp(roundHalfEven(v), 0, hi)  hi = 255 (sOut = ActScale) or 127 (Act7Scale)
//
// Every kernel (reference, wasm, amd64) computes exactly this, so their outputs are
// equal bit for bit.
package q8

//go:generate go run gen_asm.go
