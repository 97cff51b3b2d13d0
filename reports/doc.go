// Package reports renders what nabla measured and checked: terminal and Markdown tables (via
// tablewriter), JSON with every figure, and SVG plots (via gonum/plot). It never measures;
// every renderer takes results computed elsewhere (package bench, gradients' cross-check), so
// that a report can be re-rendered from its JSON.
//
// A report (Render, Write) is a list of Sections in order, each a heading, a Markdown body and
// the SVG figures it links, all rendered from a Results, the content of results.json. The
// built-in sections show the engines, the timings, the scaling study and the agreement; the
// lab's other studies keep their data in Results.Sections under their section's ID and add
// their sections with RegisterSection.
package reports
