// Reading an image's RGBA pixels through a reused 2D canvas: the worker does it for
// ImageBitmaps and VideoFrames (mobilenet-worker.js), the main thread for elements
// when no worker can (mobilenet-core.js #draw). One reader, one error message.

/**
 * PixelReader draws an image onto its canvas (created on first use, resized as needed;
 * an OffscreenCanvas where there is one) and reads the RGBA bytes back.
 */
export class PixelReader {
  #canvas = null;
  #ctx = null;

  /**
   * read returns src's w×h RGBA bytes; a failure (a cross-origin image without CORS
   * taints the canvas) throws makeError('EINPUT', message) naming what and the fix.
   */
  read(src, w, h, what, makeError) {
    if (!this.#canvas) {
      this.#canvas = typeof OffscreenCanvas !== 'undefined' ? new OffscreenCanvas(w, h) : document.createElement('canvas');
      this.#ctx = this.#canvas.getContext('2d', { willReadFrequently: true });
    }
    const c = this.#canvas, ctx = this.#ctx;
    if (c.width !== w || c.height !== h) { c.width = w; c.height = h; }
    try {
      ctx.clearRect(0, 0, w, h);
      ctx.drawImage(src, 0, 0, w, h);
      return new Uint8Array(ctx.getImageData(0, 0, w, h).data.buffer);
    } catch (err) {
      const hint = err?.name === 'SecurityError'
        ? 'the image is cross-origin without CORS: serve it with CORS and set crossorigin="anonymous", or pass its bytes'
        : 'the image could not be drawn';
      throw makeError('EINPUT', `cannot read the pixels of ${what}: ${err.message} (${hint})`);
    }
  }
}
