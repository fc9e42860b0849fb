package kernels

// UseGenericKernels makes Generic the active set until restore is called, so a test
// can run the same packed model through both.
func UseGenericKernels() (restore func()) {
	saved := active
	active = Generic()
	return func() { active = saved }
}
