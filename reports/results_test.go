package reports

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestMachineString(t *testing.T) {
	base := Machine{GOOS: "linux", GOARCH: "amd64", CPU: "EPYC", NumCPU: 2, GOMAXPROCS: 2, GoVersion: "go1.26.8"}
	for _, tc := range []struct {
		name    string
		blas    string
		threads int
		want    string
	}{
		{"recorded before BLAS and threads", "", 0, "linux/amd64, EPYC, 2 CPUs (GOMAXPROCS 2), go1.26.8"},
		{"one thread", "gonum (pure Go)", 1, "linux/amd64, EPYC, 2 CPUs (GOMAXPROCS 2), go1.26.8, BLAS gonum (pure Go), 1 thread"},
		{"two threads", "OpenBLAS", 2, "linux/amd64, EPYC, 2 CPUs (GOMAXPROCS 2), go1.26.8, BLAS OpenBLAS, 2 threads"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := base
			m.BLAS, m.Threads = tc.blas, tc.threads
			assert.Equal(t, tc.want, m.String())
		})
	}
}
