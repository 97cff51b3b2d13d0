package train_test

// exampleEngine is the test-only engine registered by the package's internal tests (the
// examples run in the same test binary); the CLI would use "backprop".
const exampleEngine = "test-backprop"
