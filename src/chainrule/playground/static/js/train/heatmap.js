// The output's decision surface as a heat map under the data points; test points have a dark ring.
import { base64Bytes } from "../common/dom.js";
import { css, paintGrid } from "../common/colors.js";

export class HeatMap {
  constructor(canvas) {
    this.canvas = canvas;
    this.surface = document.createElement("canvas");
    this.data = null;
    this.grid = null;
    this.showTest = false;
    this.discrete = false;
    this.version = 0; // counts repaints of the surface (read by tests and the stats line)
  }

  setData(data) {
    this.data = data;
    this.draw();
  }

  setOutput(b64, size) {
    this.grid = { bytes: base64Bytes(b64), size };
    this.draw();
  }

  draw() {
    const { canvas } = this;
    const ctx = canvas.getContext("2d");
    const w = canvas.width, h = canvas.height;
    ctx.clearRect(0, 0, w, h);
    if (this.grid) {
      paintGrid(this.surface, this.grid.bytes, this.grid.size, { discrete: this.discrete });
      ctx.imageSmoothingEnabled = true;
      ctx.drawImage(this.surface, 0, 0, w, h);
      ctx.fillStyle = "rgba(255,255,255,0.25)"; // lighter than the points drawn on it
      ctx.fillRect(0, 0, w, h);
      this.version++;
    }
    if (!this.data) return;
    const extent = this.data.extent;
    const px = (x) => ((x + extent) / (2 * extent)) * w;
    const py = (y) => ((extent - y) / (2 * extent)) * h;
    const colour = (label) => this.data.problem === "classification" ? css(label > 0.5 ? 1 : -1) : css(label);
    const dots = (points, ring) => {
      for (const [x, y, label] of points) {
        ctx.beginPath();
        ctx.arc(px(x), py(y), 3.5, 0, 2 * Math.PI);
        ctx.fillStyle = colour(label);
        ctx.fill();
        ctx.lineWidth = ring ? 1.6 : 1;
        ctx.strokeStyle = ring ? "#111" : "#fff";
        ctx.stroke();
      }
    };
    dots(this.data.train, false);
    if (this.showTest) dots(this.data.test, true);
    // Axis ticks every 2 units.
    ctx.fillStyle = "rgba(0,0,0,0.45)";
    ctx.font = "9px system-ui, sans-serif";
    for (let t = -extent + 1; t < extent; t += 2) {
      if (t === 0) continue;
      ctx.fillText(String(t), px(t) - 4, h - 3);
      ctx.fillText(String(t), 2, py(t) + 3);
    }
  }
}
