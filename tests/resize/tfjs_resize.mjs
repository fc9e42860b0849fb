// The resize oracle: TF.js 4.22 ('cpu' backend) preprocessing of raw RGBA frames, as
// the README's accuracy numbers were measured: central crop (tf.image.central_crop's
// offsets), tf.image.resizeBilinear(x, [size, size], alignCorners=false), x/127.5-1.
//
//   node tfjs_resize.mjs CASES.json OUTPUT.f32
//
// CASES.json: [{"w", "h", "size", "crop", "pix": base64 RGBA (alpha ignored)}, ...];
// OUTPUT.f32 receives each case's size x size x 3 little-endian float32, in order.
import * as tf from '@tensorflow/tfjs';
import { readFile, writeFile } from 'node:fs/promises';

const [casesPath, outputPath] = process.argv.slice(2);
if (!outputPath) {
  console.error('usage: node tfjs_resize.mjs CASES.json OUTPUT.f32');
  process.exit(2);
}
await tf.setBackend('cpu');
await tf.ready();

// tf.image.central_crop (Python): start = int((h - h*frac)/2), size = h - 2*start.
function centralCrop(n, frac) {
  if (frac === 0 || frac === 1) return [0, n];
  const start = Math.trunc((n - n * frac) / 2);
  return [start, n - 2 * start];
}

const cases = JSON.parse(await readFile(casesPath, 'utf8'));
const chunks = [];
for (const c of cases) {
  const rgba = Buffer.from(c.pix, 'base64');
  if (rgba.length !== c.w * c.h * 4) throw new Error(`case ${c.w}x${c.h}: ${rgba.length} bytes`);
  const rgb = new Int32Array(c.w * c.h * 3);
  for (let i = 0, j = 0; i < rgba.length; i += 4) {
    rgb[j++] = rgba[i]; rgb[j++] = rgba[i + 1]; rgb[j++] = rgba[i + 2];
  }
  const [y0, ch] = centralCrop(c.h, c.crop);
  const [x0, cw] = centralCrop(c.w, c.crop);
  const out = tf.tidy(() => {
    const img = tf.tensor3d(rgb, [c.h, c.w, 3], 'int32').slice([y0, x0, 0], [ch, cw, 3]);
    return tf.image.resizeBilinear(img.toFloat(), [c.size, c.size], false).div(127.5).sub(1);
  });
  chunks.push(Buffer.from((await out.data()).buffer));
  out.dispose();
}
await writeFile(outputPath, Buffer.concat(chunks));
