// View 2: type a formula and its inputs; the server traces it with chainrule; step the forward pass node by
// node, then the backward pass, or run the whole pass.
import { el, fmt } from "../common/dom.js";
import { drawGraph } from "./graph.js";

const byId = (id) => document.getElementById(id);

async function post(path, body) {
  for (let attempt = 0; ; attempt++) {
    const response = await fetch(path, {
      method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body),
    });
    if (response.status === 503 && attempt < 5) { // the server is busy and said so at once: ask again soon
      await new Promise((resolve) => setTimeout(resolve, 200 * (attempt + 1)));
      continue;
    }
    const data = await response.json();
    return { ok: response.ok, data };
  }
}

export class BackpropView {
  constructor() {
    this.trace = null;
    this.step = 0;
    this.timer = null;
    this.values = { x: -2, y: 5, z: -4 };
    this.variables = [];
    this.parsed = null;
    this.started = false;
    this.tickets = { formula: 0, trace: 0 }; // only the newest answer of each kind is shown
    const formula = byId("formula");
    let pending = null;
    formula.addEventListener("input", () => {
      clearTimeout(pending);
      pending = setTimeout(() => this.refreshVariables(), 250);
    });
    byId("formula-form").addEventListener("submit", (event) => { event.preventDefault(); this.build(); });
    for (const button of document.querySelectorAll(".example")) {
      button.addEventListener("click", async () => {
        formula.value = button.dataset.formula;
        this.values = { ...this.values, ...JSON.parse(button.dataset.values) };
        await this.refreshVariables();
        await this.build();
      });
    }
    byId("bp-step").addEventListener("click", () => { this.stop(); this.go(this.step + 1); });
    byId("bp-back").addEventListener("click", () => { this.stop(); this.go(this.step - 1); });
    byId("bp-reset").addEventListener("click", () => { this.stop(); this.go(0); });
    byId("bp-run").addEventListener("click", () => this.run());
    this.go(0);
  }

  /** The first time the tab is shown: draw the default example; later: redraw (labels are measured, and a
   * hidden SVG measures nothing). */
  async shown() {
    if (this.started) { this.go(this.step); return; }
    this.started = true;
    await this.refreshVariables();
    await this.build();
  }

  get total() { return this.trace ? this.trace.forward.length + this.trace.backward.length : 0; }

  showError(message, position) {
    const box = byId("formula-error");
    if (!message) { box.hidden = true; return; }
    const text = byId("formula").value;
    box.textContent = position === null || position === undefined
      ? message : `${text}\n${" ".repeat(position)}^\n${message}`;
    box.hidden = false;
  }

  async refreshVariables() {
    const ticket = ++this.tickets.formula;
    const text = byId("formula").value;
    const { ok, data } = await post("/api/formula", { formula: text });
    if (ticket !== this.tickets.formula) return false; // a newer request is on its way
    if (!ok) { this.showError(data.error, data.position); return false; }
    this.showError(null);
    this.readValues();
    this.parsed = text; // the formula this.variables belong to
    this.variables = data.variables;
    byId("variables").replaceChildren(...data.variables.map((name) => {
      const input = el("input", { type: "number", step: "any", name, value: this.values[name] ?? 1, "data-variable": name });
      input.addEventListener("change", () => this.build());
      return el("label", {}, `${name} = `, input);
    }));
    return true;
  }

  readValues() {
    for (const input of byId("variables").querySelectorAll("input")) {
      if (input.value !== "") this.values[input.name] = Number(input.value);
    }
  }

  async build() {
    this.stop();
    this.readValues();
    const text = byId("formula").value;
    const ticket = ++this.tickets.trace;
    // Submitted (Enter) before the variables were read for this text: read them first, so a new variable
    // gets its input box and a value instead of a refused request.
    if (text !== this.parsed && !(await this.refreshVariables())) {
      if (ticket === this.tickets.trace) this.clear();
      return;
    }
    const values = Object.fromEntries(this.variables.map((v) => [v, this.values[v] ?? 1]));
    const { ok, data } = await post("/api/backprop", { formula: text, values });
    if (ticket !== this.tickets.trace) return; // a newer request is on its way
    if (!ok) {
      this.clear(); // no old graph left on screen as if it were this formula's
      this.showError(data.error, data.position);
      return;
    }
    this.showError(null);
    this.trace = data;
    this.go(0);
  }

  /** No graph: the formula on screen has none (yet). */
  clear() {
    this.trace = null;
    byId("graph").replaceChildren();
    byId("bp-table").tBodies[0].replaceChildren();
    byId("bp-explain").textContent = "";
    byId("bp-status").textContent = "";
    this.go(0);
  }

  go(step) {
    this.step = Math.max(0, Math.min(step, this.total));
    const t = this.trace;
    byId("bp-back").disabled = !t || this.step === 0;
    byId("bp-step").disabled = !t || this.step === this.total;
    byId("bp-run").disabled = !t || this.step === this.total;
    byId("bp-reset").disabled = !t || this.step === 0;
    if (!t) return;
    const state = drawGraph(byId("graph"), t, this.step);
    const F = t.forward.length;
    byId("bp-status").textContent = this.step <= F
      ? `forward pass: ${Math.min(this.step, F)} / ${F} nodes`
      : `backward pass: ${this.step - F} / ${t.backward.length} nodes`;
    this.explain(state);
    this.table(state);
  }

  explain(state) {
    const t = this.trace;
    const box = byId("bp-explain");
    const F = t.forward.length;
    if (this.step === 0) {
      box.innerHTML = `Inputs: ${t.variables.map((v) => `${v} = <span class="value">${fmt(t.values[v])}</span>`).join(", ")}. ` +
        "Press Step to compute the nodes one by one.";
      return;
    }
    const node = t.nodes[state.active];
    const inputs = t.edges.filter((e) => e.to === node.id).map((e) => fmt(t.nodes[e.from].value));
    if (this.step <= F) {
      box.innerHTML = `Forward: <code>${escape(node.text)}</code> = ${escape(gateText(node.label, inputs))} = ` +
        `<span class="value">${fmt(node.value)}</span>` + (this.step === F ? " — the output. Now step backward." : "");
      return;
    }
    const s = t.backward[this.step - F - 1];
    const parts = s.edges.filter((id) => t.edges[id].grad !== null).map((id) => {
      const e = t.edges[id];
      return `to <code>${escape(t.nodes[e.from].text)}</code>: <span class="grad">${fmt(e.upstream)} × ${fmt(e.local)} = ${fmt(e.grad)}</span>`;
    });
    box.innerHTML = `Backward at <code>${escape(node.text)}</code> (upstream gradient <span class="grad">${fmt(s.grad)}</span>)` +
      (parts.length ? `: upstream × local = gradient ${parts.join("; ")}` : "") +
      (this.step === this.total ? ". Done: every input has its gradient." : "");
  }

  table(state) {
    const t = this.trace;
    const rows = t.nodes.filter((n) => n.kind !== "const").map((n) => {
      const name = n.kind === "input" ? n.label : (n.id === t.output ? "f" : "");
      return el("tr", { "data-node": n.id, "data-name": name || null, class: state.active === n.id ? "active" : null },
        el("td", { class: "code" }, name || n.label),
        el("td", { class: "code" }, n.text),
        el("td", { class: "value" }, state.known.has(n.id) ? fmt(n.value) : ""),
        el("td", { class: "grad" }, state.graded.has(n.id) ? fmt(n.grad) : ""));
    });
    byId("bp-table").tBodies[0].replaceChildren(...rows);
  }

  run() {
    this.stop();
    if (this.step >= this.total) this.go(0);
    this.timer = setInterval(() => {
      if (this.step >= this.total) this.stop();
      else this.go(this.step + 1);
    }, Number(byId("bp-speed").value));
  }

  stop() {
    clearInterval(this.timer);
    this.timer = null;
  }
}

function gateText(label, inputs) {
  if (inputs.length === 2 && !/^[a-z]/.test(label)) return `${inputs[0]} ${label} ${inputs[1]}`;
  if (label.startsWith("**")) return `${inputs[0]}${label}`;
  if (label === "−" || label === "+") return `${label}(${inputs[0]})`;
  return `${label}(${inputs.join(", ")})`;
}

function escape(text) {
  return String(text).replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]);
}
