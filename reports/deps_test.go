package reports_test

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestImportsNoEngine holds reports to its layer: it renders result types (package results)
// and imports no engine, directly or through bench. It reads `go list -deps`.
func TestImportsNoEngine(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go list")
	}
	out, err := exec.Command("go", "list", "-deps", "nabla/reports").CombinedOutput()
	require.NoError(t, err, string(out))
	deps := strings.Fields(string(out))
	require.Contains(t, deps, "nabla/results", "the list is read right")
	for _, engine := range []string{"nabla/numeric", "nabla/backprop", "nabla/symbolic", "nabla/autodiff", "nabla/bench"} {
		assert.NotContains(t, deps, engine, "reports imports %s", engine)
	}
}
