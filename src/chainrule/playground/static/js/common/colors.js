// The colour scale of every picture: orange for negative, white for zero, blue for positive (as in the legend).

export const NEGATIVE = [245, 147, 34];
export const ZERO = [232, 234, 235];
export const POSITIVE = [8, 119, 189];

/** RGB of a value in [-1, 1] (clipped), interpolated orange -> light grey -> blue. */
export function rgb(value) {
  const v = Math.max(-1, Math.min(1, value));
  const [from, t] = v < 0 ? [NEGATIVE, -v] : [POSITIVE, v];
  return ZERO.map((z, i) => Math.round(z + (from[i] - z) * t));
}

export function css(value, alpha = 1) {
  const [r, g, b] = rgb(value);
  return alpha === 1 ? `rgb(${r},${g},${b})` : `rgba(${r},${g},${b},${alpha})`;
}

/** 256 RGBA entries, one per quantised byte the server sends (byte b stands for b / 127.5 - 1). */
function makeLut(discrete = false) {
  const lut = new Uint8ClampedArray(256 * 4);
  for (let b = 0; b < 256; b++) {
    let v = b / 127.5 - 1;
    if (discrete) v = v >= 0 ? 1 : -1;
    const [r, g, bl] = rgb(v);
    lut.set([r, g, bl, 255], b * 4);
  }
  return lut;
}
const LUT = makeLut(false);
const LUT_DISCRETE = makeLut(true);

/** Paint a size×size grid of quantised bytes onto a canvas (scaled to fill it). */
export function paintGrid(canvas, bytes, size, { discrete = false } = {}) {
  if (canvas.width !== size || canvas.height !== size) {
    canvas.width = size;
    canvas.height = size;
  }
  const ctx = canvas.getContext("2d");
  const image = ctx.createImageData(size, size);
  const lut = discrete ? LUT_DISCRETE : LUT;
  for (let i = 0; i < bytes.length; i++) image.data.set(lut.subarray(bytes[i] * 4, bytes[i] * 4 + 4), i * 4);
  ctx.putImageData(image, 0, 0);
}

/** A horizontal gradient bar from -1 to 1 on a canvas (for legends). */
export function paintScale(canvas) {
  canvas.width = 140;
  canvas.height = 10;
  const ctx = canvas.getContext("2d");
  for (let x = 0; x < 140; x++) {
    ctx.fillStyle = css((x / 139) * 2 - 1);
    ctx.fillRect(x, 0, 1, 10);
  }
}
