//go:build !unix

package train

import "time"

// processCPU is not measured on this system; it returns -1.
func processCPU() time.Duration { return -1 }
