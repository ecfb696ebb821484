// Plotly's sunburst and treemap find each slice's parent, to write its label, by walking the
// whole hierarchy and copying the subtree found (helpers.getParent → findEntryWithLevel): n
// sectors cost n², over a second a draw for the ~2,500 sectors of a 5,000-node cluster's
// workloads. The parent is only read (its value and label, for a label or a hover), so an index
// of each hierarchy's nodes by id, built once per hierarchy, answers the same in constant time.
"use strict";

const helpers = require("plotly.js/src/traces/sunburst/helpers");

const indexes = new WeakMap();

function nodesById(hierarchy) {
  let index = indexes.get(hierarchy);
  if (!index) {
    index = new Map();
    hierarchy.each((node) => {
      const id = helpers.getPtId(node);
      if (!index.has(id)) index.set(id, node);
    });
    indexes.set(hierarchy, index);
  }
  return index;
}

helpers.getParent = function (hierarchy, pt) {
  const id = pt.data.data.pid;
  return (id && nodesById(hierarchy).get(id)) || hierarchy;
};
