// mobilenet-team.js: load({threads: N}), N workers splitting every single inference
// by rows (internal/band). Each worker runs its band of every layer's rows; before a
// 3x3 layer, neighbours exchange the boundary rows, worker to worker, over one of
// two transports:
//   shared:  a SharedArrayBuffer of mailboxes with Atomics.wait/notify (needs
//            crossOriginIsolated in browsers; always there in Node);
//   message: a MessageChannel per pair of workers (works on any page).
// Each worker prepares the frame itself when it was given one ("own" inputs: bytes
// or a tensor, copied to every worker); otherwise (an ImageBitmap, which only the
// leader can read) worker 0, the leader, prepares it and sends each worker the image
// rows it reads. At the end the leader gathers the last layer's rows to pool and
// classify. The
// schedule (what to send and receive before which layers, at which Go addresses) is
// the Go side's (bandPlan); rows go straight between Go memory and the transport:
// one copy out, one copy in.
// Used on both sides: the main thread wires a team (teamWiring), each worker joins
// it (joinTeam).

// A mailbox is a ring of SLOTS slots of SLOT_BYTES per ordered pair of workers; a
// message longer than a slot goes in chunks, so size has no limit.
const SLOTS = 8;
const SLOT_BYTES = 64 << 10;
const HEADER_INTS = 16; // [0]: the team is stopped (a member crashed or it was disposed)
const EMPTY = 0, FULL = 1, SKIP = 2; // slot states; SKIP: the leader calls the frame off
// A worker waiting for a slot sleeps in Atomics.wait at once, without polling first: a
// 28 KB round trip between two Node worker threads takes 17 us so, but 1.2 ms when each
// side first polls for 50 us on a busy 2-core machine (the poller holds the core its
// partner needs).

/** The transports this environment can run: 'shared' needs SharedArrayBuffer and Atomics.wait in workers. */
export function sharedAvailable() {
  return typeof SharedArrayBuffer === 'function' && typeof Atomics === 'object' &&
    (globalThis.crossOriginIsolated === true || typeof process === 'object' && !!process.versions?.node);
}

/**
 * The main thread's half: for n workers, the 'team' message for each (with its
 * transfer list) and stop(), which wakes every waiting member so it gives up.
 */
export function teamWiring(n, transport) {
  const msgs = Array.from({ length: n }, (_, k) => ({ msg: { type: 'team', n, k, transport }, transfer: [] }));
  let stop = () => {};
  if (transport === 'shared') {
    const sab = new SharedArrayBuffer(HEADER_INTS * 4 + n * n * SLOTS * (8 + SLOT_BYTES));
    for (const m of msgs) m.msg.sab = sab;
    const ctl = new Int32Array(sab, 0, HEADER_INTS + n * n * SLOTS * 2);
    stop = () => { Atomics.store(ctl, 0, 1); for (let i = 0; i < ctl.length; i++) Atomics.notify(ctl, i); };
  } else {
    for (const m of msgs) m.msg.ports = {};
    for (let a = 0; a < n; a++) {
      for (let b = a + 1; b < n; b++) {
        const ch = new MessageChannel();
        msgs[a].msg.ports[b] = ch.port1; msgs[a].transfer.push(ch.port1);
        msgs[b].msg.ports[a] = ch.port2; msgs[b].transfer.push(ch.port2);
      }
    }
  }
  return { msgs, stop };
}

/**
 * The worker's half, from its 'team' message: lead(size, prepare, own) runs a frame
 * as the leader (prepare() fills the Go model's input; if it throws, the others are
 * told to skip the frame and the error is rethrown; own: the others prepare it too);
 * follow(size, loop, prepare) runs one as another member (with loop, frames until the
 * leader calls end(); prepare: this member's own copy of the frame, else the leader
 * sends the image rows). go: {goCall(name, ...args), goBytes(addr, n), CodedError,
 * fatal(why)}.
 */
export function joinTeam({ n, k, transport, sab, ports }, go) {
  const mail = transport === 'shared' ? new SharedMail(sab, n, k, go) : new PortMail(ports, go);
  // Go runs the schedule (bandStep) and calls these to move rows. A receive that has
  // to wait for a message (MessageChannel) returns to the loop below, which awaits it
  // and resumes Go after it. times: per receive [the layer that reads the rows, ms
  // computing since the last receive, ms waiting for these rows].
  let times = [], last = 0, waiting = null, profile = [];
  const send = (peer, addr, bytes) => mail.send(peer, go.goBytes(addr, bytes), FULL);
  const recv = (peer, addr, bytes, layer) => {
    const t0 = performance.now();
    const got = mail.recv(peer, addr, bytes);
    if (typeof got !== 'boolean') { waiting = { got, layer, t0 }; return null; }
    const t1 = performance.now();
    times.push([layer, t0 - last, t1 - t0]);
    last = t1;
    return got;
  };
  go.goCall('bandTransport', send, recv);
  // The plan is Go's for the last (size, own) asked: asked again only when they change
  // (each JS->Go call costs ~10 us and ~5 Go allocations inside syscall/js).
  let planned = null;
  async function run(size, own, inputMs) {
    if (planned !== `${size} ${own}`) {
      go.goCall('bandPlan', n, k, size, own);
      planned = `${size} ${own}`;
    }
    times = [['input', inputMs, 0]];
    last = performance.now();
    for (let from = 0; ;) {
      const r = go.goCall('bandStep', from);
      if (r === 'skipped') return false; // the leader called this frame off
      if (r === 'done') break;
      const ok = await waiting.got;
      const t1 = performance.now();
      times.push([waiting.layer, waiting.t0 - last, t1 - waiting.t0]);
      last = t1;
      if (!ok) return false;
      from = r + 1;
    }
    times.push(['end', performance.now() - last, 0]);
    profile = times;
    return true;
  }
  // A failure within a frame leaves the others waiting for rows that never come: it
  // is fatal to the team (the main thread then rejects the call with ECRASHED).
  async function runOrDie(size, own, inputMs) {
    try {
      return await run(size, own, inputMs);
    } catch (err) {
      go.fatal(`a cooperating worker failed: ${err?.message ?? err}`);
      throw err;
    }
  }
  const skip = () => { for (let peer = 1; peer < n; peer++) mail.send(peer, new Uint8Array(0), SKIP); };
  // A member whose own prepare() failed takes the leader's first message of the frame
  // (every frame starts with one, see buildOps): the leader failed on the same frame
  // and calls it off, or the team disagrees about the frame, which is fatal.
  async function skipped() {
    if (await mail.recv(0, 0, 0)) {
      go.fatal('a cooperating worker could not prepare a frame that the leader could');
      throw new go.CodedError('ECRASHED', 'the cooperating workers disagree about a frame');
    }
    return false;
  }
  return {
    async lead(size, prepare, own = false) {
      const t0 = performance.now();
      try {
        prepare();
      } catch (err) {
        skip();
        throw err;
      }
      await runOrDie(size, own, performance.now() - t0);
    },
    // follow(size, loop, prepare): one frame, or with loop frames until the leader's end().
    async follow(size, loop = false, prepare = null) {
      let ok;
      do {
        const t0 = performance.now();
        try {
          prepare?.();
        } catch {
          return skipped();
        }
        ok = await runOrDie(size, prepare !== null, performance.now() - t0);
      } while (loop && ok);
      return ok;
    },
    end: skip,
    // The last frame's [layer, compute ms, wait ms]: 'input' (prepare), each receive, 'end'.
    profile: () => profile,
  };
}

// SharedMail: mailboxes in one SharedArrayBuffer. Ints: the header, then per ordered
// pair (from, to) SLOTS x [state, bytes]; then the slots' data in the same order.
class SharedMail {
  constructor(sab, n, k, go) {
    this.n = n; this.k = k; this.go = go;
    this.ctl = new Int32Array(sab, 0, HEADER_INTS + n * n * SLOTS * 2);
    this.data = new Uint8Array(sab, this.ctl.byteLength);
    this.sent = new Array(n).fill(0); // chunks sent to each peer, received from each peer
    this.got = new Array(n).fill(0);
  }

  #slot(from, to, i) {
    const pair = from * this.n + to, s = i % SLOTS;
    return { state: HEADER_INTS + (pair * SLOTS + s) * 2, data: (pair * SLOTS + s) * SLOT_BYTES };
  }

  // await waits until slot state ctl[i] is (empty) or is not (full) EMPTY; gives up
  // when the main thread stopped the team.
  #await(i, empty) {
    const ctl = this.ctl;
    for (let s; (s = Atomics.load(ctl, i)) === EMPTY ? !empty : empty;) {
      if (Atomics.load(ctl, 0) !== 0) throw new this.go.CodedError('ECRASHED', 'a cooperating worker stopped');
      Atomics.wait(ctl, i, s, 100);
    }
  }

  send(to, bytes, state) {
    let off = 0;
    do {
      const slot = this.#slot(this.k, to, this.sent[to]++);
      this.#await(slot.state, true);
      const len = Math.min(SLOT_BYTES, bytes.length - off);
      this.data.set(bytes.subarray(off, off + len), slot.data);
      this.ctl[slot.state + 1] = len;
      Atomics.store(this.ctl, slot.state, state);
      Atomics.notify(this.ctl, slot.state);
      off += len;
    } while (off < bytes.length);
  }

  recv(from, addr, n) {
    let off = 0;
    do {
      const slot = this.#slot(from, this.k, this.got[from]++);
      this.#await(slot.state, false);
      const state = Atomics.load(this.ctl, slot.state), len = this.ctl[slot.state + 1];
      if (state === FULL && len > 0) this.go.goBytes(addr + off, len).set(this.data.subarray(slot.data, slot.data + len));
      Atomics.store(this.ctl, slot.state, EMPTY);
      Atomics.notify(this.ctl, slot.state);
      if (state === SKIP) return false;
      off += len;
    } while (off < n);
    return true;
  }
}

// PortMail: a MessagePort per peer; each message is one exchange's bytes, in a fresh
// buffer that is transferred, not copied.
class PortMail {
  constructor(ports, go) {
    this.go = go;
    this.queues = {}; // peer -> messages not yet taken
    this.waiting = {}; // peer -> resolve of the recv waiting for it
    this.ports = ports;
    for (const [peer, port] of Object.entries(ports)) {
      this.queues[peer] = [];
      const on = (m) => {
        const w = this.waiting[peer];
        if (w) { this.waiting[peer] = null; w(m); } else this.queues[peer].push(m);
      };
      if (typeof port.on === 'function') port.on('message', on); // Node's worker_threads port
      else { port.onmessage = (ev) => on(ev.data); }
    }
  }

  send(to, bytes, state) {
    const copy = bytes.slice();
    this.ports[to].postMessage({ state, copy }, [copy.buffer]);
  }

  recv(from, addr, n) {
    const take = (m) => {
      if (m.state === SKIP) return false;
      if (n > 0) this.go.goBytes(addr, n).set(m.copy);
      return true;
    };
    const q = this.queues[from];
    if (q.length > 0) return take(q.shift());
    return new Promise((resolve) => { this.waiting[from] = (m) => resolve(take(m)); });
  }
}
