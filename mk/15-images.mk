# Image preprocessing: core's crop + bilinear resize + x/127.5-1 checked against
# TensorFlow.js (tf.image.resizeBilinear, 'cpu' backend) under Node.
.PHONY: test-resize-tfjs
TEST_TARGETS += test-resize-tfjs

test-resize-tfjs: node_modules
	$(GO) test -count=1 ./tests/resize/
