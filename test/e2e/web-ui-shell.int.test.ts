import path from 'node:path';
import { ROOT_CONTEXT, SpanKind, trace } from '@opentelemetry/api';
import { SeverityNumber } from '@opentelemetry/api-logs';
import type { BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCREENSHOT_DIR, STEP_TIMEOUT_MS, recordRequests, startUiTestBed, waitForRenderedFrame, watchPageErrors, type UiTestBed } from '../helpers/browser-ui.js';
import { fetchJson, type InProcessPharos } from '../helpers/in-process-pharos.js';
import { jsonMetricsRequest, postOtlpJson } from '../helpers/otlp-json-signals.js';
import { hrTimeOfMs, startSdkService } from '../helpers/otel-sdk-service.js';
import type { PageDocument, PageGetComputedStyle, PageMutationObserver, PageWindow } from '../helpers/page-dom.js';

// Browser globals for the page.evaluate callbacks (see page-dom.ts).
declare const document: PageDocument;
declare const window: PageWindow;
declare const getComputedStyle: PageGetComputedStyle;
declare const MutationObserver: PageMutationObserver;

/*
 * The web UI's shell, end to end: the header's time range picker (quick and typed relative
 * ranges, absolute From/To, zoom out, moving back and forward), zoom by dragging across the
 * log histogram and the metrics chart, auto-refresh and Refresh now showing data sent after
 * the page loaded without blanking it, the theme choice (kept over a reload, applied before
 * the app's script runs, following the OS by default), and copied URLs restoring the view.
 * A real Pharos in-process serving packages/web/dist, spans and logs sent by the OpenTelemetry
 * JS SDK, a gauge with back-dated points sent as OTLP/JSON, and Debian's Chromium. Needs
 * `npm run build`; fails, never skips, without it or without Chromium.
 */

const WEB = 'shell-web';
const API = 'shell-api';
/** Requests 2.5 to 2.2 hours ago only: in the last 6 hours, not in the last 15 minutes. */
const OLD = 'shell-old';
const LATE = 'shell-late';
const LATER = 'shell-later';
const MINUTE_MS = 60_000;
/** One web → api request and one api log record a minute over the last 50 minutes. */
const RECENT_MINUTES = 50;
const OLD_REQUESTS = 10;
/** One point a minute over the last 40 minutes. */
const GAUGE = 'shell.queue.depth';
const GAUGE_MINUTES = 40;

let pharos: InProcessPharos;
let context: BrowserContext;
let bed: UiTestBed;
/** When the data was made; every time below is relative to it. */
let sentAtMs = 0;
const logTimesMs: number[] = [];
const gaugeTimesMs: number[] = [];

/** Sends `count` web → api requests a minute apart from `firstMs` for `front` (and logs on the api side when `log`). */
async function sendRequests(front: string, back: string | undefined, firstMs: number, count: number, log: boolean): Promise<void> {
  const web = startSdkService(front, pharos);
  const api = back === undefined ? undefined : startSdkService(back, pharos);
  const webTracer = web.tracerProvider.getTracer('shell-e2e');
  for (let i = 0; i < count; i++) {
    const t0 = firstMs + i * MINUTE_MS;
    const root = webTracer.startSpan('GET /home', { kind: SpanKind.SERVER, startTime: hrTimeOfMs(t0), attributes: { 'http.route': '/home' } });
    if (api !== undefined) {
      const call = webTracer.startSpan('GET items', { kind: SpanKind.CLIENT, startTime: hrTimeOfMs(t0 + 2) }, trace.setSpan(ROOT_CONTEXT, root));
      const remote = trace.setSpanContext(ROOT_CONTEXT, { ...call.spanContext(), isRemote: true });
      const server = api.tracerProvider.getTracer('shell-e2e').startSpan('GET /items', { kind: SpanKind.SERVER, startTime: hrTimeOfMs(t0 + 3) }, remote);
      if (log) {
        logTimesMs.push(t0 + 5);
        api.loggerProvider.getLogger('shell-e2e').emit({ body: `items listed, minute ${i}`, severityNumber: SeverityNumber.INFO, severityText: 'INFO', timestamp: hrTimeOfMs(t0 + 5), context: trace.setSpan(ROOT_CONTEXT, server) });
      }
      server.end(hrTimeOfMs(t0 + 20));
      call.end(hrTimeOfMs(t0 + 21));
    }
    root.end(hrTimeOfMs(t0 + 25));
  }
  await web.finish();
  await api?.finish();
}

async function sendData(): Promise<void> {
  sentAtMs = Date.now();
  await sendRequests(WEB, API, sentAtMs - RECENT_MINUTES * MINUTE_MS + 30_000, RECENT_MINUTES, true);
  await sendRequests(OLD, undefined, sentAtMs - 150 * MINUTE_MS, OLD_REQUESTS, false);
  // The SDK dates metric points at export time, so the back-dated gauge goes as OTLP/JSON.
  for (let i = 0; i < GAUGE_MINUTES; i++) gaugeTimesMs.push(sentAtMs - (GAUGE_MINUTES - i) * MINUTE_MS + 10_000);
  const response = await postOtlpJson(pharos.otlpHttpUrl, 'metrics', jsonMetricsRequest(API, [{ name: GAUGE, kind: 'gauge', unit: '{item}', points: gaugeTimesMs.map((timeMs, i) => ({ timeMs, value: i })) }]));
  if (response.status !== 200) throw new Error(`metrics export: ${response.status} ${response.text}`);
}

beforeAll(async () => {
  bed = await startUiTestBed((started) => {
    pharos = started; // the loader sends to it
    return sendData();
  }, { width: 1280, height: 900 });
  ({ pharos, context } = bed);
});

afterAll(async () => {
  await bed?.stop();
});

const serviceRows = (page: Page) => page.locator('.services-table tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-service')).sort());
/** The services page's request (its first load, and each refresh). */
const isSummaryRequest = (url: string) => url.includes('/pharos/v1/services/summary?');
const urlOf = (page: Page) => new URL(page.url());
const rangeButton = (page: Page) => page.getByRole('button', { name: /^Time range:/ });
const panel = (page: Page) => page.getByRole('dialog', { name: 'Time range' });

/** A local `YYYY-MM-DD HH:mm:ss` in the page's time zone, as the picker reads it. */
const formatInPage = (page: Page, ms: number) =>
  page.evaluate((t) => {
    const d = new Date(t);
    const pad = (n: number) => String(n).padStart(2, '0');
    return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
  }, ms);

/** Presses at fraction `a` of `box`'s width (of its plot, between `left` and `right` px), drags to `b`, releases. */
async function dragAcross(page: Page, target: Locator, a: number, b: number, plot: { leftFraction: number; rightFraction: number } = { leftFraction: 0, rightFraction: 1 }): Promise<void> {
  const box = (await target.boundingBox())!;
  const xAt = (f: number) => box.x + box.width * (plot.leftFraction + f * (plot.rightFraction - plot.leftFraction));
  const y = box.y + box.height / 2;
  await page.mouse.move(xAt(a), y);
  await page.mouse.down();
  await page.mouse.move((xAt(a) + xAt(b)) / 2, y, { steps: 5 });
  expect(await page.locator('.zoom-band').count()).toBe(1);
  await page.mouse.move(xAt(b), y, { steps: 5 });
  await page.mouse.up();
}

describe('web UI shell', () => {
  it('picks quick, typed and absolute ranges, zooms out, moves, and a copied URL restores the view', async () => {
    // The data is in before the browser looks (the API flushes acknowledged writes first).
    const { body } = await fetchJson<{ services: Array<{ name: string }> }>(pharos.apiUrl, '/pharos/v1/services/summary?start=now-6h&end=now&buckets=10');
    expect(body.services.map((s) => s.name)).toEqual([API, OLD, WEB]);

    const page = await context.newPage();
    const pageErrors = watchPageErrors(page);
    await page.goto(`${pharos.apiUrl}/?range=15m`);
    await expect.poll(() => serviceRows(page), { timeout: STEP_TIMEOUT_MS }).toEqual([API, WEB]);
    expect(await rangeButton(page).innerText()).toContain('Last 15 minutes');
    expect(await page.title()).toBe('Services · Pharos');

    // The range button opens the panel with focus in From; a quick range applies at once.
    await rangeButton(page).click();
    await panel(page).waitFor();
    expect(await rangeButton(page).getAttribute('aria-expanded')).toBe('true');
    expect(await page.evaluate(() => document.activeElement?.closest('label')?.textContent?.trim().startsWith('From'))).toBe(true);
    expect(await page.getByLabel('From', { exact: true }).inputValue()).toBe('now-15m');
    expect(await page.getByLabel('To', { exact: true }).inputValue()).toBe('now');
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'shell-range-panel.png') });
    await panel(page).getByRole('button', { name: 'Last 6 hours' }).click();
    await page.waitForURL((url) => url.searchParams.get('range') === '6h');
    await expect.poll(() => serviceRows(page), { timeout: STEP_TIMEOUT_MS }).toEqual([API, OLD, WEB]);
    expect(await panel(page).count()).toBe(0);
    expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe('Time range: Last 6 hours');

    // An absolute window typed as local times: only the old service's requests lie in it.
    const fromMs = Math.floor((sentAtMs - 3 * 60 * MINUTE_MS) / 1000) * 1000;
    const toMs = fromMs + 60 * MINUTE_MS;
    await page.keyboard.press('Enter'); // the focused range button
    await panel(page).waitFor();
    await page.getByLabel('From', { exact: true }).fill(await formatInPage(page, fromMs));
    await page.getByLabel('To', { exact: true }).fill(await formatInPage(page, toMs));
    await page.getByRole('button', { name: 'Apply time range' }).click();
    await page.waitForURL((url) => url.searchParams.has('from'));
    expect({ from: urlOf(page).searchParams.get('from'), to: urlOf(page).searchParams.get('to'), range: urlOf(page).searchParams.get('range') }).toEqual({ from: String(fromMs), to: String(toMs), range: null });
    await expect.poll(() => serviceRows(page), { timeout: STEP_TIMEOUT_MS }).toEqual([OLD]);
    const shown = await rangeButton(page).innerText();
    expect(shown).toContain(`${await formatInPage(page, fromMs)} to ${(await formatInPage(page, toMs)).slice(11)}`);
    const copiedUrl = page.url();

    // A mistake is explained in place; Escape closes without a change and returns focus.
    await rangeButton(page).click();
    await page.getByLabel('From', { exact: true }).fill('yesterday');
    await page.getByRole('button', { name: 'Apply time range' }).click();
    expect(await panel(page).getByRole('alert').innerText()).toMatch(/“From” is not a time/);
    expect(await page.getByLabel('From', { exact: true }).getAttribute('aria-invalid')).toBe('true');
    await page.keyboard.press('Escape');
    expect(await panel(page).count()).toBe(0);
    expect(page.url()).toBe(copiedUrl);
    expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-haspopup'))).toBe('dialog');

    // The copied URL, opened afresh, shows the same window and rows.
    const fresh = await context.newPage();
    const freshErrors = watchPageErrors(fresh);
    await fresh.goto(copiedUrl);
    await expect.poll(() => serviceRows(fresh), { timeout: STEP_TIMEOUT_MS }).toEqual([OLD]);
    expect(await rangeButton(fresh).innerText()).toBe(shown);
    await fresh.close();

    // Zoom out doubles the window around its centre; Back and Forward move it by half.
    await page.getByRole('button', { name: 'Zoom out' }).click();
    await page.waitForURL((url) => url.searchParams.get('from') === String(fromMs - 30 * MINUTE_MS));
    expect(urlOf(page).searchParams.get('to')).toBe(String(toMs + 30 * MINUTE_MS));
    await page.getByRole('button', { name: 'Move time range back' }).click();
    await page.waitForURL((url) => url.searchParams.get('from') === String(fromMs - 90 * MINUTE_MS));
    await page.getByRole('button', { name: 'Move time range forward' }).click();
    await page.waitForURL((url) => url.searchParams.get('from') === String(fromMs - 30 * MINUTE_MS));
    // Browser history holds each range.
    await page.goBack();
    await page.waitForURL((url) => url.searchParams.get('from') === String(fromMs - 90 * MINUTE_MS));

    // A typed relative range follows the clock; zooming out keeps it relative.
    await rangeButton(page).click();
    await page.getByLabel('From', { exact: true }).fill('now-90m');
    await page.getByLabel('To', { exact: true }).fill('now');
    await page.getByLabel('To', { exact: true }).press('Enter');
    await page.waitForURL((url) => url.searchParams.get('range') === '90m' && !url.searchParams.has('from'));
    expect(await rangeButton(page).innerText()).toContain('Last 90 minutes');
    await expect.poll(() => serviceRows(page), { timeout: STEP_TIMEOUT_MS }).toEqual([API, WEB]);
    expect(await page.getByRole('button', { name: 'Move time range forward' }).isDisabled()).toBe(true);
    await page.getByRole('button', { name: 'Zoom out' }).click();
    await page.waitForURL((url) => url.searchParams.get('range') === '180m');
    await expect.poll(() => serviceRows(page), { timeout: STEP_TIMEOUT_MS }).toEqual([API, OLD, WEB]);

    // The range follows the header's links.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Traces' }).click();
    await page.waitForURL((url) => url.pathname === '/traces' && url.searchParams.get('range') === '180m');
    // A new page is named in the tab's title and takes focus, so Tab starts from its top.
    await expect.poll(() => page.title(), { timeout: STEP_TIMEOUT_MS }).toBe('Traces · Pharos');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('id'))).toBe('main');

    expect([...pageErrors, ...freshErrors]).toEqual([]);
    await page.close();
  });

  it('zooms to the window dragged across the log histogram and the metrics chart', async () => {
    const page = await context.newPage();
    const pageErrors = watchPageErrors(page);

    // Logs: the histogram's axis is its answer's buckets.
    const histogramAnswer = page.waitForResponse((r) => r.url().includes('/pharos/v1/logs/histogram'));
    await page.goto(`${pharos.apiUrl}/logs?range=1h`);
    const histogram = (await (await histogramAnswer).json()) as { startUnixNano: string; bucketNs: string; buckets: unknown[] };
    const axisFromMs = Number(BigInt(histogram.startUnixNano) / 1_000_000n);
    const axisMs = Number((BigInt(histogram.bucketNs) * BigInt(histogram.buckets.length)) / 1_000_000n);
    // The histogram's label counts the records in the range (the list below may be virtualised).
    const histogramTotal = async () => Number(/^(\d+) log records? over time/.exec((await page.getByRole('img', { name: /log records? over time/ }).getAttribute('aria-label')) ?? '')?.[1]);
    await expect.poll(histogramTotal, { timeout: STEP_TIMEOUT_MS }).toBe(RECENT_MINUTES);
    const chart = page.locator('.log-histogram svg');
    const before = page.url();

    // A click is not a drag, and Escape cancels a drag: neither changes the range.
    const box = (await chart.boundingBox())!;
    await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.move(box.x + box.width * 0.2, box.y + 40);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.5, box.y + 40, { steps: 5 });
    expect(await page.locator('.zoom-band').count()).toBe(1);
    await page.keyboard.press('Escape');
    expect(await page.locator('.zoom-band').count()).toBe(0);
    await page.mouse.up();
    // A drag that zooms sets the URL as the button is released: once the page has drawn a
    // frame after the release, it would have.
    await waitForRenderedFrame(page);
    expect(page.url()).toBe(before);

    await dragAcross(page, chart, 0.25, 0.6);
    await page.waitForURL((url) => url.searchParams.has('from'));
    const logWindow = { from: Number(urlOf(page).searchParams.get('from')), to: Number(urlOf(page).searchParams.get('to')) };
    // Within 2 px of the chart's width either way.
    const logSlopMs = (2 / box.width) * axisMs;
    expect(Math.abs(logWindow.from - (axisFromMs + 0.25 * axisMs))).toBeLessThan(logSlopMs);
    expect(Math.abs(logWindow.to - (axisFromMs + 0.6 * axisMs))).toBeLessThan(logSlopMs);
    expect(urlOf(page).searchParams.has('range')).toBe(false);
    const logsInWindow = logTimesMs.filter((t) => t >= logWindow.from && t < logWindow.to).length;
    expect(logsInWindow).toBeGreaterThan(10);
    await expect.poll(histogramTotal, { timeout: STEP_TIMEOUT_MS }).toBe(logsInWindow);
    // The newest record listed is the last one in the window.
    const newestInWindow = logTimesMs.filter((t) => t < logWindow.to).length - 1;
    await expect.poll(() => page.locator('.log-body').first().innerText(), { timeout: STEP_TIMEOUT_MS }).toBe(`items listed, minute ${newestInWindow}`);
    expect(await rangeButton(page).innerText()).toMatch(/\d{4}-\d\d-\d\d \d\d:\d\d:\d\d to /);
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'shell-logs-zoomed.png') });

    // Metrics: the chart's axis runs from the first point to the last; its plot lies between
    // the value labels (104 of 960 viewBox units) and the right margin (24).
    await page.goto(`${pharos.apiUrl}/explore/metrics?range=1h&metric=${GAUGE}`);
    const points = page.locator('svg .chart-line circle');
    await expect.poll(() => points.count(), { timeout: STEP_TIMEOUT_MS }).toBe(GAUGE_MINUTES);
    const metricsUrl = page.url();
    const lineChart = page.locator('.line-chart svg');
    const chartBox = (await lineChart.boundingBox())!;
    const plot = { leftFraction: 104 / 960, rightFraction: (960 - 24) / 960 };
    await dragAcross(page, lineChart, 0.25, 0.75, plot);
    await page.waitForURL((url) => url.searchParams.has('from'));
    const metricWindow = { from: Number(urlOf(page).searchParams.get('from')), to: Number(urlOf(page).searchParams.get('to')) };
    // The explorer puts points on its step grid (12 s for an hour: 300 steps).
    const stepMs = 12_000;
    const firstMs = Math.floor(gaugeTimesMs[0] / stepMs) * stepMs;
    const spanMs = Math.floor(gaugeTimesMs[GAUGE_MINUTES - 1] / stepMs) * stepMs - firstMs;
    const metricSlopMs = (2 / (chartBox.width * (plot.rightFraction - plot.leftFraction))) * spanMs;
    expect(Math.abs(metricWindow.from - (firstMs + 0.25 * spanMs))).toBeLessThan(metricSlopMs);
    expect(Math.abs(metricWindow.to - (firstMs + 0.75 * spanMs))).toBeLessThan(metricSlopMs);
    expect(urlOf(page).searchParams.get('metric')).toBe(GAUGE);
    const pointsInWindow = gaugeTimesMs.filter((t) => t >= metricWindow.from && t <= metricWindow.to).length;
    expect(pointsInWindow).toBeGreaterThan(15);
    expect(pointsInWindow).toBeLessThan(GAUGE_MINUTES);
    await expect.poll(() => points.count(), { timeout: STEP_TIMEOUT_MS }).toBe(pointsInWindow);
    const zoomedUrl = page.url();
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'shell-metrics-zoomed.png') });

    // The zoomed URL reloads the same view; Back returns to the hour.
    const fresh = await context.newPage();
    const freshErrors = watchPageErrors(fresh);
    await fresh.goto(zoomedUrl);
    await expect.poll(() => fresh.locator('svg .chart-line circle').count(), { timeout: STEP_TIMEOUT_MS }).toBe(pointsInWindow);
    await fresh.close();
    await page.goBack();
    await page.waitForURL(metricsUrl);
    await expect.poll(() => points.count(), { timeout: STEP_TIMEOUT_MS }).toBe(GAUGE_MINUTES);

    expect([...pageErrors, ...freshErrors]).toEqual([]);
    await page.close();
  });

  it('auto-refresh and Refresh now show data sent after the page loaded, keeping the old data on screen', async () => {
    const page = await context.newPage();
    const pageErrors = watchPageErrors(page);
    await page.goto(`${pharos.apiUrl}/?range=15m&refresh=5s`);
    await expect.poll(() => serviceRows(page), { timeout: STEP_TIMEOUT_MS }).toEqual([API, WEB]);
    expect(await page.getByLabel('Auto-refresh').inputValue()).toBe('5s');

    // Watch every change to the page: the table must never go, nor a loading state appear.
    await page.evaluate(() => {
      const w = window as unknown as { pharosMarker: number; blanks: number };
      w.pharosMarker = 1;
      w.blanks = 0;
      new MutationObserver(() => {
        if (document.querySelector('.services-table') === null || document.querySelector('.state-loading') !== null) w.blanks++;
      }).observe(document.body, { subtree: true, childList: true, characterData: true });
    });
    await sendRequests(LATE, undefined, Date.now() - 2 * MINUTE_MS, 2, false);
    await expect.poll(() => serviceRows(page), { timeout: 15_000, interval: 100 }).toEqual([API, LATE, WEB]);
    expect(await page.evaluate(() => (window as unknown as { pharosMarker?: number }).pharosMarker)).toBe(1);
    expect(await page.evaluate(() => (window as unknown as { blanks: number }).blanks)).toBe(0);

    // Off: nothing new shows by itself; Refresh now fetches it, again without blanking. A
    // second page, refreshing every 5 s, shows when an auto-refresh would have shown it: it
    // refreshes twice after the data is in, while the page turned off asks for nothing.
    await page.getByLabel('Auto-refresh').selectOption('off');
    await page.waitForURL((url) => !url.searchParams.has('refresh'));
    const watcher = await context.newPage();
    const watcherErrors = watchPageErrors(watcher);
    await watcher.goto(`${pharos.apiUrl}/?range=15m&refresh=5s`);
    await expect.poll(() => serviceRows(watcher), { timeout: STEP_TIMEOUT_MS }).toEqual([API, LATE, WEB]);
    const askedWhileOff = recordRequests(page, isSummaryRequest);
    await sendRequests(LATER, undefined, Date.now() - MINUTE_MS, 1, false);
    const watcherRefreshes = recordRequests(watcher, isSummaryRequest);
    await expect.poll(() => watcherRefreshes.length, { timeout: 15_000 }).toBeGreaterThanOrEqual(2);
    await expect.poll(() => serviceRows(watcher), { timeout: STEP_TIMEOUT_MS }).toEqual([API, LATE, LATER, WEB]);
    await watcher.close();
    expect(watcherErrors).toEqual([]);
    expect(askedWhileOff).toEqual([]);
    expect(await serviceRows(page)).toEqual([API, LATE, WEB]);
    await page.getByRole('button', { name: 'Refresh now' }).click();
    await expect.poll(() => serviceRows(page), { timeout: STEP_TIMEOUT_MS }).toEqual([API, LATE, LATER, WEB]);
    expect(await page.evaluate(() => (window as unknown as { blanks: number }).blanks)).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { pharosMarker?: number }).pharosMarker)).toBe(1);

    expect(pageErrors).toEqual([]);
    await page.close();
  });

  it('keeps the theme choice over a reload, applies it before the app runs, and follows the OS by default', async () => {
    const themed = await bed.browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme: 'light' });
    themed.setDefaultTimeout(STEP_TIMEOUT_MS);
    try {
      const page = await themed.newPage();
      const pageErrors = watchPageErrors(page);
      const background = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
      const dataTheme = () => page.evaluate(() => document.documentElement.getAttribute('data-theme'));
      const LIGHT_BG = 'rgb(247, 248, 250)';
      const DARK_BG = 'rgb(18, 21, 27)';

      await page.goto(`${pharos.apiUrl}/?range=15m`);
      await page.locator('.services-table').waitFor();
      const theme = page.getByLabel('Colour theme');
      expect(await theme.inputValue()).toBe('system');
      expect(await dataTheme()).toBeNull();
      expect(await background()).toBe(LIGHT_BG);
      // System follows the OS.
      await page.emulateMedia({ colorScheme: 'dark' });
      expect(await background()).toBe(DARK_BG);
      // A choice overrides the OS either way.
      await theme.selectOption('light');
      expect(await dataTheme()).toBe('light');
      expect(await background()).toBe(LIGHT_BG);
      await page.emulateMedia({ colorScheme: 'light' });
      await theme.selectOption('dark');
      expect(await dataTheme()).toBe('dark');
      expect(await background()).toBe(DARK_BG);
      await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'shell-dark.png') });

      // Kept over a reload.
      await page.reload();
      await page.locator('.services-table').waitFor();
      expect(await dataTheme()).toBe('dark');
      expect(await page.getByLabel('Colour theme').inputValue()).toBe('dark');
      expect(await background()).toBe(DARK_BG);

      // Applied by index.html itself: with the app's script blocked the page is dark all the same.
      const bare = await themed.newPage();
      await bare.route(/\/assets\/.*\.js$/, (route) => route.abort());
      await bare.goto(`${pharos.apiUrl}/?range=15m`);
      expect(await bare.evaluate(() => document.documentElement.getAttribute('data-theme'))).toBe('dark');
      expect(await bare.evaluate(() => getComputedStyle(document.body).backgroundColor)).toBe(DARK_BG);
      await bare.close();

      // Back to the system choice: nothing stored, the OS decides again.
      await page.getByLabel('Colour theme').selectOption('system');
      expect(await dataTheme()).toBeNull();
      expect(await page.evaluate(() => window.localStorage.getItem('pharos.theme'))).toBeNull();
      expect(await background()).toBe(LIGHT_BG);
      expect(pageErrors).toEqual([]);
    } finally {
      await themed.close();
    }
  });
});
