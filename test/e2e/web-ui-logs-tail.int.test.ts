import path from 'node:path';
import { ROOT_CONTEXT, SpanKind, trace } from '@opentelemetry/api';
import { SeverityNumber, type Logger } from '@opentelemetry/api-logs';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCREENSHOT_DIR, STEP_TIMEOUT_MS, expectNoAxeViolations, recordRequests, startUiTestBed, watchPageErrors, type UiTestBed } from '../helpers/browser-ui.js';
import { fetchJson, type InProcessPharos } from '../helpers/in-process-pharos.js';
import { hrTimeOfMs, startSdkService, type SdkService } from '../helpers/otel-sdk-service.js';

/*
 * The logs list as a reader uses it, end to end: a real Pharos (in-process, serving the built
 * packages/web/dist), log records sent by the OpenTelemetry JS SDK (logs API, OTLP/HTTP
 * protobuf), Chromium driven by playwright-core. Infinite scroll through four pages of a
 * virtualised list, expanding a record by keyboard and opening its trace, a service that
 * sends only logs in the service filter, and live tail: records emitted after the page
 * loaded appear on top without a reload, are counted while the reader is scrolled down, and
 * stop coming when live tail is turned off or the page is left. Needs `npm run build` and Debian's chromium at
 * /usr/bin/chromium; fails, never skips, without them.
 */

const API = 'tail-api';
const CRON = 'tail-cron';
/** API records `entry 0` … `entry 349`, one a second over the last ~6 minutes: four pages of 100, newest first. */
const ENTRY_COUNT = 350;
/** Every 10th entry is logged inside a span of its own trace. */
const tiedToTrace = (k: number) => k % 10 === 0;
/** The cron job's records (it sends no spans). */
const CRON_COUNT = 3;
/**
 * Live tail polls every 2 s. Before saying that a page no longer live asked for nothing, a test
 * waits for this many polls of a page still live: at least two whole intervals.
 */
const LIVE_POLLS_TO_WAIT = 3;
/** Live tail's poll: a search of the logs (not the histogram). */
const isLogSearch = (url: string) => url.includes('/pharos/v1/logs?');

let bed: UiTestBed;
let pharos: InProcessPharos;
let context: BrowserContext;
/** Trace id of entry k, for entries tied to a trace. */
const entryTraceIds = new Map<number, string>();

/** A service's SDK providers, sending to the Pharos under test. */
const startService = (serviceName: string): SdkService => startSdkService(serviceName, pharos);
const loggerOf = (service: SdkService): Logger => service.loggerProvider.getLogger('logs-tail-e2e');

/** Flushes and shuts `service` down; throws unless its logs were exported, all successfully. */
async function finishLogs(service: SdkService, what: string): Promise<void> {
  await service.finish();
  service.logExporter.log.assertAllSucceeded(what);
}

/** The API's entries (some in spans) and the cron job's records, all in the past. */
async function sendHistory(): Promise<void> {
  const api = startService(API);
  const cron = startService(CRON);
  const tracer = api.tracerProvider.getTracer('logs-tail-e2e');
  const firstMs = Date.now() - (ENTRY_COUNT + 10) * 1000;
  for (let k = 0; k < ENTRY_COUNT; k++) {
    const atMs = firstMs + k * 1000;
    const severityNumber = k % 25 === 0 ? SeverityNumber.ERROR : SeverityNumber.INFO;
    const record = { body: `entry ${k}`, severityNumber, severityText: severityNumber === SeverityNumber.ERROR ? 'ERROR' : 'INFO', timestamp: hrTimeOfMs(atMs), attributes: { 'entry.number': k } };
    if (tiedToTrace(k)) {
      const span = tracer.startSpan(`GET /entries/${k}`, { kind: SpanKind.SERVER, startTime: hrTimeOfMs(atMs - 5) });
      entryTraceIds.set(k, span.spanContext().traceId);
      loggerOf(api).emit({ ...record, context: trace.setSpan(ROOT_CONTEXT, span) });
      span.end(hrTimeOfMs(atMs + 5));
    } else {
      loggerOf(api).emit(record);
    }
  }
  for (let i = 0; i < CRON_COUNT; i++) {
    loggerOf(cron).emit({ body: `nightly cleanup step ${i}`, severityNumber: SeverityNumber.WARN, severityText: 'WARN', timestamp: hrTimeOfMs(firstMs + i * 60_000 + 500) });
  }
  await finishLogs(api, `${API} log export`);
  api.spanExporter.log.assertAllSucceeded('span export');
  await finishLogs(cron, `${CRON} log export`);
}

beforeAll(async () => {
  bed = await startUiTestBed((started) => {
    pharos = started;
    return sendHistory();
  }, { width: 1280, height: 900 });
  ({ pharos, context } = bed);
});

afterAll(async () => {
  await bed?.stop();
});

const bodiesInDom = (page: Page) => page.locator('.log-item .log-body').allInnerTexts();
/** The body of the row that has the keyboard focus. */
const focusedBody = async (page: Page) => ((await page.locator('.log-row:focus').count()) === 1 ? page.locator('.log-row:focus .log-body').innerText() : undefined);
const rowsInDom = (page: Page) => page.locator('.log-item').count();
const scrollList = (page: Page, to: 'bottom' | 'top' | number) =>
  page.locator('.log-scroll').evaluate((el, where) => {
    el.scrollTop = where === 'bottom' ? el.scrollHeight : where === 'top' ? 0 : where;
  }, to);

describe('web UI: logs list', () => {
  it('scrolls through older pages in a virtualised list, expands a record by keyboard and opens its trace', async () => {
    const page = await context.newPage();
    const errors = watchPageErrors(page);
    await page.goto(`${pharos.apiUrl}/logs?range=15m&service=${API}`);
    await page.getByText(/^100 records shown, newest first/).waitFor();
    expect((await bodiesInDom(page))[0]).toBe(`entry ${ENTRY_COUNT - 1}`);
    // Virtualised: a screenful of rows, not the page of 100.
    expect(await rowsInDom(page)).toBeLessThan(60);

    // Scrolling down a screen at a time loads older pages as the end nears: "entry 100" is on page 3.
    const page3Entry = 'entry 100';
    for (let screens = 0; !(await bodiesInDom(page)).includes(page3Entry); screens++) {
      if (screens > 80) throw new Error(`${page3Entry} never appeared while scrolling down`);
      await page.locator('.log-scroll').evaluate((el) => el.scrollBy(0, el.clientHeight * 0.8));
      await page.waitForTimeout(60);
    }
    expect(await page.getByText(/^(300|350) records shown/).count()).toBe(1);
    expect(await rowsInDom(page)).toBeLessThan(60);
    // At the very end: the last page, then the end-of-results row.
    await expect
      .poll(
        async () => {
          await scrollList(page, 'bottom');
          return page.getByText(`End of results: ${ENTRY_COUNT} records in this time range.`).count();
        },
        { timeout: STEP_TIMEOUT_MS },
      )
      .toBe(1);
    expect(await page.getByRole('button', { name: 'Load more' }).count()).toBe(0);
    const lastBodies = await bodiesInDom(page);
    expect(lastBodies[lastBodies.length - 1]).toBe('entry 0');
    expect(await rowsInDom(page)).toBeLessThan(60);
    // Rows say where they are in the whole list, for screen readers.
    expect(await page.locator('.log-item').last().getAttribute('aria-posinset')).toBe(String(ENTRY_COUNT));
    expect(await page.locator('.log-item').last().getAttribute('aria-setsize')).toBe(String(ENTRY_COUNT));

    // Keyboard: the arrow keys move between rows, Enter opens one.
    await scrollList(page, 'top');
    await expect.poll(async () => (await bodiesInDom(page))[0], { timeout: STEP_TIMEOUT_MS }).toBe(`entry ${ENTRY_COUNT - 1}`);
    await page.locator('.log-item', { hasText: `entry ${ENTRY_COUNT - 1}` }).locator('.log-row').focus();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    await expect.poll(() => focusedBody(page), { timeout: STEP_TIMEOUT_MS }).toBe(`entry ${ENTRY_COUNT - 3}`);
    await page.keyboard.press('End');
    await expect.poll(() => focusedBody(page), { timeout: STEP_TIMEOUT_MS }).toBe('entry 0');
    await page.keyboard.press('Home');
    await expect.poll(() => focusedBody(page), { timeout: STEP_TIMEOUT_MS }).toBe(`entry ${ENTRY_COUNT - 1}`);
    // entry 340 is tied to a trace: ArrowDown to it (9 rows down), then Enter.
    for (let i = 0; i < 9; i++) await page.keyboard.press('ArrowDown');
    await expect.poll(() => focusedBody(page), { timeout: STEP_TIMEOUT_MS }).toBe('entry 340');
    await page.keyboard.press('Enter');
    const row = page.locator('.log-item', { hasText: 'entry 340' }).locator('.log-row');
    expect(await row.getAttribute('aria-expanded')).toBe('true');
    const details = page.getByRole('region', { name: `Details of the info record from ${API}` });
    await details.waitFor();
    const detailsText = await details.innerText();
    expect(detailsText).toMatch(/entry\.number\s+340/);
    expect(detailsText).toMatch(/service\.name\s+tail-api/);
    expect(detailsText).toContain(entryTraceIds.get(340));
    // The expanded row takes the room it needs: the next row starts below its details.
    const [rowBox, nextBox] = await Promise.all([page.locator('.log-item', { hasText: 'entry 340' }).boundingBox(), page.locator('.log-item', { hasText: 'entry 339' }).boundingBox()]);
    expect(nextBox!.y).toBeGreaterThanOrEqual(rowBox!.y + rowBox!.height - 1);
    expect(rowBox!.height).toBeGreaterThan(100);
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'logs-expanded.png') });

    await details.getByRole('link', { name: 'Open trace' }).click();
    await page.waitForURL((url) => url.pathname === `/traces/${entryTraceIds.get(340)}`);
    await page.getByText('GET /entries/340').first().waitFor();
    expect(errors).toEqual([]);
    await page.close();
  });

  it('offers a service that sends only logs in the service filter', async () => {
    const { body: traceServices } = await fetchJson<{ services: string[] }>(pharos.apiUrl, '/pharos/v1/services');
    expect(traceServices.services).not.toContain(CRON);
    const page = await context.newPage();
    const errors = watchPageErrors(page);
    await page.goto(`${pharos.apiUrl}/logs?range=15m`);
    await expect.poll(() => page.getByLabel('Service').locator('option').allInnerTexts(), { timeout: STEP_TIMEOUT_MS }).toEqual(['All services', API, CRON]);
    await page.getByLabel('Service').selectOption(CRON);
    await page.getByRole('button', { name: 'Search' }).click();
    await expect.poll(() => bodiesInDom(page), { timeout: STEP_TIMEOUT_MS }).toEqual(['nightly cleanup step 2', 'nightly cleanup step 1', 'nightly cleanup step 0']);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('tails new records live, holds them back while the reader scrolls, and stops when turned off', async () => {
    const page = await context.newPage();
    const errors = watchPageErrors(page);
    await page.goto(`${pharos.apiUrl}/logs?range=15m&service=${API}`);
    await page.getByText(/^100 records shown/).waitFor();
    const histogramLabel = () => page.getByRole('img', { name: /log records? over time/ }).getAttribute('aria-label');
    expect(await histogramLabel()).toMatch(new RegExp(`^${ENTRY_COUNT} log records over time`));

    // Turned on by its labelled switch; the state goes into the URL.
    await page.getByRole('switch', { name: 'Live tail' }).check();
    await page.waitForURL((url) => url.searchParams.get('live') === '1');
    await page.getByRole('status').filter({ hasText: 'Live: new records appear at the top' }).waitFor();

    const live = startService(API);
    const emitNow = async (body: string) => {
      loggerOf(live).emit({ body, severityNumber: SeverityNumber.WARN, severityText: 'WARN', timestamp: hrTimeOfMs(Date.now()) });
      await live.loggerProvider.forceFlush();
    };
    try {
      // Emitted after the page loaded: on top within a few polls, without a reload.
      await emitNow('live record A');
      await expect.poll(async () => (await bodiesInDom(page))[0], { timeout: STEP_TIMEOUT_MS }).toBe('live record A');
      await emitNow('live record B');
      await expect.poll(async () => (await bodiesInDom(page)).slice(0, 2), { timeout: STEP_TIMEOUT_MS }).toEqual(['live record B', 'live record A']);
      expect(await page.getByText(/^102 records shown/).count()).toBe(1);
      // The histogram follows (it is asked again every 5 s while live).
      await expect.poll(histogramLabel, { timeout: STEP_TIMEOUT_MS }).toMatch(new RegExp(`^${ENTRY_COUNT + 2} log records over time`));

      // Scrolled down, the reader keeps their place: new records are counted, not inserted.
      await scrollList(page, 600);
      await page.getByRole('status').filter({ hasText: 'Live: paused while you scroll' }).waitFor();
      await emitNow('live record C');
      const jump = page.getByRole('button', { name: '1 new record — jump to top' });
      await jump.waitFor({ timeout: STEP_TIMEOUT_MS });
      expect(await page.getByText(/^102 records shown/).count()).toBe(1);
      await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'logs-live-paused.png') });
      await jump.click();
      await expect.poll(async () => (await bodiesInDom(page)).slice(0, 3), { timeout: STEP_TIMEOUT_MS }).toEqual(['live record C', 'live record B', 'live record A']);
      expect(await page.locator('.log-scroll').evaluate((el) => el.scrollTop)).toBe(0);

      // A copied link reopens live tail.
      const fresh = await context.newPage();
      const freshErrors = watchPageErrors(fresh);
      await fresh.goto(page.url());
      expect(await fresh.getByRole('switch', { name: 'Live tail' }).isChecked()).toBe(true);
      await expect.poll(async () => (await bodiesInDom(fresh))[0], { timeout: STEP_TIMEOUT_MS }).toBe('live record C');
      // Leaving the page stops live tail's polling: while the first page, still live, polls
      // LIVE_POLLS_TO_WAIT times (whole poll intervals after leaving), the left one asks nothing.
      const afterLeaving = recordRequests(fresh, isLogSearch);
      await fresh.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Traces' }).click();
      await fresh.waitForURL((url) => url.pathname === '/traces');
      const pollsSinceLeaving = recordRequests(page, isLogSearch);
      await expect.poll(() => pollsSinceLeaving.length, { timeout: STEP_TIMEOUT_MS }).toBeGreaterThanOrEqual(LIVE_POLLS_TO_WAIT);
      expect(afterLeaving).toEqual([]);
      await fresh.close();
      expect(freshErrors).toEqual([]);

      // Turned off: no more polling, so a new record does not show up. A second page, live on
      // the same view, shows when it would have: it finds the record, and polls again
      // (LIVE_POLLS_TO_WAIT times) while the page turned off asks for nothing.
      const watcher = await context.newPage();
      const watcherErrors = watchPageErrors(watcher);
      await watcher.goto(page.url());
      await expect.poll(async () => (await bodiesInDom(watcher))[0], { timeout: STEP_TIMEOUT_MS }).toBe('live record C');
      await page.getByRole('switch', { name: 'Live tail' }).uncheck();
      await page.waitForURL((url) => !url.searchParams.has('live'));
      expect(await page.getByRole('status').filter({ hasText: /^Live:/ }).count()).toBe(0);
      const requests = recordRequests(page, isLogSearch);
      await emitNow('live record D');
      await expect.poll(async () => (await bodiesInDom(watcher))[0], { timeout: STEP_TIMEOUT_MS }).toBe('live record D');
      const watcherPolls = recordRequests(watcher, isLogSearch);
      await expect.poll(() => watcherPolls.length, { timeout: STEP_TIMEOUT_MS }).toBeGreaterThanOrEqual(LIVE_POLLS_TO_WAIT);
      expect((await bodiesInDom(page))[0]).toBe('live record C');
      expect(requests).toEqual([]);
      await watcher.close();
      expect(watcherErrors).toEqual([]);

      // Accessibility of the page as it stands: a list, live controls, an expanded record.
      await page.locator('.log-row').first().click();
      await expectNoAxeViolations(page, { include: ['main'] });
    } finally {
      await finishLogs(live, 'live log export');
    }
    expect(errors).toEqual([]);
    await page.close();
  });

  it('tells a newcomer how to send logs when there are none', async () => {
    const page = await context.newPage();
    const errors = watchPageErrors(page);
    // A window in the past without any record, and no filter.
    const toMs = Date.now() - 3 * 86_400_000;
    await page.goto(`${pharos.apiUrl}/logs?from=${toMs - 3_600_000}&to=${toMs}`);
    await page.getByRole('heading', { name: 'No log records in this time range' }).waitFor();
    const text = await page.locator('.state-empty').innerText();
    expect(text).toContain('OTEL_EXPORTER_OTLP_ENDPOINT=http://localhost:4318');
    expect(text).toContain('node --import @pharos/node/register app.js');
    expect(text).toContain('npm run demo');
    // Live tail needs a range that ends now: turning it on switches to one.
    await page.getByRole('switch', { name: 'Live tail' }).check();
    await page.waitForURL((url) => url.searchParams.get('live') === '1' && url.searchParams.get('range') === '1h' && !url.searchParams.has('from'));
    expect(errors).toEqual([]);
    await page.close();
  });
});
