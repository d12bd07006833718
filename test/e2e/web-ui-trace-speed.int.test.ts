import path from 'node:path';
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Attributes, type Context, type Span } from '@opentelemetry/api';
import { SeverityNumber } from '@opentelemetry/api-logs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCREENSHOT_DIR, STEP_TIMEOUT_MS, startUiTestBed, watchPageErrors, type UiTestBed } from '../helpers/browser-ui.js';
import { fetchJson, findSamples, parsePrometheusText, type InProcessPharos } from '../helpers/in-process-pharos.js';
import { hrTimeOfMs, startSdkService } from '../helpers/otel-sdk-service.js';
import type { PageDocument, PageElement, PageMutationObserver, PageWindow } from '../helpers/page-dom.js';

// The browser globals that the in-page callbacks below use (see test/helpers/page-dom.ts).
declare const document: PageDocument;
declare const window: PageWindow;
declare const MutationObserver: PageMutationObserver;

/*
 * The issue's bar for the trace view: a 10,000-span trace is interactive within 1.5 s of
 * navigation. A real Pharos (in-process, serving the built packages/web/dist), a 10,000-span
 * trace made with the OpenTelemetry JS SDK's tracer, and Chromium driven by playwright-core:
 * time from navigation to interactive (rows shown and a click on one shows its details) in
 * fresh browser contexts, a bounded number of rows in the DOM, and the last span reachable by
 * scrolling, keyboard and search. The figures are printed (docs/benchmarks.md keeps them).
 * A speed test: `npm test` runs the *-speed files one at a time after all the others (see
 * vitest.config.ts), so that the figures are the UI's, not the neighbours'.
 * Needs `npm run build` and Debian's chromium at /usr/bin/chromium; fails, never skips, without them.
 */

const big = { traceId: '', spanCount: 0, logCount: 0 };

let bed: UiTestBed;
let pharos: InProcessPharos;

const remote = (span: Span): Context => trace.setSpanContext(ROOT_CONTEXT, { ...span.spanContext(), isRemote: true });

/** Spans of the big trace per batch; 99 batches of 101 plus the root make 10,000. */
const BATCHES = 99;
const ITEMS_PER_BATCH = 12;
const BIG_SERVICES = ['big-gateway', 'big-orders', 'big-inventory', 'big-pricing'] as const;

/**
 * A 10,000-span bulk import: gateway `POST /bulk-import` → 99 sequential batches, each an
 * auth check, a call to orders handling 12 items (validate, inventory lookup with its query,
 * price lookup with its cache read, insert: 8 spans per item), and a publish. Every 97th
 * stock lookup fails. Made with the SDK's tracer (one provider per service, queues big
 * enough to keep every span) and exported over OTLP/HTTP protobuf; one log per batch.
 */
async function sendBigTrace(): Promise<void> {
  const services = Object.fromEntries(
    BIG_SERVICES.map((name) => [name, startSdkService(name, pharos, { resourceAttributes: { 'service.version': '3.1.0', 'deployment.environment': 'perf' }, maxQueueSize: 20_000, maxExportBatchSize: 2_000 })]),
  );
  const tracer = (name: (typeof BIG_SERVICES)[number]) => services[name].tracerProvider.getTracer('trace-view-perf');
  const t0 = Date.now() - 4 * 60_000;
  const at = (ms: number) => hrTimeOfMs(t0 + ms);
  let count = 0;
  const span = (service: (typeof BIG_SERVICES)[number], name: string, kind: SpanKind, startMs: number, endMs: number, parent: Context, attributes: Attributes = {}, error = false) => {
    const s = tracer(service).startSpan(name, { kind, startTime: at(startMs), attributes }, parent);
    if (error) s.setStatus({ code: SpanStatusCode.ERROR, message: 'stock service unavailable' });
    s.end(at(endMs));
    count++;
    return s;
  };
  const root = tracer('big-gateway').startSpan('POST /bulk-import', { kind: SpanKind.SERVER, startTime: at(0), attributes: { 'http.route': '/bulk-import', 'import.batches': BATCHES } });
  const rootContext = trace.setSpan(ROOT_CONTEXT, root);
  let item = 0;
  for (let b = 0; b < BATCHES; b++) {
    const b0 = 1 + b * 20;
    const batch = span('big-gateway', 'process batch', SpanKind.INTERNAL, b0, b0 + 19, rootContext, { 'batch.index': b });
    const batchContext = trace.setSpan(ROOT_CONTEXT, batch);
    span('big-gateway', 'auth check', SpanKind.INTERNAL, b0 + 0.1, b0 + 0.5, batchContext);
    const call = span('big-gateway', 'POST orders', SpanKind.CLIENT, b0 + 0.6, b0 + 18.4, batchContext, { 'http.request.method': 'POST' });
    const server = span('big-orders', 'POST /orders/batch', SpanKind.SERVER, b0 + 0.7, b0 + 18.3, remote(call), { 'http.route': '/orders/batch', 'batch.size': ITEMS_PER_BATCH });
    const serverContext = trace.setSpan(ROOT_CONTEXT, server);
    for (let i = 0; i < ITEMS_PER_BATCH; i++, item++) {
      const i0 = b0 + 0.8 + i * 1.45;
      const sku = `sku-${item}`;
      span('big-orders', 'validate item', SpanKind.INTERNAL, i0, i0 + 0.1, serverContext, { 'item.sku': sku });
      const stockCall = span('big-orders', 'GET inventory', SpanKind.CLIENT, i0 + 0.15, i0 + 0.6, serverContext, { 'item.sku': sku });
      const failed = item % 97 === 0;
      const stock = span('big-inventory', 'GET /stock/:sku', SpanKind.SERVER, i0 + 0.2, i0 + 0.55, remote(stockCall), { 'http.route': '/stock/:sku', 'item.sku': sku }, failed);
      span('big-inventory', 'SELECT stock', SpanKind.CLIENT, i0 + 0.25, i0 + 0.5, trace.setSpan(ROOT_CONTEXT, stock), { 'db.system': 'postgresql', 'db.statement': 'SELECT qty FROM stock WHERE sku = $1' });
      const priceCall = span('big-orders', 'GET price', SpanKind.CLIENT, i0 + 0.65, i0 + 1.2, serverContext, { 'item.sku': sku });
      const price = span('big-pricing', 'GET /price/:sku', SpanKind.SERVER, i0 + 0.7, i0 + 1.15, remote(priceCall), { 'http.route': '/price/:sku' });
      span('big-pricing', 'cache get', SpanKind.CLIENT, i0 + 0.75, i0 + 0.85, trace.setSpan(ROOT_CONTEXT, price), { 'db.system': 'redis' });
      span('big-orders', 'INSERT order_line', SpanKind.CLIENT, i0 + 1.25, i0 + 1.4, serverContext, { 'db.system': 'postgresql', 'item.sku': sku });
    }
    services['big-gateway'].loggerProvider.getLogger('trace-view-perf').emit({ body: `batch ${b} imported`, severityNumber: SeverityNumber.INFO, severityText: 'INFO', timestamp: at(b0 + 18.6), context: batchContext, attributes: { 'batch.index': b } });
    big.logCount++;
    span('big-gateway', 'publish batch-done', SpanKind.PRODUCER, b0 + 18.5, b0 + 18.9, batchContext, { 'batch.index': b, 'messaging.system': 'kafka' });
  }
  root.end(at(1 + BATCHES * 20));
  count++;
  big.traceId = root.spanContext().traceId;
  big.spanCount = count;
  for (const [name, service] of Object.entries(services)) {
    await service.finish();
    // Every one of them sends spans: an export must have happened.
    service.spanExporter.log.assertAllSucceeded(`${name} trace export`);
  }
}

beforeAll(async () => {
  bed = await startUiTestBed(
    async (started) => {
      pharos = started; // the loader sends to it
      await sendBigTrace();
    },
    { width: 1280, height: 900 },
  );
  pharos = bed.pharos;
}, 120_000);

afterAll(async () => {
  await bed?.stop();
});

const rows = (page: Page) => page.locator('[role="tree"] [role="treeitem"]');
const searchStatus = (page: Page) => page.locator('.span-search-status');

const TRACE_ROUTE = '/pharos/v1/traces/:traceId';

/** The server's own count and total seconds of GET /pharos/v1/traces/{id} so far (its /metrics histogram). */
async function readTraceRouteTiming(): Promise<{ count: number; seconds: number }> {
  const response = await fetch(`${pharos.apiUrl}/metrics`, { signal: AbortSignal.timeout(10_000) });
  const samples = parsePrometheusText(await response.text());
  const sum = (name: string) => findSamples(samples, name, { route: TRACE_ROUTE }).reduce((n, sample) => n + sample.value, 0);
  return { count: sum('pharos_http_request_duration_seconds_count'), seconds: sum('pharos_http_request_duration_seconds_sum') };
}

describe('web UI: trace view, 10,000 spans', () => {
  it('makes a 10,000-span trace interactive within 1.5 s of navigation, rendering only the rows in view', async () => {
    expect(big.spanCount).toBe(10_000);
    // The trace as the API gives it: every span, and its size.
    const { text, body } = await fetchJson<{ resourceSpans: Array<{ scopeSpans: Array<{ spans: unknown[] }> }> }>(pharos.apiUrl, `/pharos/v1/traces/${big.traceId}`);
    expect(body.resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans)).length).toBe(10_000);
    const bytes = text.length;

    const RUNS = 6;
    type Run = { totalMs: number; serverMs: number; fetchStartMs: number; fetchEndMs: number; loadedMs: number; rowsShownMs: number; clickMs: number; detailsMs: number; rowsInDom: number };
    const runs: Run[] = [];
    for (let run = 0; run < RUNS; run++) {
      // A new context each time: a first visit, nothing cached.
      const runContext = await bed.browser.newContext({ viewport: { width: 1280, height: 900 }, colorScheme: 'light' });
      runContext.setDefaultTimeout(STEP_TIMEOUT_MS);
      const page = await runContext.newPage();
      const errors = watchPageErrors(page);
      // When rows and details reach the DOM and when the click arrives, seen from inside the page.
      await page.addInitScript(() => {
        const times: Record<string, number> = {};
        (window as unknown as { uiTimes: Record<string, number> }).uiTimes = times;
        // Capturing, so that the click is timed before the app handles it.
        const listen = document as unknown as { addEventListener(type: string, listener: () => void, options: { capture: boolean }): void };
        listen.addEventListener('click', () => (times.click ??= performance.now()), { capture: true });
        new MutationObserver(() => {
          if (times.rows === undefined && document.querySelector('[role="treeitem"]') !== null) times.rows = performance.now();
          if (times.details === undefined && document.querySelector('.span-detail-panel') !== null) times.details = performance.now();
          // The document itself: the init script runs before <html> exists.
        }).observe(document as unknown as PageElement, { childList: true, subtree: true });
      });
      const serverBefore = await readTraceRouteTiming();
      const started = performance.now();
      await page.goto(`${pharos.apiUrl}/traces/${big.traceId}?range=15m`, { waitUntil: 'commit' });
      await rows(page).first().waitFor();
      const target = page.locator('[role="treeitem"][data-row-index="3"]');
      await target.click();
      await page.getByRole('region', { name: /^Details of / }).waitFor();
      const totalMs = performance.now() - started;
      const timing = await page.evaluate(() => {
        const fetchEntry = performance.getEntriesByType('resource').find((e) => e.name.includes('/pharos/v1/traces/')) as { startTime: number; responseEnd: number } | undefined;
        const mark = (name: string) => performance.getEntriesByName(name)[0]?.startTime ?? NaN;
        const times = (window as unknown as { uiTimes: Record<string, number> }).uiTimes;
        return {
          fetchStartMs: fetchEntry?.startTime ?? NaN,
          fetchEndMs: fetchEntry?.responseEnd ?? NaN,
          loadedMs: mark('pharos:trace-loaded'),
          rowsShownMs: times.rows ?? NaN,
          clickMs: times.click ?? NaN,
          detailsMs: times.details ?? NaN,
          rowsInDom: document.querySelectorAll('[role="treeitem"]').length,
        };
      });
      // The server's own time for this run's GET of the trace, from its request-duration histogram.
      const serverAfter = await readTraceRouteTiming();
      expect(serverAfter.count - serverBefore.count).toBe(1);
      runs.push({ totalMs, serverMs: (serverAfter.seconds - serverBefore.seconds) * 1000, ...timing });
      expect(errors).toEqual([]);

      if (run === RUNS - 1) {
        // Virtualised: a bounded number of rows in the DOM, and the last span one scroll away.
        expect(timing.rowsInDom).toBeLessThanOrEqual(80);
        await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'trace-view-10k.png') });
        await page.locator('.waterfall-scroll').evaluate((el) => el.scrollTo({ top: el.scrollHeight }));
        const last = page.locator('[role="treeitem"][data-row-index="9999"]');
        await last.waitFor();
        expect(await last.isVisible()).toBe(true);
        expect(await last.locator('.span-name').innerText()).toBe('publish batch-done');
        expect(await last.locator('.span-service').innerText()).toBe('big-gateway');
        expect(await rows(page).count()).toBeLessThanOrEqual(80);
        await last.click();
        const lastDetails = page.getByRole('region', { name: 'Details of publish batch-done' });
        await lastDetails.waitFor();
        expect(await lastDetails.innerText()).toMatch(/batch\.index\s+98/);
        // The keyboard gets there too: Home, then End.
        await last.focus();
        await page.keyboard.press('Home');
        await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-row-index'))).toBe('0');
        await page.keyboard.press('End');
        await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-row-index'))).toBe('9999');
        // Search over 10,000 spans jumps to a match far down.
        await page.getByLabel('Find in trace', { exact: true }).fill('publish batch-done');
        await expect.poll(() => searchStatus(page).innerText()).toBe(`1 of ${BATCHES}`);
        await page.getByLabel('Find in trace', { exact: true }).press('Shift+Enter');
        await expect.poll(() => searchStatus(page).innerText()).toBe(`${BATCHES} of ${BATCHES}`);
        await expect.poll(() => page.locator('[role="treeitem"][data-row-index="9999"].current-match').isVisible()).toBe(true);
        expect(await rows(page).count()).toBeLessThanOrEqual(80);
        expect(errors).toEqual([]);
      }
      await runContext.close();
    }

    const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
    const round = (ms: number) => Math.round(ms);
    console.log(
      [
        `10,000-span trace, ${(bytes / 1e6).toFixed(1)} MB of JSON, ${big.logCount} logs`,
        'browser runs, fresh context each (ms since navigation start: trace fetch start, fetch end, fetched+validated, rows in the DOM, click, details in the DOM; then the total from page.goto to details shown, as the test saw it):',
        ...runs.map((r, i) => `  run ${i + 1}: ${[r.fetchStartMs, r.fetchEndMs, r.loadedMs, r.rowsShownMs, r.clickMs, r.detailsMs].map(round).join(', ')}; total ${round(r.totalMs)}; server's own time for the trace ${round(r.serverMs)} (${r.rowsInDom} rows in the DOM)`),
        `median: rows shown ${round(median(runs.map((r) => r.rowsShownMs)))} ms after navigation, click to details ${round(median(runs.map((r) => r.detailsMs - r.clickMs)))} ms`,
        `median total ${round(median(runs.map((r) => r.totalMs)))} ms, max ${round(Math.max(...runs.map((r) => r.totalMs)))} ms; server median ${round(median(runs.map((r) => r.serverMs)))} ms, max ${round(Math.max(...runs.map((r) => r.serverMs)))} ms`,
      ].join('\n'),
    );
    // The bar is the median of the runs: one slow run on the shared machine is noise, not the UI.
    expect(median(runs.map((r) => r.totalMs))).toBeLessThan(1500);
  });
});
