//go:build goexperiment.simd && wasm

package kernels

// UseGenericKernels points dispatch at the plain-Go references until restore is
// called, so a test can run the same packed model through both kernel sets.
func UseGenericKernels() (restore func()) {
	conv, dw, pw := conv3x3Impl, dwImpl, pwImpl
	conv3x3Impl, dwImpl, pwImpl = Conv3x3Generic, Depthwise3x3Generic, PointwiseGeneric
	return func() { conv3x3Impl, dwImpl, pwImpl = conv, dw, pw }
}
