import path from 'node:path';
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Context, type Span } from '@opentelemetry/api';
import { SeverityNumber } from '@opentelemetry/api-logs';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCREENSHOT_DIR, STEP_TIMEOUT_MS, expectNoAxeViolations, startUiTestBed, watchPageErrors, type UiTestBed } from '../helpers/browser-ui.js';
import { fetchJson, type InProcessPharos } from '../helpers/in-process-pharos.js';
import { hrTimeOfMs, startSdkService } from '../helpers/otel-sdk-service.js';

/*
 * The service page, end to end: a real Pharos (in-process, serving the built packages/web/dist),
 * spans, exceptions and logs sent by the OpenTelemetry JS SDK for three services, and Chromium
 * driven by playwright-core: the service's figures, its operations (sorting, all span kinds, a
 * link to their traces), the latency histogram (operation choice, log scale, its table), the
 * top errors grouped by exception, the recent error logs, and a reload of the copied URL.
 * Needs `npm run build` and Debian's chromium at /usr/bin/chromium; fails, never skips, without
 * them. Screenshots go to the system temp dir (pharos-web-ui-test/).
 */

const CHECKOUT = 'svcpage-checkout';
const PAYMENT = 'svcpage-payment';
const INVENTORY = 'svcpage-inventory';
const CHECKOUTS = 12;
const CART_VIEWS = 8;
/** Payment declines every 4th checkout (0, 4, 8), and checkout fails with it. */
const declined = (i: number) => i % 4 === 0;
/** GET /cart fails on views 1 and 5 with a TypeError, and on view 3 with a status message only. */
const cartThrows = (i: number) => i === 1 || i === 5;
const cartUnavailable = (i: number) => i === 3;

class UpstreamError extends Error {
  override name = 'UpstreamError';
}
class CardDeclinedError extends Error {
  override name = 'CardDeclinedError';
}

let pharos: InProcessPharos;
let context: BrowserContext;
let bed: UiTestBed;
/** Trace ids of the declined checkouts, oldest first. */
const declinedTraceIds: string[] = [];

/**
 * Over the last 12 minutes: CHECKOUTS checkouts, `POST /checkout` (server, 50 + 10·i ms) →
 * `POST payment` (client) → payment `POST /charge` (server) and an internal `render`; CART_VIEWS
 * `GET /cart` (server, 10 + 2·i ms) → inventory `GET /stock`. Failures record exceptions as
 * instrumentations do; checkout logs an ERROR in the span's context for each failed checkout,
 * and one without trace context.
 */
async function sendShop(): Promise<void> {
  const checkout = startSdkService(CHECKOUT, pharos);
  const payment = startSdkService(PAYMENT, pharos);
  const inventory = startSdkService(INVENTORY, pharos);
  const checkoutTracer = checkout.tracerProvider.getTracer('service-e2e');
  const paymentTracer = payment.tracerProvider.getTracer('service-e2e');
  const inventoryTracer = inventory.tracerProvider.getTracer('service-e2e');
  const logger = checkout.loggerProvider.getLogger('service-e2e');
  // The callee's context as propagation would give it: the caller's span, remote.
  const remote = (span: Span): Context => trace.setSpanContext(ROOT_CONTEXT, { ...span.spanContext(), isRemote: true });
  const nowMs = Date.now();

  for (let i = 0; i < CHECKOUTS; i++) {
    const t0 = nowMs - (CHECKOUTS - i) * 60_000 + 500;
    const durationMs = 50 + 10 * i;
    const root = checkoutTracer.startSpan('POST /checkout', { kind: SpanKind.SERVER, startTime: hrTimeOfMs(t0), attributes: { 'http.route': '/checkout' } });
    const rootContext = trace.setSpan(ROOT_CONTEXT, root);
    const call = checkoutTracer.startSpan('POST payment', { kind: SpanKind.CLIENT, startTime: hrTimeOfMs(t0 + 2) }, rootContext);
    const charge = paymentTracer.startSpan('POST /charge', { kind: SpanKind.SERVER, startTime: hrTimeOfMs(t0 + 3) }, remote(call));
    if (declined(i)) {
      charge.recordException(new CardDeclinedError('card declined'), hrTimeOfMs(t0 + 20));
      charge.setStatus({ code: SpanStatusCode.ERROR, message: 'card declined' });
    }
    charge.end(hrTimeOfMs(t0 + 30));
    call.end(hrTimeOfMs(t0 + 31));
    const render = checkoutTracer.startSpan('render', { kind: SpanKind.INTERNAL, startTime: hrTimeOfMs(t0 + 32) }, rootContext);
    render.end(hrTimeOfMs(t0 + 40));
    if (declined(i)) {
      // A retried failure first: the last exception is the one the span failed with.
      if (i === 8) root.recordException(new Error('payment timed out, retrying'), hrTimeOfMs(t0 + 35));
      root.recordException(new UpstreamError('payment failed'), hrTimeOfMs(t0 + 41));
      root.setStatus({ code: SpanStatusCode.ERROR, message: 'payment failed' });
      logger.emit({ body: `checkout ${i} failed: payment declined`, severityNumber: SeverityNumber.ERROR, severityText: 'ERROR', timestamp: hrTimeOfMs(t0 + 42), context: rootContext });
      declinedTraceIds.push(root.spanContext().traceId);
    } else {
      logger.emit({ body: `checkout ${i} done`, severityNumber: SeverityNumber.INFO, severityText: 'INFO', timestamp: hrTimeOfMs(t0 + 42), context: rootContext });
    }
    root.end(hrTimeOfMs(t0 + durationMs));
  }

  for (let i = 0; i < CART_VIEWS; i++) {
    const t0 = nowMs - (CART_VIEWS - i) * 80_000 + 700;
    const cart = checkoutTracer.startSpan('GET /cart', { kind: SpanKind.SERVER, startTime: hrTimeOfMs(t0), attributes: { 'http.route': '/cart' } });
    const stock = inventoryTracer.startSpan('GET /stock', { kind: SpanKind.SERVER, startTime: hrTimeOfMs(t0 + 1) }, remote(cart));
    stock.end(hrTimeOfMs(t0 + 5));
    if (cartThrows(i)) {
      cart.recordException(new TypeError("Cannot read properties of undefined (reading 'items')"), hrTimeOfMs(t0 + 6));
      cart.setStatus({ code: SpanStatusCode.ERROR });
    }
    if (cartUnavailable(i)) cart.setStatus({ code: SpanStatusCode.ERROR, message: 'cart store unavailable' });
    // A handled exception on a span that succeeds is no error.
    if (i === 6) cart.recordException(new Error('cache miss, reloaded'), hrTimeOfMs(t0 + 6));
    cart.end(hrTimeOfMs(t0 + 10 + 2 * i));
  }
  logger.emit({ body: 'config reload failed: permission denied', severityNumber: SeverityNumber.ERROR, severityText: 'ERROR', timestamp: hrTimeOfMs(nowMs - 30_000) });

  await Promise.all([checkout.finish(), payment.finish(), inventory.finish()]);
}

beforeAll(async () => {
  bed = await startUiTestBed((started) => {
    pharos = started; // the loader sends to it
    return sendShop();
  }, { width: 1280, height: 900 });
  ({ pharos, context } = bed);
});

afterAll(async () => {
  await bed?.stop();
});

/** The texts of an operations-table row's cells, by column header. */
async function readOperationRow(page: Page, operation: string): Promise<Record<string, string>> {
  const headers = await page.locator('.operations-table thead th').allInnerTexts();
  const cells = await page.locator(`.operations-table tbody tr[data-operation="${operation}"]`).first().locator('th, td').allInnerTexts();
  return Object.fromEntries(headers.map((h, i) => [h.replace(/[▲▼]/g, '').trim(), cells[i].trim()]));
}

const operationOrder = (page: Page) => page.locator('.operations-table tbody tr').evaluateAll((rows) => rows.map((r) => `${r.getAttribute('data-operation')} (${r.getAttribute('data-kind')})`));
const stat = async (page: Page, name: string) => (await page.locator(`.service-stat[data-stat="${name}"] .service-stat-value`).innerText()).trim();
const latencyLabel = (page: Page) => page.getByRole('img', { name: /^Latency distribution of/ }).getAttribute('aria-label');

describe('web UI: service page', () => {
  it("shows a service's figures, operations, latency, errors and error logs, and keeps the view on reload", async () => {
    // The data is in before the browser looks (the API flushes acknowledged writes first).
    const { body: operations } = await fetchJson<{ operations: Array<{ name: string; spans: number }> }>(pharos.apiUrl, `/pharos/v1/services/${CHECKOUT}/operations/summary?start=now-15m&end=now`);
    expect(operations.operations.map((o) => [o.name, o.spans])).toEqual([
      ['GET /cart', CART_VIEWS],
      ['POST /checkout', CHECKOUTS],
      ['POST payment', CHECKOUTS],
      ['render', CHECKOUTS],
    ]);

    const page = await context.newPage();
    const pageErrors = watchPageErrors(page);
    await page.goto(`${pharos.apiUrl}/services/${CHECKOUT}?range=15m`);
    await page.locator('.operations-table tbody tr').nth(1).waitFor();
    expect(await page.locator('#service-title').innerText()).toBe(CHECKOUT);

    // Header: the requests (server spans) of the service. 20 requests, 6 failed; the median
    // of 10..24 ms (cart) and 50..160 ms (checkout) is between 60 and 70 ms.
    await page.locator('.service-stat[data-stat="requests"]').waitFor();
    expect(await stat(page, 'requests')).toBe('20');
    expect(await stat(page, 'errors')).toBe('30.0%');
    expect(await stat(page, 'p50')).toBe('65.0ms');
    expect(Number(await stat(page, 'rate'))).toBeGreaterThan(0);

    // Operations: the entry ones, busiest first; checkout's percentiles of 50..160 ms are exact.
    expect(await operationOrder(page)).toEqual(['POST /checkout (server)', 'GET /cart (server)']);
    const checkoutRow = await readOperationRow(page, 'POST /checkout');
    expect(checkoutRow).toMatchObject({ Kind: 'server', 'Error %': '25.0%', 'p50 (ms)': '105', 'p95 (ms)': '155', 'p99 (ms)': '159' });
    expect(Number(checkoutRow['Rate/s'])).toBeGreaterThan(0);
    expect(await readOperationRow(page, 'GET /cart')).toMatchObject({ 'Error %': '37.5%', 'p50 (ms)': '17.0', 'p95 (ms)': '23.3', 'p99 (ms)': '23.9' });
    expect(await page.locator('tr[data-operation="POST /checkout"] svg.sparkline polyline').count()).toBeGreaterThan(0);

    // Sorting by p95 from the keyboard: lowest first on a second press.
    const p95Header = page.getByRole('button', { name: /p95 \(ms\)/ });
    await p95Header.focus();
    await page.keyboard.press('Enter');
    await page.waitForURL(/opSort=-p95/);
    expect(await operationOrder(page)).toEqual(['POST /checkout (server)', 'GET /cart (server)']);
    await page.keyboard.press('Enter');
    await page.waitForURL(/opSort=p95/);
    expect(await operationOrder(page)).toEqual(['GET /cart (server)', 'POST /checkout (server)']);

    // Every span kind: the client and internal operations follow the entry ones.
    await page.getByLabel(/Show all span kinds/).check();
    await page.waitForURL(/kinds=all/);
    const allKinds = ['GET /cart (server)', 'POST /checkout (server)', 'render (internal)', 'POST payment (client)'];
    expect(await operationOrder(page)).toEqual(allKinds);

    // Latency: 20 requests in 11 filled buckets, 6 of them with errors, and the three markers.
    await page.getByRole('img', { name: /^Latency distribution of the requests/ }).waitFor();
    expect(await latencyLabel(page)).toMatch(/^Latency distribution of the requests of svcpage-checkout: 20 spans from 10\.0ms to 160\.0ms; p50 65\.0ms, p95 [\d.]+ms, p99 [\d.]+ms; 6 errors \(30\.0%\)\.$/);
    expect(await page.locator('.latency-bar').count()).toBe(11);
    expect(await page.locator('.latency-error').count()).toBe(6);
    // Each bar's error part is its error share: (125, 160] ms holds 4 checkouts, one failed.
    const shares = await page.locator('.latency-bar').evaluateAll((bars) =>
      bars.map((bar) => {
        const height = (selector: string) => Number(bar.querySelector(selector)?.getAttribute('height') ?? 0);
        return { spans: Number(bar.getAttribute('data-spans')), errors: Number(bar.getAttribute('data-errors')), share: height('.latency-error') / height('.latency-ok') };
      }),
    );
    for (const bar of shares) expect(bar.share).toBeCloseTo(bar.errors / bar.spans, 2);
    expect(shares.at(-1)).toMatchObject({ spans: 4, errors: 1 });
    expect(await page.locator('.latency-markers [data-percentile]').evaluateAll((marks) => marks.map((m) => m.getAttribute('data-percentile')))).toEqual(['p50', 'p95', 'p99']);
    await page.locator('.latency-chart').screenshot({ path: path.join(SCREENSHOT_DIR, 'service-latency.png') });

    // One operation, on a log count scale; its table of buckets links to their traces.
    await page.getByLabel('Operation', { exact: true }).selectOption({ label: 'GET /cart (server)' });
    await page.waitForURL((url) => url.searchParams.get('operation') === 'GET /cart' && url.searchParams.get('kind') === 'server');
    await expect.poll(() => latencyLabel(page), { timeout: STEP_TIMEOUT_MS }).toMatch(/^Latency distribution of GET \/cart \(server\): 8 spans from 10\.0ms to 24\.0ms/);
    await page.getByLabel('Log count scale').check();
    await page.waitForURL(/scale=log/);
    expect(await page.locator('.latency-bar').count()).toBe(5);
    await page.getByText('Show as table').click();
    expect(await page.locator('.latency-table tbody th').allInnerTexts()).toEqual(['8ms – 10ms', '10ms – 12.5ms', '12.5ms – 16ms', '16ms – 20ms', '20ms – 25ms']);

    // Top errors: grouped by the last exception, or the status message; the handled exception is absent.
    const errorRows = page.locator('.error-groups-table tbody tr');
    await errorRows.nth(2).waitFor();
    expect(await errorRows.count()).toBe(3);
    const errorTexts = (await errorRows.allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim());
    expect(errorTexts[0]).toMatch(/^UpstreamError payment failed 3 50\.0% POST \/checkout /);
    expect(errorTexts[1]).toMatch(/^TypeError Cannot read properties of undefined \(reading 'items'\) 2 33\.3% GET \/cart /);
    expect(errorTexts[2]).toMatch(/^no exception cart store unavailable 1 16\.7% GET \/cart /);
    expect(await page.locator('.error-groups-table').innerText()).not.toMatch(/retrying|cache miss/);
    expect(await page.getByRole('link', { name: 'All error traces' }).getAttribute('href')).toBe(`/traces?range=15m&service=${CHECKOUT}&status=error`);
    const upstreamExample = await errorRows.first().getByRole('link', { name: /example trace of UpstreamError: payment failed$/ }).getAttribute('href');
    expect(upstreamExample).toBe(`/traces/${declinedTraceIds[2]}?range=15m`);

    // Recent error logs: newest first, those with trace context link to their trace.
    const logs = page.locator('.error-log');
    await logs.nth(3).waitFor();
    expect((await page.locator('.error-log-body').allInnerTexts()).map((t) => t.trim())).toEqual([
      'config reload failed: permission denied',
      'checkout 8 failed: payment declined',
      'checkout 4 failed: payment declined',
      'checkout 0 failed: payment declined',
    ]);
    expect(await page.locator('a.error-log-trace').evaluateAll((links) => links.map((l) => l.getAttribute('href')))).toEqual(
      [...declinedTraceIds].reverse().map((id) => `/traces/${id}?range=15m`),
    );
    expect(await page.getByRole('link', { name: 'Open in Logs' }).getAttribute('href')).toBe(`/logs?range=15m&service=${CHECKOUT}&severity=error`);

    // Neighbours: checkout calls payment (client span → server span) and inventory.
    const neighbours = page.getByRole('region', { name: 'Upstream and downstream' });
    await expect.poll(async () => (await neighbours.innerText()).includes(INVENTORY), { timeout: STEP_TIMEOUT_MS }).toBe(true);
    expect(await neighbours.innerText()).toContain(PAYMENT);
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'service.png'), fullPage: true });
    // Every section on screen (the bucket table open): no axe-core violation of any impact.
    // The neighbours section is ServiceNeighbours' (pages/ServiceMap's cells), checked by web-ui-a11y.
    await expectNoAxeViolations(page, { exclude: ['.service-neighbours'], failFrom: 'minor' });

    // The copied URL, opened afresh, shows the same view.
    const viewUrl = page.url();
    const fresh = await context.newPage();
    const freshErrors = watchPageErrors(fresh);
    await fresh.goto(viewUrl);
    await fresh.locator('.operations-table tbody tr').nth(3).waitFor();
    expect(await operationOrder(fresh)).toEqual(allKinds);
    expect(await fresh.getByLabel('Show all span kinds', { exact: false }).isChecked()).toBe(true);
    expect(await fresh.getByLabel('Operation', { exact: true }).inputValue()).toBe('server:GET /cart');
    expect(await fresh.getByLabel('Log count scale').isChecked()).toBe(true);
    await expect.poll(() => latencyLabel(fresh), { timeout: STEP_TIMEOUT_MS }).toMatch(/^Latency distribution of GET \/cart \(server\): 8 spans/);
    expect(freshErrors).toEqual([]);
    await fresh.close();

    // A click on an operation opens its traces.
    await page.locator('tr[data-operation="POST /checkout"] th a').click();
    await page.waitForURL((url) => url.pathname === '/traces' && url.searchParams.get('service') === CHECKOUT && url.searchParams.get('operation') === 'POST /checkout');
    await page.locator('.trace-item').first().waitFor();
    expect(await page.locator('.trace-item').count()).toBe(CHECKOUTS);

    // Back, then a bucket's traces from the histogram's table: GET /cart views of more than 16 and up to 20 ms (views 4 and 5).
    await page.goBack();
    await page.getByText('Show as table').click();
    await page.getByRole('link', { name: 'Traces of 16ms – 20ms' }).click();
    await page.waitForURL((url) => url.pathname === '/traces' && url.searchParams.get('minDuration') === '16.000001ms' && url.searchParams.get('maxDuration') === '20ms');
    expect(new URL(page.url()).searchParams.get('operation')).toBe('GET /cart');
    await expect.poll(() => page.locator('.trace-item').count(), { timeout: STEP_TIMEOUT_MS }).toBe(2);

    expect(pageErrors).toEqual([]);
    await page.close();
  });

  it('says when a service has nothing to show, and reaches the page from an encoded name', async () => {
    const page = await context.newPage();
    const pageErrors = watchPageErrors(page);
    await page.goto(`${pharos.apiUrl}/services/${encodeURIComponent('no such/service')}?range=5m`);
    await page.getByRole('heading', { name: 'No spans from no such/service in this time range' }).waitFor();
    await page.getByRole('heading', { name: 'No error spans from no such/service in this time range' }).waitFor();
    await page.getByRole('heading', { name: 'No error logs from no such/service in this time range' }).waitFor();
    await page.getByRole('heading', { name: 'No requests in this time range' }).waitFor();
    expect(await stat(page, 'requests')).toBe('0');
    expect(pageErrors).toEqual([]);
    await page.close();
  });
});
