// Shared plumbing for the live page's tests and bench/live.mjs: serve.go (the real
// server, cross-origin isolated) on a free port, headless
// Chromium (playwright-core, /usr/bin/chromium) with a fresh profile, shared photos,
// a blank page on an origin for the module's tests, and a Y4M fake-webcam file made
// from a photo.
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { launchChromium, SOFTWARE_WEBGL_ARGS } from './browsers.mjs';
import { ROOT, ROWS, SAMPLES } from './samples.mjs';

export { ROOT, SAMPLES };
export const ARTIFACTS = path.join(ROOT, 'artifacts');

/**
 * Builds serve.go (the same file `go run serve.go` runs) and starts it on a free port,
 * serving dir (default web/); resolves to {url, stop()}. A built binary, not `go run`,
 * so the signal reaches it.
 */
export async function startServer({ dir = 'web' } = {}) {
  const tmp = await mkdtemp(path.join(tmpdir(), 'page-test-serve-'));
  const bin = path.join(tmp, 'serve');
  const env = { ...process.env, GOTOOLCHAIN: 'go1.27.3' };
  await new Promise((resolve, reject) => {
    const b = spawn(process.env.GO || 'go', ['build', '-o', bin, 'serve.go'], { cwd: ROOT, env, stdio: 'inherit' });
    b.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`go build serve.go failed (${code})`))));
  });
  const proc = spawn(bin, ['-addr', '127.0.0.1:0', '-dir', dir, '-quiet'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start:\n${log}`)), 30_000);
    proc.stderr.on('data', (d) => {
      log += d;
      const m = /serving \S+ at (http:\/\/\S+)/.exec(log);
      if (m) { clearTimeout(timer); resolve(m[1]); }
    });
    proc.on('exit', (code) => { clearTimeout(timer); reject(new Error(`serve exited (${code}):\n${log}`)); });
  });
  return {
    url,
    stop: async () => {
      if (proc.exitCode === null) {
        const exited = new Promise((resolve) => proc.once('exit', resolve));
        proc.kill('SIGINT'); // serve.go shuts down gracefully on SIGINT
        await exited;
      }
      await rm(tmp, { recursive: true, force: true });
    },
  };
}

/** A persistent Chromium context with a fresh profile and software WebGL; extraArgs add flags. */
export async function launch(extraArgs = []) {
  return launchChromium({ args: [...SOFTWARE_WEBGL_ARGS, ...extraArgs] });
}

/** The manifest rows of the shared samples: {file, index, wnid, name}. */
export { ROWS };

/** Page errors and console errors, collected so a test can assert there were none. */
export function watchErrors(page) {
  const errors = [];
  page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
  page.on('console', (msg) => { if (msg.type() === 'error') errors.push(`console: ${msg.text()}`); });
  return errors;
}

/**
 * A page on origin with nothing on it (its 404 page: the origin's headers, no
 * scripts), for page.evaluate experiments with the module; page errors go to onError.
 */
export async function blankPage(context, origin, onError = (msg) => console.error('pageerror:', msg)) {
  const page = await context.newPage();
  page.on('pageerror', (err) => onError(err.message));
  await page.goto(`${origin}/blank-for-tests`);
  return page;
}

/**
 * blankPage with, in the page, globalThis.clf loaded from model by the module
 * (/mobilenet.js) and globalThis.img the decoded <img> of photo.
 */
export async function classifierPage(context, origin, model, photo) {
  const page = await blankPage(context, origin);
  await page.evaluate(async ({ model, photo }) => {
    const { load } = await import('/mobilenet.js');
    globalThis.clf = await load({ model });
    globalThis.img = new Image();
    globalThis.img.src = photo;
    await globalThis.img.decode();
  }, { model, photo });
  return page;
}

/** Opens the page and waits until a model is loaded. */
export async function openPage(context, url, query = '') {
  const page = await context.newPage();
  const errors = watchErrors(page);
  await page.goto(url + query);
  await page.waitForFunction(() => window.mobilenetPage?.classifier() != null, null, { timeout: 60_000 });
  return { page, errors };
}

/** Drops files on the page's drop zone as a real drag would (DataTransfer + drop event). */
export async function dropFiles(page, files) {
  const payload = files.map((f) => ({ name: f.name, type: f.type, b64: Buffer.from(f.bytes).toString('base64') }));
  await page.evaluate((list) => {
    const dt = new DataTransfer();
    for (const f of list) {
      const bytes = Uint8Array.from(atob(f.b64), (c) => c.charCodeAt(0));
      dt.items.add(new File([bytes], f.name, { type: f.type }));
    }
    const zone = document.getElementById('dropzone');
    for (const type of ['dragenter', 'dragover', 'drop']) {
      zone.dispatchEvent(new DragEvent(type, { bubbles: true, cancelable: true, dataTransfer: dt }));
    }
  }, payload);
}

/**
 * Makes a Y4M fake-webcam file (640x480, 30 fps, one frame that Chromium loops) from a
 * photo: the browser decodes and letterbox-fits it (Chromium's own JPEG decoder), then
 * the RGB is converted to limited-range BT.601 YCbCr 4:2:0, which is how Chromium's
 * file capturer reads Y4M.
 */
export async function makeY4M(page, jpegBytes, outPath, width = 640, height = 480) {
  const rgba = Buffer.from(await page.evaluate(async ({ b64, width, height }) => {
    const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    const bmp = await createImageBitmap(new Blob([bytes], { type: 'image/jpeg' }));
    const c = new OffscreenCanvas(width, height);
    const ctx = c.getContext('2d');
    ctx.fillStyle = '#000';
    ctx.fillRect(0, 0, width, height);
    const s = Math.min(width / bmp.width, height / bmp.height);
    const w = bmp.width * s, h = bmp.height * s;
    ctx.drawImage(bmp, (width - w) / 2, (height - h) / 2, w, h);
    const data = ctx.getImageData(0, 0, width, height).data;
    let bin = '';
    for (let i = 0; i < data.length; i += 0x8000) bin += String.fromCharCode(...data.subarray(i, i + 0x8000));
    return btoa(bin);
  }, { b64: Buffer.from(jpegBytes).toString('base64'), width, height }), 'base64');
  await writeFile(outPath, rgbaToY4M(rgba, width, height));
  return rgba;
}

/** Limited-range BT.601 YCbCr 4:2:0 Y4M with one frame (width, height even). */
export function rgbaToY4M(rgba, width, height) {
  const header = Buffer.from(`YUV4MPEG2 W${width} H${height} F30:1 Ip A1:1 C420jpeg\nFRAME\n`, 'ascii');
  const cw = width / 2, ch = height / 2;
  const y = Buffer.alloc(width * height), u = Buffer.alloc(cw * ch), v = Buffer.alloc(cw * ch);
  const clamp = (x) => Math.min(255, Math.max(0, Math.round(x)));
  for (let j = 0; j < height; j++) {
    for (let i = 0; i < width; i++) {
      const o = 4 * (j * width + i);
      y[j * width + i] = clamp(16 + (65.481 * rgba[o] + 128.553 * rgba[o + 1] + 24.966 * rgba[o + 2]) / 255);
    }
  }
  for (let j = 0; j < ch; j++) {
    for (let i = 0; i < cw; i++) {
      let r = 0, g = 0, b = 0;
      for (const [dx, dy] of [[0, 0], [1, 0], [0, 1], [1, 1]]) {
        const o = 4 * ((2 * j + dy) * width + 2 * i + dx);
        r += rgba[o] / 4; g += rgba[o + 1] / 4; b += rgba[o + 2] / 4;
      }
      u[j * cw + i] = clamp(128 + (-37.797 * r - 74.203 * g + 112.0 * b) / 255);
      v[j * cw + i] = clamp(128 + (112.0 * r - 93.786 * g - 18.214 * b) / 255);
    }
  }
  return Buffer.concat([header, y, u, v]);
}
