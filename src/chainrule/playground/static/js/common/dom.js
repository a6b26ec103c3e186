// Small DOM helpers shared by both views.

const SVG_NS = "http://www.w3.org/2000/svg";

/** Create an HTML element: el("button", {type: "button", class: "x"}, "text", child...). */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  setAttrs(node, attrs);
  node.append(...children);
  return node;
}

/** Create an SVG element with attributes. */
export function svg(tag, attrs = {}, ...children) {
  const node = document.createElementNS(SVG_NS, tag);
  setAttrs(node, attrs);
  node.append(...children);
  return node;
}

function setAttrs(node, attrs) {
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "dataset") Object.assign(node.dataset, value);
    else node.setAttribute(key, value === true ? "" : String(value));
  }
}

/** A number for people: up to `digits` significant digits, no trailing zeros, a real minus sign. */
export function fmt(value, digits = 4) {
  if (typeof value === "string") return value === "NaN" ? "NaN" : value.replace("Infinity", "∞");
  if (value === null || value === undefined) return "–";
  if (!Number.isFinite(value)) return String(value);
  if (value === 0) return "0";
  const abs = Math.abs(value);
  let text;
  if (abs >= 1e5 || abs < 1e-4) text = value.toExponential(digits - 1).replace(/\.?0+e/, "e");
  else text = String(Number(value.toPrecision(digits)));
  return text.replace("-", "−");
}

/** Fill a <select> with options (value, label) pairs; keeps the current value when still offered. */
export function fillSelect(select, options) {
  const current = select.value;
  select.replaceChildren(...options.map(([value, label]) => el("option", { value }, label)));
  if (options.some(([value]) => String(value) === current)) select.value = current;
}

/** Decode base64 text into bytes. */
export function base64Bytes(text) {
  const raw = atob(text);
  const bytes = new Uint8Array(raw.length);
  for (let i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
  return bytes;
}
