import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { startInProcessPharos, type InProcessPharos } from './in-process-pharos.js';

/**
 * The web UI's browser tests: a real Pharos in this process (serving the built UI), data
 * loaded into it, and Debian's Chromium driven by playwright-core.
 */

export const CHROMIUM_PATH = '/usr/bin/chromium';
const WEB_INDEX_HTML = path.join(fileURLToPath(new URL('../../', import.meta.url)), 'packages/web/dist/index.html');
/** Screenshots of the tests' own data, to look at when one fails; docs/screenshots/ has the demo shop's (npm run screenshots). */
export const SCREENSHOT_DIR = path.join(os.tmpdir(), 'pharos-web-ui-test');
export const STEP_TIMEOUT_MS = 10_000;

export interface UiTestBed {
  pharos: InProcessPharos;
  browser: Browser;
  context: BrowserContext;
  stop(): Promise<void>;
}

/**
 * Starts Pharos, then launches Chromium while `load` sends the test's data to it. Throws (a
 * test must fail, not skip) when Chromium or the built UI is missing.
 */
export async function startUiTestBed(load: (pharos: InProcessPharos) => Promise<void>, viewport: { width: number; height: number }): Promise<UiTestBed> {
  if (!existsSync(CHROMIUM_PATH)) throw new Error(`${CHROMIUM_PATH} is missing: install Debian's chromium (apt-get install -y chromium) to run the web UI tests`);
  if (!existsSync(WEB_INDEX_HTML)) throw new Error(`${WEB_INDEX_HTML} is missing: run \`npm run build\` first (npm test does)`);
  const pharos = await startInProcessPharos();
  // Settled, not raced: a failed launch must not leave the load running into the stop.
  const [launched, loaded] = await Promise.allSettled([
    // playwright-core gives the browser a fresh temporary profile of its own.
    chromium.launch({
      executablePath: CHROMIUM_PATH,
      args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    }),
    load(pharos),
  ]);
  const browser = launched.status === 'fulfilled' ? launched.value : undefined;
  const failure = launched.status === 'rejected' ? launched.reason : loaded.status === 'rejected' ? loaded.reason : undefined;
  if (browser === undefined || failure !== undefined) {
    await browser?.close();
    await pharos.stop();
    throw failure;
  }
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  const context = await browser.newContext({ viewport, colorScheme: 'light' });
  context.setDefaultTimeout(STEP_TIMEOUT_MS);
  return {
    pharos,
    browser,
    context,
    stop: async () => {
      await context.close();
      await browser.close();
      await pharos.stop();
    },
  };
}

/** Collects every error the page logs or throws, so that a broken render does not pass quietly. */
export function watchPageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console: ${message.text()}`);
  });
  return errors;
}
