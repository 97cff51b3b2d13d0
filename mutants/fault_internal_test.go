package mutants

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// Every catalogue entry carries its own hooks: a fault without them would be a second control.
func TestEveryFaultHasHooks(t *testing.T) {
	for _, f := range catalogue {
		assert.NotNil(t, f.hooks, f.Name)
		assert.NotSame(t, none, f.hooks, f.Name)
		assert.NotEqual(t, hooks{}, *f.hooks, f.Name) // compares fields set, funcs by presence
	}
}
