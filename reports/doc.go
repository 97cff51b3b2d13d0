// Package reports renders what nabla measured and checked: terminal and Markdown tables (via
// tablewriter), JSON with every figure, and SVG plots (via gonum/plot). It never measures;
// every renderer takes results computed elsewhere (package bench, gradients' cross-check), so
// that a report can be re-rendered from its JSON.
package reports
