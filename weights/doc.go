// Package weights loads MobileNet v1 weights into a *core.Weights (alpha, trained
// input size, 28 layers with BatchNorm folded in) that passes Check:
//
//   - Load takes a .mnw file, a TF.js layers-model directory or model.json path,
//     or an http(s) URL of either;
//   - LoadInt8 is Load for the int8 network, into a *core.Int8Weights: an int8
//     .mnw as stored, any other model quantized (the CLI and the root package's
//     WithPrecision("int8"));
//   - ParseTFJS reads a TF.js model.json and its shards through a caller's reader
//     (the browser worker fetches them);
//   - DecodePacked and EncodePacked read and write the packed .mnw format
//     (float32 or float16 storage), implemented by the subpackage weights/mnw,
//     which imports no JSON or networking so the browser's classifier stays small.
//
// Bad input gives an error naming the file (or URL) and the problem; nothing
// panics. README.md in this directory describes the formats, their bounds and
// which paths and URLs a model may name.
package weights
