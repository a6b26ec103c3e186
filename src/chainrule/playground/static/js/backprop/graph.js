// Draws a traced formula as a computational graph in SVG, at one step of the forward/backward walk.
// Edges carry the lecture pictures' numbers: the forward value above (green), the gradient below (red); during
// a backward step the active edges read "upstream × local = gradient".
import { svg, fmt } from "../common/dom.js";

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
  const { column, row } = trace.layout;
  const cols = Math.max(...column) + 1;
  const rows = Math.max(...row) + 1;
  const width = MARGIN * 2 + (cols - 1) * COL + 110;
  const height = MARGIN * 2 + (rows - 1) * ROW;
  const x = (id) => MARGIN + column[id] * COL;
  const y = (id) => MARGIN + row[id] * ROW;
  const radius = (n) => (n.kind === "op" ? R : 0);
  const halfWidth = (n) => (n.kind === "op" ? R : Math.max(18, 5 + 4.5 * n.label.length));
  const s = stateAt(trace, step);
  root.setAttribute("width", width);
  root.setAttribute("height", height);
  root.setAttribute("viewBox", `0 0 ${width} ${height}`);
  const parts = [];
  const labels = []; // drawn last, over the nodes

  for (const e of trace.edges) {
    const a = trace.nodes[e.from], b = trace.nodes[e.to];
    const fanIn = trace.edges.filter((f) => f.to === e.to).sort((p, q) => y(p.from) - y(q.from));
    const spread = fanIn.length > 1 ? (fanIn.indexOf(e) / (fanIn.length - 1) - 0.5) * R * 1.1 : 0;
    const x1 = x(a.id) + halfWidth(a), y1 = y(a.id), x2 = x(b.id) - radius(b) - 2, y2 = y(b.id) + spread;
    const mx = (x1 + x2) / 2;
    const active = s.activeEdges.has(e.id);
    parts.push(svg("path", {
      class: `edge${active ? " active" : ""}`, "data-edge": e.id, "marker-end": "url(#arrow)",
      d: `M${x1},${y1} C${mx},${y1} ${mx},${y2} ${x2},${y2}`,
    }));
    const lx = x1 + (x2 - x1) * 0.4, ly = y1 + (y2 - y1) * 0.4;
    if (s.known.has(a.id)) {
      labels.push(svg("text", { class: "value", x: lx, y: ly - 7, "text-anchor": "middle", "data-edge-value": e.id }, fmt(a.value)));
    }
    if (s.edgesDone.has(e.id) && e.grad !== null) {  // a constant's edge carries no gradient
      const text = active ? `${fmt(e.upstream)} × ${fmt(e.local)} = ${fmt(e.grad)}` : fmt(e.grad);
      labels.push(svg("text", { class: active ? "grad product" : "grad", x: lx, y: ly + 16, "text-anchor": "middle", "data-edge-grad": e.id }, text));
    }
  }

  // The output's own edge: its value above, its gradient (1) below, as in the lectures.
  const out = trace.nodes[trace.output];
  const ox = x(out.id) + halfWidth(out), oy = y(out.id);
  parts.push(svg("path", { class: "edge", d: `M${ox},${oy} L${ox + 70},${oy}` }));
  parts.push(svg("text", { x: ox + 76, y: oy + 5, class: "label" }, "f"));
  if (s.known.has(out.id)) parts.push(svg("text", { class: "value", x: ox + 34, y: oy - 7, "text-anchor": "middle", "data-output-value": "" }, fmt(out.value)));
  if (s.graded.has(out.id)) parts.push(svg("text", { class: "grad", x: ox + 34, y: oy + 16, "text-anchor": "middle" }, fmt(out.grad)));

  for (const n of trace.nodes) {
    const cls = `node ${n.kind}${s.active === n.id ? " active" : ""}`;
    const shape = n.kind === "op"
      ? svg("circle", { cx: x(n.id), cy: y(n.id), r: R })
      : svg("rect", { x: x(n.id) - halfWidth(n), y: y(n.id) - 14, width: 2 * halfWidth(n), height: 28, rx: 4 });
    const group = svg("g", { class: cls, "data-node": n.id, "data-name": n.kind === "input" ? n.label : null },
      shape, svg("text", { class: "label", x: x(n.id), y: y(n.id) }, n.label), svg("title", {}, n.text));
    if (n.kind === "input") {  // a variable also shows its total gradient under its box (fan-out adds up)
      parts.push(svg("text", { class: "value", x: x(n.id) - halfWidth(n) - 6, y: y(n.id) + 5, "text-anchor": "end" }, `${fmt(n.value)}`));
      if (s.graded.has(n.id)) {
        parts.push(svg("text", { class: "grad node-grad", x: x(n.id), y: y(n.id) + 32, "text-anchor": "middle", "data-node-grad": n.label }, fmt(n.grad)));
      }
    }
    parts.push(group);
  }
  const defs = svg("defs", {}, svg("marker", { id: "arrow", viewBox: "0 0 10 10", refX: 9, refY: 5, markerWidth: 9, markerHeight: 9, markerUnits: "userSpaceOnUse", orient: "auto-start-reverse" },
    svg("path", { d: "M0,0 L10,5 L0,10 z", fill: "#555" })));
  root.replaceChildren(defs, ...parts, ...labels);
  return s;
}
