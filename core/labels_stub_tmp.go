package core

import "fmt"

// Label is replaced by the embedded ImageNet names (labels.go).
func Label(i int) string { return fmt.Sprint(i) }
