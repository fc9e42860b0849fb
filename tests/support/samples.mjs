// Where the tests find the repository and the shared photos, and what the photos are:
// the manifest rows and ImageNet's labels, read once.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const SHARED = path.resolve(ROOT, process.env.SHARED || '../shared');
export const SAMPLES = path.join(SHARED, 'imagenet-samples');

/** The 1000 class names, by index (core/labels.txt). */
export const LABELS = readFileSync(path.join(ROOT, 'core/labels.txt'), 'utf8').trim().split('\n');

/** The shared photos' manifest rows: {file, index, wnid, name}. */
export const ROWS = readFileSync(path.join(SAMPLES, 'manifest.csv'), 'utf8').trim().split('\n').slice(1).map((line) => {
  const [file, index, wnid, name] = line.split(',');
  return { file, index: Number(index), wnid, name };
});

/** A clear photo of class 0 (tench), which the 0.75 model is confident on. */
export const TENCH = ROWS.find((r) => r.index === 0);
