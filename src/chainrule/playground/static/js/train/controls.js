// The form controls of view 1: they show the server's accepted config and propose changes to it.
import { fillSelect } from "../common/dom.js";

const LEARNING_RATES = [0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3];
const REG_RATES = [0, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3];
const LABELS = {
  sgd: "SGD", momentum: "SGD + momentum 0.9", adam: "Adam",
  none: "None", l1: "L1", l2: "L2",
  step: "Step: ×0.5 / 100 epochs", exponential: "Exp: ×0.99 / epoch", cosine: "Cosine, 500 epochs",
  xavier: "Xavier (Glorot)", he: "He (Kaiming)",
  classification: "Classification", regression: "Regression",
  xor: "Exclusive or (xor)", rings: "Rings (circle)", gaussians: "Two Gaussians", spirals: "Spirals",
  moons: "Moons", plane: "Plane", multi_gaussian: "Multi-Gaussian", csv: "Uploaded CSV",
};
export const label = (key) => LABELS[key] ?? key;

const byId = (id) => document.getElementById(id);

export class Controls {
  /** onChange(config) proposes a full new config; onPreset(name) loads a preset; onUpload(file) a CSV. */
  constructor({ onChange, onPreset, onUpload }) {
    this.onChange = onChange;
    this.config = null;
    this.options = null;
    const propose = (key, parse) => (event) => this.propose({ [key]: parse(event.target.value) });
    for (const key of ["optimizer", "regularization", "schedule", "init", "dataset"]) {
      byId(key).addEventListener("change", propose(key, String));
    }
    for (const key of ["learning_rate", "reg_rate", "batch_size", "samples", "seed", "train_percent", "noise"]) {
      byId(key).addEventListener("change", propose(key, Number));
    }
    for (const key of ["train_percent", "noise"]) {
      byId(key).addEventListener("input", (event) => { byId(`${key}_value`).textContent = event.target.value; });
    }
    byId("problem").addEventListener("change", (event) => {
      const problem = event.target.value;
      onPreset(problem === "regression" ? this.options.datasets.regression[0] : this.options.datasets.classification[0]);
    });
    byId("preset").addEventListener("change", (event) => { if (event.target.value) onPreset(event.target.value); });
    byId("reseed").addEventListener("click", () => this.propose({ seed: Math.floor(Math.random() * 100000) }));
    byId("upload").addEventListener("change", (event) => {
      const file = event.target.files[0];
      if (file) onUpload(file);
      event.target.value = "";
    });
  }

  propose(patch) {
    this.onChange({ ...this.config, ...patch });
  }

  setOptions(options, presets, limits) {
    this.options = options;
    this.limits = limits;
    fillSelect(byId("learning_rate"), LEARNING_RATES.map((v) => [v, String(v)]));
    fillSelect(byId("reg_rate"), REG_RATES.map((v) => [v, String(v)]));
    for (const key of ["optimizer", "regularization", "schedule", "init"]) {
      fillSelect(byId(key), options[`${key}s`].map((v) => [v, label(v)]));
    }
    fillSelect(byId("problem"), ["classification", "regression"].map((v) => [v, label(v)]));
    fillSelect(byId("preset"), [["", "choose…"], ...presets.map((v) => [v, label(v)])]);
    byId("batch_size").max = limits.max_batch;
    byId("samples").max = limits.max_samples;
  }

  /** Show an accepted config. */
  render(config) {
    this.config = config;
    const names = [...this.options.datasets[config.problem], ...(config.dataset === "csv" ? ["csv"] : [])];
    fillSelect(byId("dataset"), names.map((v) => [v, label(v)]));
    const numbers = { learning_rate: LEARNING_RATES, reg_rate: REG_RATES };
    for (const [key, list] of Object.entries(numbers)) {
      if (!list.includes(config[key])) {  // a value set elsewhere (a preset, another client) still shows
        byId(key).append(new Option(String(config[key]), config[key]));
      }
    }
    for (const key of ["learning_rate", "optimizer", "batch_size", "regularization", "reg_rate", "schedule",
      "init", "problem", "dataset", "train_percent", "noise", "samples", "seed"]) {
      byId(key).value = String(config[key]);
    }
    byId("reg_rate").disabled = config.regularization === "none";
    byId("preset").value = "";
    byId("train_percent_value").textContent = config.train_percent;
    byId("noise_value").textContent = config.noise;
    const csv = config.dataset === "csv";
    byId("noise").disabled = csv;
    byId("samples").disabled = csv;
  }
}
