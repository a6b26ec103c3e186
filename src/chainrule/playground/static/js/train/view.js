// View 1: glue between the socket, the controls and the pictures. The server holds the truth; the page shows it.
import { el, fmt } from "../common/dom.js";
import { paintScale } from "../common/colors.js";
import { Connection } from "./connection.js";
import { Controls } from "./controls.js";
import { NetworkView } from "./network.js";
import { HeatMap } from "./heatmap.js";
import { LossChart } from "./losschart.js";

const byId = (id) => document.getElementById(id);

export class TrainView {
  constructor(banner) {
    this.banner = banner;
    this.config = null;
    this.running = false;
    this.frames = []; // arrival times of recent frames, for the frames-per-second figure
    this.connection = new Connection((m) => this.receive(m), (s, code) => this.status(s, code));
    this.controls = new Controls({
      onChange: (config) => this.send({ type: "config", config }),
      onPreset: (name) => this.send({ type: "preset", name }),
      onUpload: (file) => this.upload(file),
    });
    this.network = new NetworkView(byId("network"), byId("tooltip"), (config) => this.send({ type: "config", config }));
    this.heatmap = new HeatMap(byId("heatmap"));
    this.chart = new LossChart(byId("loss-chart"));
    byId("play").addEventListener("click", () => this.send({ type: this.running ? "pause" : "play" }));
    byId("step").addEventListener("click", () => this.send({ type: "step" }));
    byId("reset").addEventListener("click", () => { this.chart.clear(); this.send({ type: "reset" }); });
    byId("add-layer").addEventListener("click", () => this.network.addLayer());
    byId("remove-layer").addEventListener("click", () => this.network.removeLayer());
    byId("show-test").addEventListener("change", (e) => { this.heatmap.showTest = e.target.checked; this.heatmap.draw(); });
    byId("discretize").addEventListener("change", (e) => { this.heatmap.discrete = e.target.checked; this.heatmap.draw(); });
    this.legend();
  }

  connect() { this.connection.connect(); }

  shown() { if (this.config) this.network.build(true); }

  send(message) {
    if (!this.connection.open) {
      this.banner.show("Not connected to the playground server.", { label: "Reconnect", run: () => this.connect() });
      return;
    }
    this.connection.send(message);
  }

  status(state, code) {
    const badge = byId("connection");
    badge.textContent = { connecting: "connecting…", open: "connected", closed: "disconnected" }[state];
    badge.className = `connection ${state === "open" ? "ok" : state === "closed" ? "bad" : ""}`;
    if (state === "closed") {
      this.setRunning(false);
      if (code !== 4000) {
        this.banner.show("The connection to the playground server closed.", { label: "Reconnect", run: () => this.connect() });
      }
    }
  }

  receive(message) {
    switch (message.type) {
      case "hello":
        this.controls.setOptions(message.options, message.presets, message.limits);
        this.options = message.options;
        this.setConfig(message.config);
        this.banner.hide();
        break;
      case "config":
        this.banner.hide(); // the change went through: an earlier refusal no longer applies
        this.setConfig(message.config);
        if (message.change !== "live") this.chart.clear();
        break;
      case "data":
        this.heatmap.setData(message);
        this.network.setData(message);
        byId("data-name").textContent =
          `${message.train.length} training and ${message.test.length} test points` +
          (message.name.endsWith(".csv") ? ` from ${message.name}` : "");
        break;
      case "frame":
        this.frame(message);
        if (message.timing) this.connection.send({ type: "drawn" }); // ready for the next training frame
        break;
      case "state":
        this.setRunning(message.running);
        break;
      case "error":
        this.banner.show(`The server refused that: ${message.message}`);
        if (this.config) this.setConfig(this.config); // put the controls back to what the server runs
        break;
      case "freed":
        this.banner.show(message.message, { label: "Start a new session", run: () => this.connect() });
        break;
      default:
        break;
    }
  }

  setConfig(config) {
    this.config = config;
    this.controls.render(config);
    this.network.setConfig(config, this.options);
  }

  setRunning(running) {
    if (running && !this.running) this.frames = [];
    this.running = running;
    const play = byId("play");
    play.textContent = running ? "❚❚ Pause" : "▶ Play";
    play.classList.toggle("running", running);
    play.setAttribute("aria-pressed", String(running));
  }

  frame(f) {
    byId("epoch").textContent = f.epoch.toLocaleString("en-US");
    byId("test-loss").textContent = fmt(f.test_loss, 3);
    byId("train-loss").textContent = fmt(f.train_loss, 3);
    byId("test-loss").dataset.value = f.test_loss;
    this.chart.add(f.epoch, f.train_loss, f.test_loss);
    this.heatmap.setOutput(f.output, f.grid);
    this.network.update(f);
    if (f.timing) {
      const now = performance.now();
      this.frames = [...this.frames.filter((t) => now - t < 2000), now]; // training frames of the last 2 s
      const fps = this.frames.length > 1 ? (this.frames.length - 1) / ((now - this.frames[0]) / 1000) : 0;
      byId("stats").textContent =
        `${fps.toFixed(1)} frames/s · server ${f.timing.update_ms.toFixed(0)} ms per update ` +
        `(${f.timing.batches} batches in ${f.timing.train_ms.toFixed(0)} ms, frame ${f.timing.frame_ms.toFixed(1)} ms) · ` +
        `lr ${fmt(f.learning_rate, 3)}`;
    }
  }

  async upload(file) {
    const max = this.controls.limits.max_csv_bytes;
    if (file.size > max) {
      this.banner.show(`${file.name} is ${(file.size / 1e3).toFixed(0)} kB; the playground takes CSV files up to ${max / 1e3} kB.`);
      return;
    }
    const csv = await file.text();
    this.send({ type: "upload", csv, name: file.name, problem: this.config.problem });
  }

  legend() {
    const scale = el("canvas");
    paintScale(scale);
    const dot = (fill, stroke) => `<svg width="12" height="12"><circle cx="6" cy="6" r="4" fill="${fill}" stroke="${stroke}" stroke-width="1.5"/></svg>`;
    const line = (colour, width) => `<svg width="26" height="10"><line x1="1" y1="5" x2="25" y2="5" stroke="${colour}" stroke-width="${width}"/></svg>`;
    const legend = byId("legend");
    legend.replaceChildren(el("div", { class: "scale" }, "−1", scale, "+1"));
    legend.insertAdjacentHTML("beforeend", `
      <div>Colours: <b class="neg">orange</b> negative values and class 0, white near 0,
        <b class="pos">blue</b> positive values and class 1. The heat map is the output
        (2·p − 1 for classification, p = sigmoid(logit)); each thumbnail is one neuron's output over the plane
        x₁, x₂ ∈ [−6, 6].</div>
      <div>${dot("#0877bd", "#fff")} training point ${dot("#0877bd", "#111")} test point (dark ring)</div>
      <div>${line("#0877bd", 4)} connection: width ∝ |weight|, colour = sign of the weight</div>
      <div>${line("#111", 2)} test loss ${line("#999", 2)} training loss</div>`);
  }
}
