// The one place that starts a browser for tests and benchmarks: headless Chromium
// (Debian's /usr/bin/chromium through playwright-core) with a fresh profile. The flags
// are the ones that work on a machine with no GPU and no network.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  // Without these Chromium keeps dialling Google's hosts, which this network refuses.
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  // Keep timers and rAF running although no window is ever focused.
  '--disable-background-timer-throttling', '--disable-renderer-backgrounding',
  '--disable-backgrounding-occluded-windows'];

/** WebGL through SwiftShader (there is no GPU here): for pages that draw with WebGL. */
export const SOFTWARE_WEBGL_ARGS = ['--enable-unsafe-swiftshader', '--use-angle=swiftshader'];

/** Chromium's fake camera playing a Y4M file, with the permission prompt answered yes. */
export function fakeCameraArgs(y4mPath) {
  return ['--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream',
    `--use-file-for-fake-video-capture=${y4mPath}`];
}

/**
 * A persistent Chromium context with a fresh profile; args add flags. Resolves to
 * {context, version, close()}; close() also removes the profile.
 */
export async function launchChromium({ args = [], viewport = { width: 1200, height: 900 } } = {}) {
  const profile = await mkdtemp(path.join(tmpdir(), 'mobilenet-chromium-'));
  let context;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM, headless: true, args: [...CHROMIUM_ARGS, ...args], viewport,
    });
  } catch (err) {
    await rm(profile, { recursive: true, force: true });
    throw err;
  }
  return {
    context,
    version: context.browser()?.version() ?? await userAgentVersion(context),
    close: async () => {
      await context.close().catch(() => {});
      await rm(profile, { recursive: true, force: true });
    },
  };
}

async function userAgentVersion(context) {
  const page = await context.newPage();
  const ua = await page.evaluate(() => navigator.userAgent);
  await page.close();
  return ua.match(/Chrome\/([\d.]+)/)?.[1] ?? ua;
}

export const FIREFOX = process.env.FIREFOX ?? '/usr/bin/firefox-esr';

/** Firefox's generated fake camera (a test pattern), with the permission prompt answered yes. */
export const FIREFOX_FAKE_CAMERA_PREFS = {
  'media.navigator.streams.fake': true,
  'media.navigator.permission.disabled': true,
};

/**
 * Headless Firefox ESR driven by puppeteer-core over WebDriver BiDi, with a fresh
 * profile; prefs add about:config settings. Resolves to {browser, version, close()};
 * close() also removes the profile.
 */
export async function launchFirefox({ prefs = {} } = {}) {
  const { default: puppeteer } = await import('puppeteer-core');
  const profile = await mkdtemp(path.join(tmpdir(), 'mobilenet-firefox-'));
  let browser;
  try {
    browser = await puppeteer.launch({
      browser: 'firefox', executablePath: FIREFOX, headless: true, userDataDir: profile,
      extraPrefsFirefox: {
        // No network but the test server: no update checks, telemetry or remote settings.
        'app.update.enabled': false, 'datareporting.policy.dataSubmissionEnabled': false,
        'toolkit.telemetry.enabled': false, 'browser.safebrowsing.malware.enabled': false,
        'browser.safebrowsing.phishing.enabled': false, 'network.captive-portal-service.enabled': false,
        ...prefs,
      },
    });
  } catch (err) {
    await rm(profile, { recursive: true, force: true });
    throw err;
  }
  return {
    browser,
    version: await browser.version(),
    close: async () => {
      await browser.close().catch(() => {});
      await rm(profile, { recursive: true, force: true });
    },
  };
}
