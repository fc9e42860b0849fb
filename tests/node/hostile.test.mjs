// Issue 10's rows for the JS loader: a model URL is untrusted input, and so is every
// byte it serves. Shards stay in model.json's folder, downloads are bounded by their
// format and stop when they stall, and each refusal has a code. Most cases drive
// web/mobilenet-fetch.js (the worker's download code) directly against local servers;
// a few go through load() end to end to show the worker uses it.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createServer as createTCPServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { modelJSON, moduleURL, packedModel, repo, tfjsDir } from './helpers.mjs';

const { load, MobileNetError } = await import(moduleURL);
const { Fetcher, SHARD_PATH_RULE, CACHE_NAME, checkShardPath, contentAddressed, shardURL } = await import(pathToFileURL(join(repo, 'web/mobilenet-fetch.js')).href);
const { LIMITS } = await import(pathToFileURL(join(repo, 'web/mobilenet-limits.js')).href);

const realJSON = JSON.parse(readFileSync(modelJSON, 'utf8'));
// The table the Go loader is tested against too (weights/confine_test.go).
const shardPaths = JSON.parse(readFileSync(join(repo, 'weights/testdata/shardpaths.json'), 'utf8'));
const mnw = readFileSync(packedModel);

/** A copy of the real model.json with the first group's paths replaced. */
function withPaths(paths, groups = realJSON.weightsManifest) {
  const m = structuredClone(realJSON);
  m.weightsManifest = structuredClone(groups);
  m.weightsManifest[0].paths = paths;
  return Buffer.from(JSON.stringify(m));
}

// A server that records every request and answers from a route table; a route is a
// function (req, res) or a Buffer. Unknown paths get a valid-looking shard: bait a
// confined loader never asks for.
async function startServer(routes = {}) {
  const hits = [];
  const server = createServer((req, res) => {
    hits.push(req.url);
    const route = routes[new URL(req.url, 'http://x').pathname];
    if (typeof route === 'function') return route(req, res);
    res.writeHead(200, { 'content-type': 'application/octet-stream' });
    res.end(route ?? Buffer.alloc(2592));
  });
  server.keepAliveTimeout = 100;
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${server.address().port}`, hits, routes,
    close: () => { server.closeAllConnections(); return new Promise((r) => server.close(r)); },
  };
}

// endless writes first, then zeros with backpressure until the client goes away (or a
// cap, so a broken loader cannot hang the test), and records how much it got out.
function endless(first = Buffer.alloc(0), headers = {}) {
  const route = async (req, res) => {
    res.writeHead(200, { 'content-type': 'application/octet-stream', ...headers });
    let closed = false;
    const gone = once(res, 'close').then(() => { closed = true; });
    route.sent = first.length;
    res.write(first);
    const chunk = Buffer.alloc(64 << 10);
    while (!closed && route.sent < 512 << 20) {
      route.sent += chunk.length;
      if (!res.write(chunk)) await Promise.race([once(res, 'drain'), gone]);
    }
    res.destroy();
  };
  route.sent = 0;
  return route;
}

async function rejectsWith(promise, code, ...fragments) {
  const err = await promise.then(() => null, (e) => e);
  assert.ok(err, 'resolved, want a rejection');
  assert.equal(err.code, code, err.stack);
  for (const f of fragments) assert.ok(err.message.includes(f), `message ${JSON.stringify(err.message)} lacks ${JSON.stringify(f)}`);
  return err;
}

// peakRSS runs fn while sampling the process's resident memory; returns [result or
// error, growth in bytes].
async function peakRSS(fn) {
  globalThis.gc?.();
  const base = process.memoryUsage().rss;
  let peak = base;
  const timer = setInterval(() => { peak = Math.max(peak, process.memoryUsage().rss); }, 5);
  try {
    return [await fn().then((v) => v, (e) => e), peak - base];
  } finally {
    clearInterval(timer);
    peak = Math.max(peak, process.memoryUsage().rss);
  }
}

const hostilePaths = (other) => [...shardPaths.refused, `${other}/group1-shard1of1`, `//${other.slice(7)}/x`];

test('the shard path rule agrees with the Go loader on the shared table', () => {
  for (const p of shardPaths.refused) {
    assert.throws(() => checkShardPath(p), (err) => err.code === 'EMODEL' && err.message.includes(SHARD_PATH_RULE), `${JSON.stringify(p)} accepted`);
  }
  for (const [p, file] of Object.entries(shardPaths.accepted)) {
    const u = new URL(shardURL('http://h:8/m/model.json?v=abc', p));
    const named = decodeURIComponent(u.pathname.slice('/m/'.length)).split('/').filter((s) => s && s !== '.').join('/');
    assert.equal(named, file, `${JSON.stringify(p)} resolves to ${u.href}`);
  }
});

describe('shard paths stay in the model folder', () => {
  let site, other;
  before(async () => {
    other = await startServer();
    site = await startServer();
  });
  after(async () => { await site.close(); await other.close(); });

  test('every hostile path is refused with EMODEL, naming the shard and the rule, before any shard is fetched', async () => {
    for (const p of hostilePaths(other.url)) {
      site.routes['/m/model.json'] = withPaths([p]);
      site.hits.length = 0;
      await rejectsWith(new Fetcher().model(`${site.url}/m/model.json`), 'EMODEL', `shard ${JSON.stringify(p)}`, SHARD_PATH_RULE);
      assert.deepEqual(site.hits, ['/m/model.json'], `shard ${p}`);
    }
    assert.deepEqual(other.hits, [], 'the other origin was contacted');
  });

  test('a file: model.json keeps its shards in its directory', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mobilenet-hostile-'));
    mkdirSync(join(dir, 'm'));
    writeFileSync(join(dir, 'outside'), Buffer.alloc(2592));
    const read = [];
    const readLocal = async (url, maxBytes) => { read.push(url); return new Uint8Array(readFileSync(new URL(url))).subarray(0, maxBytes); };
    const modelURL = pathToFileURL(join(dir, 'm', 'model.json')).href;
    for (const p of hostilePaths(other.url)) {
      writeFileSync(join(dir, 'm', 'model.json'), withPaths([p]));
      read.length = 0;
      await rejectsWith(new Fetcher({ readLocal }).model(modelURL), 'EMODEL', SHARD_PATH_RULE);
      assert.deepEqual(read, [modelURL], `shard ${p}`);
    }
  });

  test('load(): a local model folder whose shard is a link out of it, a device or a FIFO is refused, without hanging', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mobilenet-local-'));
    const model = join(dir, 'm');
    mkdirSync(model);
    for (const f of readdirSync(tfjsDir)) copyFileSync(join(tfjsDir, f), join(model, f));
    copyFileSync(join(tfjsDir, 'group1-shard1of1'), join(dir, 'outside'));
    const shard = join(model, 'group1-shard1of1');
    for (const [name, make, code] of [
      ['a link out of the folder', () => symlinkSync(join(dir, 'outside'), shard), 'EMODEL'],
      ['a link to /dev/zero', () => symlinkSync('/dev/zero', shard), 'EMODEL'],
      ['a FIFO', () => execFileSync('mkfifo', [shard]), 'EDOWNLOAD'],
    ]) {
      rmSync(shard, { force: true });
      make();
      const t0 = performance.now();
      await rejectsWith(load({ model: join(model, 'model.json'), timeout: 15_000 }), code, 'group1-shard1of1');
      assert.ok(performance.now() - t0 < 20_000, `${name}: took ${performance.now() - t0} ms`);
    }
    rmSync(shard);
    copyFileSync(join(tfjsDir, 'group1-shard1of1'), shard);
    (await load({ model: join(model, 'model.json') })).dispose(); // the folder itself is fine
  });

  test('load(): a file: shard in an HTTP model.json is refused and nothing is read (the worker uses the rule)', async () => {
    site.routes['/m/model.json'] = withPaths(['file:///dev/zero']);
    const t0 = performance.now();
    const err = await rejectsWith(load({ model: `${site.url}/m/model.json`, cache: false }), 'EMODEL', 'file:///dev/zero', SHARD_PATH_RULE);
    assert.ok(err instanceof MobileNetError);
    assert.ok(performance.now() - t0 < 10_000);
    site.routes['/m/model.json'] = withPaths([`${other.url}/group1-shard1of1`]);
    await rejectsWith(load({ model: `${site.url}/m/model.json`, cache: false }), 'EMODEL', 'leaves the model');
    assert.deepEqual(other.hits, []);
  });

  test('a versioned model.json (?v=hash) resolves its shards in its folder', async () => {
    site.hits.length = 0;
    site.routes['/v/model.json'] = withPaths(['group1-shard1of1'], realJSON.weightsManifest.slice(0, 1));
    const { shards } = await new Fetcher().model(`${site.url}/v/model.json?v=0123abcd`);
    assert.equal(shards['group1-shard1of1'].length, 2592);
    assert.deepEqual(site.hits, ['/v/model.json?v=0123abcd', '/v/group1-shard1of1']);
  });
});

describe('downloads are bounded by their format', () => {
  let site;
  before(async () => { site = await startServer(); });
  after(() => site.close());

  test('an endless model.json is cut off just past the model.json limit', async () => {
    const route = site.routes['/endless/model.json'] = endless(Buffer.from('{"weightsManifest": ['));
    const [err, grew] = await peakRSS(() => new Fetcher().model(`${site.url}/endless/model.json`));
    assert.equal(err.code, 'ETOOBIG', err.stack);
    assert.ok(route.sent < LIMITS.maxModelJSONBytes + (8 << 20), `the server got ${route.sent} bytes out`);
    assert.ok(grew < 2 * LIMITS.maxMnwBytes, `memory grew by ${grew} bytes`);
  });

  test('a model.json that claims 200 MB is refused from its Content-Length', async () => {
    const route = site.routes['/big/model.json'] = endless(Buffer.from('{'), { 'content-length': String(200 << 20) });
    await rejectsWith(new Fetcher().model(`${site.url}/big/model.json`), 'ETOOBIG', String(200 << 20));
    assert.ok(route.sent < 16 << 20, `the server got ${route.sent} bytes out`);
  });

  test('an endless .mnw is cut off at the size its header implies', async () => {
    const route = site.routes['/endless.mnw'] = endless(mnw.subarray(0, 4096));
    const [err, grew] = await peakRSS(() => new Fetcher().model(`${site.url}/endless.mnw`));
    assert.equal(err.code, 'ETOOBIG', err.stack);
    assert.match(err.message, new RegExp(`allows \\(${mnw.length} bytes\\)`));
    assert.ok(route.sent < mnw.length + (8 << 20), `the server got ${route.sent} bytes out`);
    assert.ok(grew < 2 * LIMITS.maxMnwBytes, `memory grew by ${grew} bytes`);
  });

  test('a .mnw whose header claims 220 MB is refused from the header', async () => {
    const head = Buffer.from(mnw.subarray(0, 24 + 28 * 20));
    head.writeUInt32LE(2048, 24); head.writeUInt32LE(2048, 28); head.writeUInt32LE(14, 32); // conv1 "2048x2048x14x1"
    const route = site.routes['/huge.mnw'] = endless(head);
    await rejectsWith(new Fetcher().model(`${site.url}/huge.mnw`), 'ETOOBIG', 'header implies', 'limit');
    assert.ok(route.sent < 16 << 20, `the server got ${route.sent} bytes out`);
  });

  test('one shard listed 100 times is refused before any shard is fetched', async () => {
    site.routes['/dup/model.json'] = withPaths(Array(100).fill('group1-shard1of1'));
    site.hits.length = 0;
    await rejectsWith(new Fetcher().model(`${site.url}/dup/model.json`), 'EMODEL', 'listed twice');
    assert.deepEqual(site.hits, ['/dup/model.json']);
  });

  test('a shard that goes on past its manifest group is cut off', async () => {
    const one = realJSON.weightsManifest.slice(0, 1); // conv1/kernel: 2592 bytes
    site.routes['/long/model.json'] = withPaths(['a', 'b'], one);
    const a = site.routes['/long/a'] = endless();
    site.routes['/long/b'] = endless();
    await rejectsWith(new Fetcher().model(`${site.url}/long/model.json`), 'ETOOBIG', 'the 2592 bytes its manifest group 1 declares');
    assert.ok(a.sent < 16 << 20, `the server got ${a.sent} bytes out`);
  });

  test('load(): an endless model.json rejects with ETOOBIG', async () => {
    site.routes['/endless2/model.json'] = endless(Buffer.from('{'));
    await rejectsWith(load({ model: `${site.url}/endless2/model.json`, cache: false }), 'ETOOBIG');
  });
});

describe('stalled downloads time out', () => {
  let silent, sockets, site;
  before(async () => {
    sockets = [];
    silent = createTCPServer((s) => sockets.push(s)); // accepts, never answers
    await new Promise((r) => silent.listen(0, '127.0.0.1', r));
    site = await startServer({
      '/stall.mnw': (req, res) => { res.writeHead(200); res.write(mnw.subarray(0, 1000)); }, // then nothing
    });
  });
  after(async () => {
    for (const s of sockets) s.destroy();
    silent.close();
    await site.close();
  });

  test('a server that accepts and never answers: ETIMEOUT after stallTimeout', async () => {
    const t0 = performance.now();
    await rejectsWith(new Fetcher({ stallTimeout: 300 }).model(`http://127.0.0.1:${silent.address().port}/model.json`),
      'ETIMEOUT', 'no data for 300 ms');
    const ms = performance.now() - t0;
    assert.ok(ms >= 250 && ms < 3000, `took ${ms} ms`);
  });

  test('a body that stops midway: ETIMEOUT', async () => {
    const t0 = performance.now();
    await rejectsWith(new Fetcher({ stallTimeout: 300 }).model(`${site.url}/stall.mnw`), 'ETIMEOUT', 'stalled');
    assert.ok(performance.now() - t0 < 3000);
  });

  test('an aborted download: EABORTED', async () => {
    const ctl = new AbortController();
    setTimeout(() => ctl.abort(), 100);
    await rejectsWith(new Fetcher({ signal: ctl.signal }).model(`${site.url}/stall.mnw`), 'EABORTED');
  });

  test('load({timeout}): a never-answering server rejects with ETIMEOUT in bounded time', async () => {
    const t0 = performance.now();
    await rejectsWith(load({ model: `http://127.0.0.1:${silent.address().port}/model.json`, timeout: 500, cache: false }), 'ETIMEOUT');
    assert.ok(performance.now() - t0 < 5000);
  });
});

// A property test of the manifest handling: generated model.jsons with hostile paths,
// counts and sizes, over HTTP and from file:, never make the loader touch anything
// outside the model folder, and every one is refused with a code.
describe('generated hostile manifests', () => {
  let site, other;
  before(async () => { other = await startServer(); site = await startServer(); });
  after(async () => { await site.close(); await other.close(); });

  test('300 manifests: no request or read outside the folder', async () => {
    let seed = 10;
    const rand = (n) => { seed = (seed * 1103515245 + 12345) % 2 ** 31; return seed % n; };
    const pieces = ['..', '.', '%2e%2e', '%2E.', '/', '\\', 'file:', 'http:', '//127.0.0.1', 'a', 'b', '%2f', '%5c',
      '?', '#', '\t', '', 'C:', '~', 'group1-shard1of1', '%', '%00', 'x.bin', `${other.url}/`, `//${other.url.slice(7)}/`];
    const dir = mkdtempSync(join(tmpdir(), 'mobilenet-prop-'));
    mkdirSync(join(dir, 'p'));
    const folder = pathToFileURL(join(dir, 'p')).href + '/';
    const read = [];
    const readLocal = async (url, maxBytes) => { read.push(url); return new Uint8Array(readFileSync(new URL(url))).subarray(0, maxBytes); };
    const codes = new Set();
    for (let i = 0; i < 300; i++) {
      const groups = structuredClone(realJSON.weightsManifest);
      const g = groups[rand(groups.length)];
      g.paths = Array.from({ length: 1 + rand(3) }, () => Array.from({ length: 1 + rand(5) }, () => pieces[rand(pieces.length)]).join(''));
      if (rand(5) === 0) g.paths.push(...Array(rand(2 * LIMITS.maxShards)).fill(g.paths[0]));
      if (rand(4) === 0) g.weights = [{ name: 'conv1/kernel', shape: [3, 3, 3, 1 << 24], dtype: 'float32' }];
      const json = Buffer.from(JSON.stringify({ ...realJSON, weightsManifest: groups }));
      site.routes['/p/model.json'] = json;
      writeFileSync(join(dir, 'p', 'model.json'), json);
      for (const [url, opts] of [[`${site.url}/p/model.json`, {}], [`${folder}model.json`, { readLocal }]]) {
        const err = await new Fetcher({ ...opts, stallTimeout: 2000 }).model(url).then(() => null, (e) => e);
        assert.ok(err, `manifest ${JSON.stringify(g.paths)} loaded from ${url}`);
        assert.ok(['EMODEL', 'ETOOBIG', 'EDOWNLOAD'].includes(err.code), err.stack);
        codes.add(err.code);
      }
    }
    for (const h of site.hits) assert.ok(h.startsWith('/p/'), `requested ${h}, outside /p/`);
    for (const u of read) assert.ok(u.startsWith(folder), `read ${u}, outside ${folder}`);
    assert.deepEqual(other.hits, [], 'the other origin was contacted');
    assert.ok(codes.has('EMODEL') && codes.has('ETOOBIG'), `codes seen: ${[...codes]}`);
  });
});

test('the cache name moved past v1, whose entries were stored unchecked', () => {
  assert.equal(CACHE_NAME, 'mobilenet-go-models-v2');
});

test('content-addressed URLs (used from the cache without revalidation) are told from the rest', () => {
  for (const u of ['https://h/w/m.mnw?v=3f9a0c12', 'https://h/w/m.3f9a0c12.mnw', 'https://h/w/group1-shard1of1.0123abcd', 'https://h/m-deadbeefcafe.json']) {
    assert.ok(contentAddressed(u), u);
  }
  for (const u of ['https://h/w/mobilenet_v1_0.75_224.mnw', 'https://h/w/model.json', 'https://h/w/model-20250101.json',
    'https://h/w/group1-shard1of1', 'https://h/m.mnw?v=2', 'https://h/m.mnw?x=3f9a0c12']) {
    assert.ok(!contentAddressed(u), u);
  }
});
