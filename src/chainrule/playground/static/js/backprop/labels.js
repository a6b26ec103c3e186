// Places the graph's edge labels (values above an edge, gradients below it) where they overlap no node and no
// other label: each label tries points along its own edge, nearest its preferred spot first, then further from
// the edge; the first free box wins. Measured with getBBox, so it holds for any font.

const PAD = 2; // px kept free around every box

/** Whether two boxes {x, y, width, height} overlap (touching is fine). */
export function overlaps(a, b) {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

function grown(box, by) {
  return { x: box.x - by, y: box.y - by, width: box.width + 2 * by, height: box.height + 2 * by };
}

const NEAR = [0, 1, 2]; // how far from its edge a label may sit, in steps of 13 px
const ALONG = [0.4, 0.3, 0.5, 0.22, 0.6, 0.68, 0.15, 0.76, 0.84, 0.08, 0.9];

/**
 * Move every label of `movable` ({text, path, side: -1 above | +1 below}) to a free spot; `fixed` are elements
 * that stay where they are (nodes, a variable's value and gradient). A label belongs next to its edge: within
 * NEAR steps of 13 px of it, on either side. Returns how many labels found no free spot that near (they go to
 * a free spot further away, or their best try; the caller may spread the graph out and draw again).
 */
export function placeLabels(fixed, movable) {
  const taken = fixed.map((element) => grown(element.getBBox(), PAD));
  let crowded = 0;
  for (const { text, path, side } of movable) {
    text.setAttribute("y", 0);
    const base = text.getBBox(); // its size, and where its top sits relative to the baseline
    const length = path.getTotalLength();
    const spot = (s, away, t) => {
      const p = path.getPointAtLength(t * length);
      const top = s < 0 ? p.y - 3 - base.height - away * 13 : p.y + 3 + away * 13;
      return { p, top, box: { x: p.x - base.width / 2, y: top, width: base.width, height: base.height } };
    };
    const free = (c) => !taken.some((other) => overlaps(grown(c.box, PAD), other));
    const search = (aways) => {
      for (const s of [side, -side]) {
        for (const away of aways) {
          for (const t of ALONG) {
            const c = spot(s, away, t);
            if (free(c)) return c;
          }
        }
      }
      return null;
    };
    let best = search(NEAR);
    if (best === null) {
      crowded++;
      best = search([3, 4, 5, 6, 7]) ?? spot(side, 0, ALONG[0]);
    }
    text.setAttribute("x", best.p.x);
    text.setAttribute("y", best.top - base.y);
    taken.push(grown(best.box, PAD));
  }
  return crowded;
}
