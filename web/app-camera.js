// The camera loop: getUserMedia -> <video> -> one RGBA capture per classification.
// Latest frame wins: a frame is captured only when a worker is free, straight from the
// <video> (which always holds the newest frame), so nothing ever queues; every frame
// the camera presented but we did not classify counts as dropped.

const MAX_CAPTURE_WIDTH = 640; // the overlay shows this; the classifier needs only 224

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
   *   classifier(): the current Classifier or null; options(): classify options;
   *   onResult(predictions, timings, frame, counters); onError(message); onStop(reason)
   */
  constructor(video, hooks) {
    this.video = video;
    this.hooks = hooks;
    this.stream = null;
    this.canvas = new OffscreenCanvas(1, 1);
    this.ctx = this.canvas.getContext('2d', { willReadFrequently: true });
    this.resetCounters();
  }

  get running() { return this.stream !== null; }

  resetCounters() {
    this.presented = 0; // frames the camera presented since start
    this.basePresented = null;
    this.sent = 0; // frames captured and sent to the classifier
    this.done = 0; // results received
    this.inFlight = 0;
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

  /** Starts a classification if a worker is free and a new frame has arrived. */
  pump() {
    const clf = this.hooks.classifier();
    if (!this.stream || !clf || this.inFlight >= clf.info().workers || this.presented === this.lastSentAt) return;
    const vw = this.video.videoWidth, vh = this.video.videoHeight;
    if (!(vw > 0 && vh > 0)) return;
    this.lastSentAt = this.presented;
    this.sent++;
    this.inFlight++;

    const t0 = performance.now();
    const scale = Math.min(1, MAX_CAPTURE_WIDTH / vw);
    const w = Math.round(vw * scale), h = Math.round(vh * scale);
    if (this.canvas.width !== w || this.canvas.height !== h) {
      this.canvas.width = w;
      this.canvas.height = h;
    }
    this.ctx.drawImage(this.video, 0, 0, w, h);
    const frame = this.ctx.getImageData(0, 0, w, h);
    const capture = performance.now() - t0;

    // transfer: false keeps our copy of the pixels for the overlay, shown together
    // with this frame's own result.
    clf.classify({ data: frame.data, width: w, height: h }, { ...this.hooks.options(), transfer: false })
      .then((preds) => {
        this.done++;
        const t = preds.timings;
        const timings = {
          capture: capture + t.capture,
          preprocess: (t.decode ?? 0) + t.preprocess,
          inference: t.inference,
          total: performance.now() - t0,
          queue: t.queue,
        };
        if (this.stream) this.hooks.onResult(preds, timings, frame, this.counters());
      }, (err) => {
        if (err?.code !== 'EDISPOSED' && this.stream) this.hooks.onError(`Classification failed: ${err.message}`);
      })
      .finally(() => {
        this.inFlight--;
        this.pump();
      });
  }

  counters() {
    return { presented: this.presented, sent: this.sent, done: this.done, dropped: this.dropped };
  }
}
