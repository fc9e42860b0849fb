// Runs benchmark pages in headless Chromium, started by the tests' one launcher.
import { launchChromium } from '../tests/support/browsers.mjs';

export async function withChromium(fn) {
  const browser = await launchChromium();
  try {
    return await fn({ ctx: browser.context, version: browser.version, open: (url) => openPage(browser.context, url) });
  } finally {
    await browser.close();
  }
}

// openPage loads url and forwards the page's errors to the console.
async function openPage(ctx, url) {
  const page = await ctx.newPage();
  page.on('pageerror', (e) => console.error(`[page] ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error') console.error(`[page console] ${m.text()}`); });
  await page.goto(url);
  return page;
}
