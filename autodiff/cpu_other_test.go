//go:build !unix

package autodiff_test

import "time"

// cpuTime is not measured on this system; the cpu metrics then read 0.
func cpuTime() time.Duration { return 0 }
