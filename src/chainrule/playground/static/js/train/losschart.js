// Train and test loss over the epochs, live: test in black, training in grey (as in the legend).

const MAX_POINTS = 1000;

export class LossChart {
  constructor(canvas) {
    this.canvas = canvas;
    this.points = []; // [epoch, train, test]
  }

  clear() {
    this.points = [];
    this.draw();
  }

  add(epoch, train, test) {
    const last = this.points.at(-1);
    if (last && epoch < last[0]) this.points = []; // a reset
    if (last && last[0] === epoch) this.points[this.points.length - 1] = [epoch, train, test];
    else this.points.push([epoch, train, test]);
    if (this.points.length > MAX_POINTS) this.points = this.points.filter((_, i) => i % 2 === 0);
    this.draw();
  }

  draw() {
    const { canvas, points } = this;
    const ctx = canvas.getContext("2d");
    const w = canvas.width, h = canvas.height;
    ctx.clearRect(0, 0, w, h);
    if (points.length < 1) return;
    const finite = points.flatMap(([, a, b]) => [a, b]).filter(Number.isFinite);
    const top = Math.max(1e-9, ...finite);
    const first = points[0][0], last = Math.max(points.at(-1)[0], first + 1);
    const x = (e) => ((e - first) / (last - first)) * (w - 2) + 1;
    const y = (v) => h - 2 - (Math.min(v, top) / top) * (h - 6);
    for (const [index, colour] of [[1, "#999"], [2, "#111"]]) {
      ctx.beginPath();
      points.forEach((p, i) => (i ? ctx.lineTo(x(p[0]), y(p[index])) : ctx.moveTo(x(p[0]), y(p[index]))));
      ctx.strokeStyle = colour;
      ctx.lineWidth = 1.5;
      ctx.stroke();
    }
    ctx.fillStyle = "#666";
    ctx.font = "10px system-ui, sans-serif";
    ctx.textAlign = "right";
    ctx.fillText(`max ${top.toPrecision(3)}`, w - 2, 10);
  }
}
