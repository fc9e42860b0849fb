// Runs benchmark pages in headless Chromium (playwright-core, the system browser).
import { chromium } from 'playwright-core';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

export async function withChromium(fn) {
  const profile = await mkdtemp(path.join(os.tmpdir(), 'mobilenet-bench-chromium-'));
  const ctx = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    const version = ctx.browser()?.version() ?? (await versionOf(ctx));
    return await fn({ ctx, version, open: (url) => openPage(ctx, url) });
  } finally {
    await ctx.close();
    await rm(profile, { recursive: true, force: true });
  }
}

async function versionOf(ctx) {
  const p = await ctx.newPage();
  const ua = await p.evaluate(() => navigator.userAgent);
  await p.close();
  return ua.match(/Chrome\/([\d.]+)/)?.[1] ?? ua;
}

// openPage loads url and forwards the page's errors to the console.
async function openPage(ctx, url) {
  const page = await ctx.newPage();
  page.on('pageerror', (e) => console.error(`[page] ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error') console.error(`[page console] ${m.text()}`); });
  await page.goto(url);
  return page;
}
