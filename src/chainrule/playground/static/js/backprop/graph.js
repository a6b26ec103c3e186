// Draws a traced formula as a computational graph in SVG, at one step of the forward/backward walk.
// Edges carry the lecture pictures' numbers: the forward value above (green), the gradient below (red); during
// a backward step the active edges read "upstream × local = gradient". Labels are placed by labels.js where
// they overlap no node and no other label; the SVG is sized to what was drawn, so nothing is clipped.
import { svg, fmt } from "../common/dom.js";
import { placeLabels } from "./labels.js";

const COL = 170; // px between columns
const ROW = 84; // px between rows
const R = 22; // op node radius
const MARGIN = 60;

/** What is visible after `step` steps: forward values, node gradients, finished edges and the active parts. */
export function stateAt(trace, step) {
  const F = trace.forward.length;
  const known = new Set(trace.nodes.filter((n) => n.kind !== "op").map((n) => n.id));
  trace.forward.slice(0, Math.min(step, F)).forEach((id) => known.add(id));
  const done = Math.max(0, step - F);
  const graded = new Set();
  const edgesDone = new Set();
  trace.backward.slice(0, done).forEach((s) => {
    graded.add(s.node);
    s.complete.forEach((id) => graded.add(id));
    s.edges.forEach((id) => edgesDone.add(id));
  });
  let active = null, activeEdges = [];
  if (step > 0 && step <= F) {
    active = trace.forward[step - 1];
    activeEdges = trace.edges.filter((e) => e.to === active).map((e) => e.id);
  } else if (done > 0) {
    active = trace.backward[done - 1].node;
    activeEdges = trace.backward[done - 1].edges;
  }
  return { known, graded, edgesDone, active, activeEdges: new Set(activeEdges), phase: step <= F ? "forward" : "backward" };
}

export function drawGraph(root, trace, step) {
  // Spacing grows (and stays grown for this trace) until every label finds a free spot, at any step.
  const spacing = trace.spacing ?? (trace.spacing = { col: COL, row: ROW });
  let s = null;
  for (let attempt = 0; attempt < 4; attempt++) {
    const crowded = draw(root, trace, step, spacing);
    s = crowded.state;
    if (crowded.count === 0) break;
    spacing.col += 30;
    spacing.row += 12;
  }
  return s;
}

function draw(root, trace, step, spacing) {
  const { column, row } = trace.layout;
  const x = (id) => MARGIN + column[id] * spacing.col;
  const y = (id) => MARGIN + row[id] * spacing.row;
  const radius = (n) => (n.kind === "op" ? R : 0);
  const halfWidth = (n) => (n.kind === "op" ? R : Math.max(18, 5 + 4.5 * n.label.length));
  const s = stateAt(trace, step);
  const parts = [];
  const fixed = []; // elements that stay put: nodes, a variable's value and gradient, the output's numbers
  const movable = []; // edge labels, placed after drawing where they overlap nothing

  for (const e of trace.edges) {
    const a = trace.nodes[e.from], b = trace.nodes[e.to];
    const fanIn = trace.edges.filter((f) => f.to === e.to).sort((p, q) => y(p.from) - y(q.from) || p.id - q.id);
    const spread = fanIn.length > 1 ? (fanIn.indexOf(e) / (fanIn.length - 1) - 0.5) * R * 1.1 : 0;
    const x1 = x(a.id) + halfWidth(a), y1 = y(a.id), x2 = x(b.id) - radius(b) - 2, y2 = y(b.id) + spread;
    const mx = (x1 + x2) / 2;
    const active = s.activeEdges.has(e.id);
    const path = svg("path", {
      class: `edge${active ? " active" : ""}`, "data-edge": e.id, "marker-end": "url(#arrow)",
      d: `M${x1},${y1} C${mx},${y1} ${mx},${y2} ${x2},${y2}`,
    });
    parts.push(path);
    if (s.known.has(a.id)) {
      const text = svg("text", { class: "value", "text-anchor": "middle", "data-edge-value": e.id }, fmt(a.value));
      movable.push({ text, path, side: -1, rank: active ? 0 : 2 });
    }
    if (s.edgesDone.has(e.id) && e.grad !== null) {  // a constant's edge carries no gradient
      const label = active ? `${fmt(e.upstream)} × ${fmt(e.local)} = ${fmt(e.grad)}` : fmt(e.grad);
      const text = svg("text", { class: active ? "grad product" : "grad", "text-anchor": "middle", "data-edge-grad": e.id }, label);
      movable.push({ text, path, side: 1, rank: active ? 1 : 3 });
    }
  }

  // The output's own edge: its value above, its gradient (1) below, as in the lectures.
  const out = trace.nodes[trace.output];
  const ox = x(out.id) + halfWidth(out), oy = y(out.id);
  const long = Math.max(70, 8 * Math.max(fmt(out.value).length, fmt(out.grad).length) + 20); // 13px monospace
  parts.push(svg("path", { class: "edge", d: `M${ox},${oy} L${ox + long},${oy}` }));
  fixed.push(svg("text", { x: ox + long + 6, y: oy + 5, class: "label" }, "f"));
  if (s.known.has(out.id)) fixed.push(svg("text", { class: "value", x: ox + long / 2, y: oy - 7, "text-anchor": "middle", "data-output-value": "" }, fmt(out.value)));
  if (s.graded.has(out.id)) fixed.push(svg("text", { class: "grad", x: ox + long / 2, y: oy + 16, "text-anchor": "middle" }, fmt(out.grad)));

  for (const n of trace.nodes) {
    const cls = `node ${n.kind}${s.active === n.id ? " active" : ""}`;
    const shape = n.kind === "op"
      ? svg("circle", { cx: x(n.id), cy: y(n.id), r: R })
      : svg("rect", { x: x(n.id) - halfWidth(n), y: y(n.id) - 14, width: 2 * halfWidth(n), height: 28, rx: 4 });
    const group = svg("g", { class: cls, "data-node": n.id, "data-name": n.kind === "input" ? n.label : null },
      shape, svg("text", { class: "label", x: x(n.id), y: y(n.id) }, n.label), svg("title", {}, n.text));
    fixed.push(shape);
    if (n.kind === "input") {  // a variable also shows its total gradient under its box (fan-out adds up)
      fixed.push(svg("text", { class: "value", x: x(n.id) - halfWidth(n) - 6, y: y(n.id) + 5, "text-anchor": "end", "data-node-value": n.label }, `${fmt(n.value)}`));
      if (s.graded.has(n.id)) {
        fixed.push(svg("text", { class: "grad node-grad", x: x(n.id), y: y(n.id) + 32, "text-anchor": "middle", "data-node-grad": n.label }, fmt(n.grad)));
      }
    }
    parts.push(group);
  }
  const defs = svg("defs", {}, svg("marker", { id: "arrow", viewBox: "0 0 10 10", refX: 9, refY: 5, markerWidth: 9, markerHeight: 9, markerUnits: "userSpaceOnUse", orient: "auto-start-reverse" },
    svg("path", { d: "M0,0 L10,5 L0,10 z", fill: "#555" })));
  const loose = fixed.filter((e) => e.tagName === "text");
  movable.sort((p, q) => p.rank - q.rank);
  root.replaceChildren(defs, ...parts, ...loose, ...movable.map((m) => m.text));
  const count = placeLabels(fixed, movable);
  // The picture's size is what was drawn, with a margin: nothing at an edge is clipped (a long value left of
  // a variable, a label pushed above the top row).
  const box = root.getBBox();
  const left = Math.floor(box.x) - 8, top = Math.floor(box.y) - 8;
  const width = Math.ceil(box.x + box.width) + 8 - left, height = Math.ceil(box.y + box.height) + 8 - top;
  root.setAttribute("width", width);
  root.setAttribute("height", height);
  root.setAttribute("viewBox", `${left} ${top} ${width} ${height}`);
  return { state: s, count };
}
