// The camera loop: getUserMedia -> <video> -> one ImageBitmap per classification.
// Latest frame wins: a frame is captured only when a worker is free, straight from the
// <video> (which always holds the newest frame), so nothing ever queues; every frame
// the camera presented but we did not classify counts as dropped.
//
// The main thread never touches a frame's pixels: createImageBitmap crops and resizes
// the video frame to the model's input size in the browser's own image pipeline
// (off this thread, with the GPU where there is one), and the small bitmap is
// transferred to the classifier worker, which reads its 224x224 pixels. The <video>
// itself is what the visitor sees; the HUD draws only text and bars over it.

/** Human text for a getUserMedia / track failure. */
export function cameraErrorMessage(err) {
  switch (err?.name) {
    case 'NotAllowedError':
    case 'SecurityError':
      return 'Camera permission was denied. Allow camera access for this page in the browser\'s site settings, then press Start camera again. Dropping or pasting photos still works.';
    case 'NotFoundError':
    case 'OverconstrainedError':
      return 'No camera was found. Connect a camera and press Start camera again. Dropping or pasting photos still works.';
    case 'NotReadableError':
    case 'AbortError':
      return 'The camera could not be started: it may be in use by another application. Close it and press Start camera again.';
    case 'TypeError':
      return 'The camera needs a secure page: open it as http://localhost or over https.';
    case 'ended':
      return 'The camera stopped (unplugged, switched off or taken by another application). Press Start camera to try again.';
  }
  return `The camera could not be started: ${err?.message ?? err}.`;
}

export class CameraLoop {
  /**
   * @param {HTMLVideoElement} video
   * @param {object} hooks
   *   classifier(): the current Classifier or null; classify(classifier, input, options):
   *   makes the call (the page remembers it); options(): classify options;
   *   onResult(predictions, timings, counters); onError(message); onStop(reason)
   * @param {object} [opts] fastCapture: false forces the fallback capture; captureFrames:
   *   true sends VideoFrames instead (both for tests and A/B measurements)
   */
  constructor(video, hooks, { fastCapture = true, captureFrames = false } = {}) {
    this.video = video;
    this.hooks = hooks;
    this.stream = null;
    this.captureFrames = captureFrames && typeof VideoFrame === 'function';
    // undefined: not tried yet; false: the fallback (see snapshot()).
    this.fastCapture = fastCapture && typeof createImageBitmap === 'function' ? undefined : false;
    this.resetCounters();
  }

  get running() { return this.stream !== null; }

  resetCounters() {
    this.presented = 0; // frames the camera presented since start
    this.basePresented = null;
    this.sent = 0; // frames captured and sent to the classifier
    this.done = 0; // results received
    this.inFlight = 0; // frames being captured or classified
    this.capturing = false;
    this.lastSentAt = 0; // the `presented` value of the last captured frame
  }

  get dropped() { return Math.max(0, this.presented - this.sent); }

  async start() {
    if (this.stream) return;
    if (!navigator.mediaDevices?.getUserMedia) {
      throw Object.assign(new Error('getUserMedia is not available'), { name: 'TypeError' });
    }
    const stream = await navigator.mediaDevices.getUserMedia({
      video: { width: { ideal: 640 }, height: { ideal: 480 }, facingMode: 'environment' },
      audio: false,
    });
    this.stream = stream;
    this.resetCounters();
    for (const track of stream.getVideoTracks()) {
      track.addEventListener('ended', () => this.stop('ended'), { once: true });
    }
    this.video.srcObject = stream;
    await this.video.play();
    this.watchFrames();
  }

  stop(reason = 'stopped') {
    if (!this.stream) return;
    for (const track of this.stream.getTracks()) track.stop();
    this.stream = null;
    this.video.srcObject = null;
    this.hooks.onStop(reason);
  }

  // watchFrames counts presented frames (requestVideoFrameCallback where available,
  // else polling the video's decoded-frame count) and pumps on each new one.
  watchFrames() {
    const stream = this.stream;
    if ('requestVideoFrameCallback' in this.video) {
      const onFrame = (_now, meta) => {
        if (this.stream !== stream) return;
        this.basePresented ??= meta.presentedFrames - 1;
        this.presented = meta.presentedFrames - this.basePresented;
        this.pump();
        this.video.requestVideoFrameCallback(onFrame);
      };
      this.video.requestVideoFrameCallback(onFrame);
    } else {
      const poll = () => {
        if (this.stream !== stream) return;
        const q = this.video.getVideoPlaybackQuality?.();
        this.presented = q ? q.totalVideoFrames : this.presented + 1;
        this.pump();
        setTimeout(poll, 15);
      };
      poll();
    }
  }

  /**
   * Starts a classification if a worker is free (the classifier's busy), no frame is
   * being captured (one capture at a time: it is quick, and a captured frame goes
   * straight to a free worker) and a new frame has arrived.
   */
  pump() {
    const clf = this.hooks.classifier();
    if (!this.stream || !clf || clf.busy || this.capturing || this.presented === this.lastSentAt) return;
    const vw = this.video.videoWidth, vh = this.video.videoHeight;
    if (!(vw > 0 && vh > 0)) return;
    this.lastSentAt = this.presented;
    this.sent++;
    this.inFlight++;
    this.capturing = true;
    const stream = this.stream;
    const options = this.hooks.options();
    const t0 = performance.now();
    this.snapshot(vw, vh, options)
      .finally(() => { this.capturing = false; })
      .then(({ input, crop, transfer }) => {
        const captured = performance.now() - t0;
        if (this.stream !== stream) { input.close?.(); return undefined; }
        return this.hooks.classify(clf, input, { ...options, crop, transfer }).then((preds) => {
          this.done++;
          const t = preds.timings;
          const timings = {
            capture: captured + t.capture,
            preprocess: (t.decode ?? 0) + t.preprocess,
            inference: t.inference,
            total: performance.now() - t0,
            queue: t.queue,
          };
          if (this.stream === stream) this.hooks.onResult(preds, timings, this.counters());
        });
      })
      .catch((err) => {
        // A frame the video could not hand over (it is between sources, say) is
        // skipped; the next presented frame tries again.
        if (err?.name === 'InvalidStateError') return;
        if (err?.code !== 'EDISPOSED' && this.stream === stream) this.hooks.onError(`Classification failed: ${err.message}`);
      })
      .finally(() => {
        this.inFlight--;
        this.pump();
      });
  }

  // snapshot returns what to classify and whether the module may take it (transfer:
  // the page made it for this call and never reuses it): an input-size bitmap of the (cropped) frame, or,
  // where createImageBitmap cannot crop and resize a video (it throws TypeError for
  // options it does not know), the <video> itself, which the module snapshots at full
  // size for the engine to crop and resize (slower; chosen once, on the first failure).
  async snapshot(vw, vh, options) {
    if (this.captureFrames) {
      // A/B (?capture=frame): a VideoFrame, transferred; the worker reads the whole
      // frame and the engine crops and resizes it.
      return { input: new VideoFrame(this.video), crop: options.crop, transfer: true };
    }
    if (this.fastCapture !== false) {
      const [sx, sy, sw, sh] = centralCrop(vw, vh, options.crop);
      try {
        const bitmap = await createImageBitmap(this.video, sx, sy, sw, sh,
          { resizeWidth: options.size, resizeHeight: options.size, resizeQuality: RESIZE_QUALITY });
        this.fastCapture = true;
        // The crop is applied: the engine gets the whole bitmap.
        return { input: bitmap, crop: false, transfer: true };
      } catch (err) {
        if (this.fastCapture || !(err instanceof TypeError || err?.name === 'NotSupportedError')) throw err;
        this.fastCapture = false;
      }
    }
    return { input: this.video, crop: options.crop, transfer: false };
  }

  counters() {
    return { presented: this.presented, sent: this.sent, done: this.done, dropped: this.dropped };
  }
}

// 'low' is bilinear in Chromium and Firefox, the filter the engine's own (TF.js
// matching) resize uses; the page test checks the fake camera's top-1 against the
// photo's file path through the engine's resize.
const RESIZE_QUALITY = 'low';

/**
 * The [x, y, width, height] that the engine's central crop keeps of a w x h frame
 * (core.CentralCrop, tf.image.central_crop): offsets truncated, sizes what is left.
 * crop is false/0 (whole frame) or the central fraction.
 */
export function centralCrop(w, h, crop) {
  if (!crop || crop === 1) return [0, 0, w, h];
  const x0 = Math.trunc((w - w * crop) / 2), y0 = Math.trunc((h - h * crop) / 2);
  return [x0, y0, w - 2 * x0, h - 2 * y0];
}
