// The int8 engines both `make bench` (bench/run.mjs) and `make bench-int8`
// (bench/int8.mjs) run: internal/q8's network in wasm, on dot_i16x8_s (the SIMD
// build) and with relaxed SIMD's 8-bit dot product (-tags relaxed), and natively.
import path from 'node:path';

// int8Wasm is each wasm build of wasm/bench the int8 rows load, and its row name.
export const int8Wasm = [
  { wasm: 'bench-simd.wasm', engine: 'ours int8 wasm dot16, Chromium Worker' },
  { wasm: 'bench-relaxed.wasm', engine: 'ours int8 wasm relaxed SIMD, Chromium Worker' },
];

// buildRelaxed builds out/bench-relaxed.wasm (fold it with the others after).
export function buildRelaxed(sh, go, out) {
  sh(go, ['build', '-tags', 'relaxed', '-o', path.join(out, 'bench-relaxed.wasm'), './wasm/bench'], { GOEXPERIMENT: 'simd', GOOS: 'js', GOARCH: 'wasm' });
}

// nativeInt8Engine names the native int8 rows after the kernel set gobench reports.
export const nativeInt8Engine = (impl) => `ours native int8 (Go, ${impl})`;

// quantized: rows whose logits are int8's, so their max |Δlogit| against the f32
// reference is the quantization error, reported but not held to the f32 tolerance.
export const quantized = (engine) => engine.includes(' int8 ');
