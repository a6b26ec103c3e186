// The network picture: a thumbnail per input feature and neuron, a curve per connection (width and colour by
// weight), the +/− and activation controls of each hidden layer, and a tooltip with each part's numbers.
import { el, svg, fmt, base64Bytes } from "../common/dom.js";
import { css, paintGrid } from "../common/colors.js";
import { label } from "./controls.js";

const NODE = 36; // px, a thumbnail's side
const GAP = 12; // px between thumbnails in a column
const TOP = 58; // px above the first thumbnail: room for the layer heads
const LEFT = 70; // px for the feature labels

export class NetworkView {
  /** onChange(config) proposes a new structure (features, hidden sizes, activations). */
  constructor(container, tooltip, onChange) {
    this.container = container;
    this.tooltip = tooltip;
    this.onChange = onChange;
    this.config = null;
    this.options = null;
    this.frame = null;
    this.featureMeans = {};
    this.hovered = null; // {kind: "node" | "link", layer, index, from}
    this.structure = "";
    new ResizeObserver(() => this.config && this.build(true)).observe(container);
  }

  /** Redraw the skeleton when the structure changed (or `force`). */
  setConfig(config, options) {
    this.config = config;
    this.options = options;
    this.build(false);
  }

  setData(data) {
    this.featureGrids = data.features;
    this.featureMeans = data.feature_means;
    this.gridSize = data.grid;
    this.paintFeatures();
  }

  build(force) {
    const c = this.config;
    const key = JSON.stringify([c.features, c.hidden, c.activations, this.container.clientWidth]);
    if (!force && key === this.structure) return;
    this.structure = key;
    const featureNames = Object.keys(this.options.features);
    const columns = [featureNames, ...c.hidden.map((n) => Array.from({ length: n }, (_, j) => j)), [0]];
    const width = Math.max(this.container.clientWidth, 360);
    const step = (width - LEFT - NODE - 10) / (columns.length - 1);
    const x = (col) => LEFT + col * step;
    const y = (row) => TOP + row * (NODE + GAP);
    const height = y(Math.max(...columns.map((col) => col.length))) + 10;
    this.container.style.height = `${height}px`;
    this.position = { x, y };

    const links = svg("svg", { class: "links", width, height });
    const nodes = [];
    const heads = [];
    this.links = [];
    this.nodes = [];
    // Connections: layer l (1-based over Linear layers) joins column l-1 to column l.
    for (let l = 1; l < columns.length; l++) {
      const sources = l === 1 ? c.features.map((name) => featureNames.indexOf(name)) : columns[l - 1].map((_, i) => i);
      columns[l].forEach((_, j) => {
        sources.forEach((row, i) => {
          const x1 = x(l - 1) + NODE, y1 = y(row) + NODE / 2, x2 = x(l), y2 = y(j) + NODE / 2;
          const d = `M${x1},${y1} C${(x1 + x2) / 2},${y1} ${(x1 + x2) / 2},${y2} ${x2},${y2}`;
          const path = svg("path", { class: "link", d, stroke: "#ccc", "stroke-width": 1 });
          const hit = svg("path", { class: "link-hit", d, stroke: "transparent", "stroke-width": 8, fill: "none" });
          const info = { kind: "link", layer: l - 1, to: j, from: i, path };
          for (const target of [path, hit]) this.hoverable(target, info);
          links.append(path, hit);
          this.links.push(info);
        });
      });
    }
    // Input features: click to switch on or off.
    this.featureCanvases = {};
    featureNames.forEach((name, row) => {
      const on = c.features.includes(name);
      const canvas = el("canvas");
      const node = el("div", { class: `node feature${on ? "" : " off"}`, title: on ? "" : "switched off: click to use" }, canvas);
      place(node, x(0), y(row), NODE);
      node.addEventListener("click", () => this.toggleFeature(name));
      this.hoverable(node, { kind: "feature", name });
      const text = el("div", { class: "node-label" }, this.options.features[name]);
      text.style.right = `${width - x(0) + 6}px`;
      text.style.top = `${y(row) + NODE / 2 - 8}px`;
      nodes.push(node, text);
      this.featureCanvases[name] = canvas;
    });
    // Hidden neurons and the output.
    this.neuronCanvases = [];
    for (let l = 1; l < columns.length; l++) {
      const canvases = [];
      columns[l].forEach((_, j) => {
        const canvas = el("canvas");
        const node = el("div", { class: "node neuron" }, canvas);
        place(node, x(l), y(j), NODE);
        const info = { kind: "node", layer: l - 1, index: j, node };
        this.hoverable(node, info);
        this.nodes.push(info);
        nodes.push(node);
        canvases.push(canvas);
      });
      this.neuronCanvases.push(canvases);
      heads.push(l < columns.length - 1 ? this.layerHead(l - 1, x(l)) : this.outputHead());
    }
    this.container.replaceChildren(links, ...nodes, ...heads);
    const n = c.hidden.length;
    document.getElementById("layer-count").textContent = `${n} hidden layer${n === 1 ? "" : "s"}`;
    document.getElementById("add-layer").disabled = c.hidden.length >= 6;
    document.getElementById("remove-layer").disabled = c.hidden.length === 0;
    this.paintFeatures();
    if (this.frame) this.update(this.frame);
  }

  layerHead(layer, left) {
    const c = this.config;
    const n = c.hidden[layer];
    const plus = el("button", { type: "button", title: "add a neuron", disabled: n >= 8 }, "+");
    const minus = el("button", { type: "button", title: "remove a neuron", disabled: n <= 1 }, "−");
    plus.addEventListener("click", () => this.resize(layer, n + 1));
    minus.addEventListener("click", () => this.resize(layer, n - 1));
    const select = el("select", { title: "activation of this layer" },
      ...this.options.activations.map((a) => el("option", { value: a }, a === "relu" ? "ReLU" : a)));
    select.value = c.activations[layer];
    select.addEventListener("change", () => {
      const activations = [...c.activations];
      activations[layer] = select.value;
      this.onChange({ ...c, activations });
    });
    const head = el("div", { class: "layer-head" }, el("div", { class: "pm" }, plus, minus),
      `${n} neuron${n === 1 ? "" : "s"}`, select);
    place(head, left - 14, 0, null);
    return head;
  }

  outputHead() {
    const head = el("div", { class: "layer-head output" }, el("span", {}, "output"),
      el("span", {}, this.config.problem === "classification" ? "sigmoid(logit)" : "linear"));
    head.style.right = "0px";
    head.style.top = "14px";
    return head;
  }

  resize(layer, n) {
    const hidden = [...this.config.hidden];
    hidden[layer] = n;
    this.onChange({ ...this.config, hidden });
  }

  addLayer() {
    const c = this.config;
    if (c.hidden.length >= 6) return;
    this.onChange({ ...c, hidden: [...c.hidden, c.hidden.at(-1) ?? 4],
      activations: [...c.activations, c.activations.at(-1) ?? "tanh"] });
  }

  removeLayer() {
    const c = this.config;
    if (!c.hidden.length) return;
    this.onChange({ ...c, hidden: c.hidden.slice(0, -1), activations: c.activations.slice(0, -1) });
  }

  toggleFeature(name) {
    const c = this.config;
    const features = c.features.includes(name) ? c.features.filter((f) => f !== name) : [...c.features, name];
    this.onChange({ ...c, features });
  }

  paintFeatures() {
    if (!this.featureGrids || !this.featureCanvases) return;
    for (const [name, canvas] of Object.entries(this.featureCanvases)) {
      const grid = this.featureGrids[name];
      if (grid) paintGrid(canvas, base64Bytes(grid), this.gridSize);
    }
  }

  /** Per frame: thumbnails, link widths and colours, and a live tooltip. */
  update(frame) {
    this.frame = frame;
    if (!this.neuronCanvases) return;
    const expected = [...this.config.hidden, 1];
    if (frame.layers.length !== expected.length || frame.layers.some((layer, l) => layer.bias.length !== expected[l])) {
      return; // a frame of the previous structure, still in flight
    }
    frame.neurons.forEach((layer, l) => layer.forEach((grid, j) => {
      const canvas = this.neuronCanvases[l]?.[j];
      if (canvas) paintGrid(canvas, base64Bytes(grid), frame.grid);
    }));
    const out = this.neuronCanvases.at(-1)[0];
    if (out) paintGrid(out, base64Bytes(frame.output), frame.grid);
    for (const link of this.links) {
      const w = frame.layers[link.layer].weight[link.to][link.from];
      link.path.setAttribute("stroke", css(w));
      link.path.setAttribute("stroke-width", (0.6 + Math.min(Math.abs(w), 5) * 1.5).toFixed(2));
    }
    if (this.hovered) this.showTooltip(this.hovered.info);
  }

  hoverable(target, info) {
    target.addEventListener("mouseenter", (event) => {
      this.hovered = { info, x: event.clientX, y: event.clientY };
      this.showTooltip(info);
    });
    target.addEventListener("mousemove", (event) => {
      if (this.hovered) { this.hovered.x = event.clientX; this.hovered.y = event.clientY; this.moveTooltip(); }
    });
    target.addEventListener("mouseleave", () => {
      this.hovered = null;
      this.tooltip.hidden = true;
      info.path?.classList.remove("hover");
    });
  }

  showTooltip(info) {
    const f = this.frame;
    const lines = [];
    if (info.kind === "feature") {
      const on = this.config.features.includes(info.name);
      lines.push(`<b>input ${this.options.features[info.name]}</b>`);
      if (on) lines.push(`value: mean over training data ${fmt(this.featureMeans?.[info.name])}`);
      lines.push(on ? "click to switch it off" : "switched off: click to use it");
    } else if (!f) {
      return;
    } else if (info.kind === "node") {
      const layer = f.layers[info.layer];
      const last = info.layer === f.layers.length - 1;
      const name = last ? "output" : `layer ${info.layer + 1}, neuron ${info.index + 1}`;
      const act = last ? (this.config.problem === "classification" ? "logit" : "output")
        : label(this.config.activations[info.layer]);
      lines.push(`<b>${name}</b>`);
      lines.push(`value: mean ${act} over training data ${fmt(layer.mean_output[info.index])}`);
      lines.push(`weight (bias) b = ${fmt(layer.bias[info.index])}`);
      lines.push(`gradient ∂L/∂b = ${fmt(layer.bias_grad[info.index])}`);
    } else {
      info.path.classList.add("hover");
      const layer = f.layers[info.layer];
      const w = layer.weight[info.to][info.from];
      const source = info.layer === 0
        ? this.options.features[this.config.features[info.from]] : `neuron ${info.layer}.${info.from + 1}`;
      const target = info.layer === f.layers.length - 1 ? "output" : `neuron ${info.layer + 1}.${info.to + 1}`;
      const mean = info.layer === 0 ? this.featureMeans?.[this.config.features[info.from]]
        : f.layers[info.layer - 1].mean_output[info.from];
      lines.push(`<b>${source} → ${target}</b>`);
      lines.push(`weight w = ${fmt(w)}`);
      lines.push(`gradient ∂L/∂w = ${fmt(layer.weight_grad[info.to][info.from])}`);
      lines.push(`value: w × mean input = ${fmt(w * (mean ?? 0))}`);
    }
    this.tooltip.innerHTML = lines.join("<br>");
    this.tooltip.hidden = false;
    this.moveTooltip();
  }

  moveTooltip() {
    if (!this.hovered) return;
    this.tooltip.style.left = `${this.hovered.x + 14}px`;
    this.tooltip.style.top = `${this.hovered.y + 14}px`;
  }
}

function place(node, left, top, size) {
  node.style.left = `${left}px`;
  node.style.top = `${top}px`;
  if (size) {
    node.style.width = `${size}px`;
    node.style.height = `${size}px`;
  }
}
