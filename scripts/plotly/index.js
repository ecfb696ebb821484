// The trace types the pages draw (grep static/js for `type:`), on Plotly's core: nothing more.
// None of them is a regl (WebGL) trace, the only ones the strict bundle swaps for code without
// `new Function`; scripts/build-plotly checks the output for eval all the same.
"use strict";

const Plotly = require("plotly.js/lib/core");
require("./parent-index"); // a slice's parent found by id, not by walking every sector

Plotly.register([
  require("plotly.js/lib/scatter"), // events timeline
  require("plotly.js/lib/bar"), // a node's capacity, allocatable and requested
  require("plotly.js/lib/treemap"), // the overview
  require("plotly.js/lib/sunburst"), // the workload hierarchy, a node's cgroup tree
  require("plotly.js/lib/sankey"), // service chains
  require("plotly.js/lib/heatmap"), // headroom: nodes against resources
]);

module.exports = Plotly;
