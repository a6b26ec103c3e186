// Entry point: the two views behind tabs (#train, #backprop) and the shared error banner.
import { TrainView } from "./train/view.js";
import { BackpropView } from "./backprop/view.js";

const banner = {
  show(text, action = null) {
    document.getElementById("banner-text").textContent = text;
    const button = document.getElementById("banner-action");
    button.hidden = !action;
    if (action) {
      button.textContent = action.label;
      button.onclick = () => { banner.hide(); action.run(); };
    }
    document.getElementById("banner").hidden = false;
  },
  hide() { document.getElementById("banner").hidden = true; },
};
document.getElementById("banner-close").addEventListener("click", () => banner.hide());

const train = new TrainView(banner);
const backprop = new BackpropView();

function showTab() {
  const name = location.hash === "#backprop" ? "backprop" : "train";
  for (const view of ["train", "backprop"]) {
    document.getElementById(`view-${view}`).hidden = view !== name;
    document.getElementById(`tab-${view}`).classList.toggle("active", view === name);
    document.getElementById(`tab-${view}`).setAttribute("aria-selected", String(view === name));
  }
  if (name === "backprop") backprop.shown();
  else train.shown();
}
window.addEventListener("hashchange", showTab);
showTab();
train.connect();
