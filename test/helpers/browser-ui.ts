import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { expect } from 'vitest';
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

/** axe-core's impact levels, least severe first. */
const AXE_IMPACTS = ['minor', 'moderate', 'serious', 'critical'] as const;
export type AxeImpact = (typeof AXE_IMPACTS)[number];

/**
 * The rules every axe-core check runs: WCAG 2.0 and 2.1 at levels A and AA, plus axe's
 * best-practice rules (ARIA tree items, dialogs and tabindex, landmarks, headings), which
 * axe runs by default and the UI has always been checked against.
 */
export const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] as const;

const AXE_PATH = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

/** Where to look, as CSS selectors: axe-core's context (the whole document when `include` is absent). */
export interface AxeScope {
  include?: string[];
  exclude?: string[];
  /** The least severe impact that fails the check (default `serious`: serious and critical fail). */
  failFrom?: AxeImpact;
}

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: Array<{ target: unknown[]; impact: string | null }>;
}

/** Adds axe-core to the page (as `axe`), unless it is there already. */
export async function injectAxe(page: Page): Promise<void> {
  if (!(await page.evaluate(() => 'axe' in globalThis))) await page.addScriptTag({ path: AXE_PATH });
}

/**
 * Runs axe-core (AXE_TAGS) on the page as it is now, within `scope`, and fails the test when
 * it finds a violation of impact `failFrom` or worse, listing one line per element: rule,
 * impact, selector and what to fix. Less severe findings are printed as warnings.
 */
export async function expectNoAxeViolations(page: Page, scope: AxeScope = {}): Promise<void> {
  await injectAxe(page);
  // axe-core's context: selector lists, or the whole document.
  const context = scope.include === undefined && scope.exclude === undefined ? undefined : { include: scope.include?.map((s) => [s]), exclude: scope.exclude?.map((s) => [s]) };
  const violations = await page.evaluate(
    async ({ context, tags }) => {
      type Axe = { run: (context: unknown, options: object) => Promise<{ violations: AxeViolation[] }> };
      const { axe, document } = globalThis as unknown as { axe: Axe; document: unknown };
      const result = await axe.run(context ?? document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] });
      return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target, impact: n.impact })) }));
    },
    { context, tags: [...AXE_TAGS] },
  );
  const failFrom = AXE_IMPACTS.indexOf(scope.failFrom ?? 'serious');
  const failing: string[] = [];
  const lesser: string[] = [];
  for (const v of violations) {
    for (const n of v.nodes) {
      const impact = n.impact ?? v.impact ?? 'minor';
      const selector = n.target.map((t) => (Array.isArray(t) ? t.join(' >>> ') : String(t))).join(' ');
      (AXE_IMPACTS.indexOf(impact as AxeImpact) >= failFrom ? failing : lesser).push(`${v.id} (${impact}) ${selector}: ${v.help}`);
    }
  }
  const where = `${page.url()}${scope.include === undefined ? '' : ` in ${scope.include.join(', ')}`}`;
  if (lesser.length > 0) console.warn(`axe-core, below ${AXE_IMPACTS[failFrom]}, on ${where}:\n  ${lesser.join('\n  ')}`);
  expect(failing, `axe-core violations (${AXE_IMPACTS[failFrom]} or worse) on ${where}`).toEqual([]);
}

/**
 * Collects, from now on, the URLs of the page's requests that `matches`: a test waits for a
 * poll it expects (a positive sign that time has passed in the app), or checks that none came.
 */
export function recordRequests(page: Page, matches: (url: string) => boolean): string[] {
  const urls: string[] = [];
  page.on('request', (request) => {
    if (matches(request.url())) urls.push(request.url());
  });
  return urls;
}

/** Resolves once the page has rendered a frame and run a task after it, so that the input sent before has been handled and drawn. */
export async function waitForRenderedFrame(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = globalThis as unknown as { requestAnimationFrame(callback: () => void): void; setTimeout(callback: () => void, ms: number): void };
    return new Promise<void>((resolve) => w.requestAnimationFrame(() => w.setTimeout(resolve, 0)));
  });
}
