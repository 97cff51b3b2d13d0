// Package units prints measured quantities for nabla's tables and messages: durations in
// nanoseconds with three significant digits and a unit.
package units

import "fmt"

// FormatNs prints a duration in nanoseconds with three significant digits and a unit:
// "812ns", "4.31µs", "12.0ms", "3.20s".
func FormatNs(ns float64) string {
	switch {
	case ns < 1e3:
		return fmt.Sprintf("%.0fns", ns)
	case ns < 1e6:
		return sig3(ns/1e3) + "µs"
	case ns < 1e9:
		return sig3(ns/1e6) + "ms"
	}
	return sig3(ns/1e9) + "s"
}

func sig3(v float64) string {
	switch {
	case v < 10:
		return fmt.Sprintf("%.2f", v)
	case v < 100:
		return fmt.Sprintf("%.1f", v)
	}
	return fmt.Sprintf("%.0f", v)
}
