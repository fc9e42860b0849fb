package core

import "math"

// Prediction is one class of a classification.
type Prediction struct {
	Index       int     `json:"index"`
	Label       string  `json:"label"`
	Probability float32 `json:"probability"`
}

// Softmax writes the softmax of logits into dst (len(dst) >= len(logits)), computed
// in float64 after subtracting the max so large logits do not overflow.
func Softmax(dst, logits []float32) {
	m := math.Inf(-1)
	for _, v := range logits {
		m = max(m, float64(v))
	}
	var sum float64
	for i, v := range logits {
		e := math.Exp(float64(v) - m)
		dst[i] = float32(e)
		sum += e
	}
	for i := range logits {
		dst[i] = float32(float64(dst[i]) / sum)
	}
}

// TopK appends the k most probable classes of probs to dst[:0], best first, and
// returns it; with cap(dst) >= k it allocates nothing. Ties keep the lower index first.
func TopK(dst []Prediction, probs []float32, k int) []Prediction {
	dst = dst[:0]
	k = min(k, len(probs))
	for i, p := range probs {
		if len(dst) == k && p <= dst[k-1].Probability {
			continue
		}
		if len(dst) < k {
			dst = append(dst, Prediction{})
		}
		j := len(dst) - 1
		for ; j > 0 && dst[j-1].Probability < p; j-- {
			dst[j] = dst[j-1]
		}
		dst[j] = Prediction{Index: i, Probability: p}
	}
	for i := range dst {
		dst[i].Label = Label(dst[i].Index)
	}
	return dst
}
