import path from 'node:path';
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Context } from '@opentelemetry/api';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCREENSHOT_DIR, STEP_TIMEOUT_MS, startUiTestBed, watchPageErrors, type UiTestBed } from '../helpers/browser-ui.js';
import { fetchJson, type InProcessPharos } from '../helpers/in-process-pharos.js';
import { hrTimeOfMs, startSdkService } from '../helpers/otel-sdk-service.js';

/*
 * The web UI, end to end: a real Pharos (in-process, serving the built packages/web/dist),
 * traces sent by the OpenTelemetry JS SDK for three services, and Chromium driven by
 * playwright-core through Services → Traces → a trace. Needs `npm run build` (npm test
 * builds first) and Debian's chromium at /usr/bin/chromium; fails, never skips, without them.
 * Screenshots of each page go to the system temp dir (pharos-web-ui-test/).
 */


const FRONTEND = 'ui-frontend';
const CART = 'ui-cart';
const PAYMENT = 'ui-payment';
const TRACE_COUNT = 12;
/** Payment fails on every 4th checkout (3 of 12: 25%); the frontend reports 2 of those as its own error (16.7%). */
const paymentFails = (i: number) => i % 4 === 0;
const frontendFails = (i: number) => i % 8 === 0;

let pharos: InProcessPharos;
let context: BrowserContext;

/**
 * Sends TRACE_COUNT checkouts spread over the last 12 minutes: frontend `POST /checkout`
 * (server) → `GET /cart` on cart and `POST /charge` on payment (server spans under the
 * frontend's client spans, as propagated context would give).
 */
async function sendCheckouts(): Promise<void> {
  const services = { frontend: startSdkService(FRONTEND, pharos), cart: startSdkService(CART, pharos), payment: startSdkService(PAYMENT, pharos) };
  const frontend = services.frontend.tracerProvider.getTracer('ui-e2e');
  const cart = services.cart.tracerProvider.getTracer('ui-e2e');
  const payment = services.payment.tracerProvider.getTracer('ui-e2e');
  const nowMs = Date.now();
  for (let i = 0; i < TRACE_COUNT; i++) {
    const t0 = nowMs - (TRACE_COUNT - i) * 60_000 + 500;
    const root = frontend.startSpan('POST /checkout', { kind: SpanKind.SERVER, startTime: hrTimeOfMs(t0), attributes: { 'http.request.method': 'POST', 'http.route': '/checkout', 'checkout.number': i } });
    const rootContext = trace.setSpan(ROOT_CONTEXT, root);
    const remote = (span: ReturnType<typeof frontend.startSpan>): Context => trace.setSpanContext(ROOT_CONTEXT, { ...span.spanContext(), isRemote: true });

    const cartCall = frontend.startSpan('GET cart', { kind: SpanKind.CLIENT, startTime: hrTimeOfMs(t0 + 2) }, rootContext);
    const cartServer = cart.startSpan('GET /cart', { kind: SpanKind.SERVER, startTime: hrTimeOfMs(t0 + 3), attributes: { 'http.route': '/cart', 'cart.items': 1 + (i % 3) } }, remote(cartCall));
    cartServer.end(hrTimeOfMs(t0 + 14 + i));
    cartCall.end(hrTimeOfMs(t0 + 15 + i));

    const chargeCall = frontend.startSpan('POST payment', { kind: SpanKind.CLIENT, startTime: hrTimeOfMs(t0 + 18 + i) }, rootContext);
    const charge = payment.startSpan('POST /charge', { kind: SpanKind.SERVER, startTime: hrTimeOfMs(t0 + 19 + i), attributes: { 'http.route': '/charge', 'payment.card': i % 2 === 0 ? 'visa' : 'amex' } }, remote(chargeCall));
    if (paymentFails(i)) {
      charge.recordException(new Error('card declined'), hrTimeOfMs(t0 + 40));
      charge.setStatus({ code: SpanStatusCode.ERROR, message: 'card declined' });
      chargeCall.setStatus({ code: SpanStatusCode.ERROR });
    }
    charge.end(hrTimeOfMs(t0 + 60 + 3 * i));
    chargeCall.end(hrTimeOfMs(t0 + 61 + 3 * i));
    if (frontendFails(i)) root.setStatus({ code: SpanStatusCode.ERROR, message: 'checkout failed' });
    root.end(hrTimeOfMs(t0 + 65 + 3 * i));
  }
  for (const [name, service] of Object.entries(services)) {
    await service.finish();
    // Every one of them sends spans: an export must have happened.
    service.spanExporter.log.assertAllSucceeded(`${name} trace export`);
  }
}

let bed: UiTestBed;

beforeAll(async () => {
  bed = await startUiTestBed((started) => {
    pharos = started; // the loader sends to it
    return sendCheckouts();
  }, { width: 1280, height: 800 });
  ({ pharos, context } = bed);
});

afterAll(async () => {
  await bed?.stop();
});

/** The texts of a services-table row's cells, by column header. */
async function readServiceRow(page: Page, service: string): Promise<Record<string, string>> {
  const headers = await page.locator('.services-table thead th').allInnerTexts();
  const row = page.locator(`.services-table tbody tr[data-service="${service}"]`);
  const cells = await row.locator('th, td').allInnerTexts();
  return Object.fromEntries(headers.map((h, i) => [h.replace(/[▲▼]/g, '').trim(), cells[i].trim()]));
}

describe('web UI', () => {
  it('walks from the services table to a trace and back to a shared search', async () => {
    // The data is in before the browser looks (the API flushes acknowledged writes first).
    const { body: summary } = await fetchJson<{ services: Array<{ name: string; requests: number }> }>(pharos.apiUrl, '/pharos/v1/services/summary?start=now-15m&end=now&buckets=30');
    expect(summary.services.map((s) => [s.name, s.requests])).toEqual([
      [CART, TRACE_COUNT],
      [FRONTEND, TRACE_COUNT],
      [PAYMENT, TRACE_COUNT],
    ]);

    const page = await context.newPage();
    const pageErrors = watchPageErrors(page);

    // Services: one row per service, non-zero rates, the error rates of the failing ones.
    await page.goto(`${pharos.apiUrl}/?range=15m`);
    await page.locator('.services-table tbody tr').nth(2).waitFor();
    expect(await page.locator('.services-table tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-service')))).toEqual([CART, FRONTEND, PAYMENT]);
    const rows = { cart: await readServiceRow(page, CART), frontend: await readServiceRow(page, FRONTEND), payment: await readServiceRow(page, PAYMENT) };
    for (const row of Object.values(rows)) {
      expect(Number(row['Req/s'])).toBeGreaterThan(0);
      expect(Number(row['p95 (ms)'])).toBeGreaterThan(0);
    }
    expect(rows.payment['Error %']).toBe('25.0%');
    expect(rows.frontend['Error %']).toBe('16.7%');
    expect(rows.cart['Error %']).toBe('0%');
    await expect(page.locator(`tr[data-service="${PAYMENT}"] svg.sparkline polyline`).count()).resolves.toBeGreaterThan(0);

    // Sorting: a header is a button; Error % sorts largest first, a second press reverses.
    const errorHeader = page.getByRole('button', { name: /Error %/ });
    await errorHeader.click();
    await page.waitForURL(/sort=-errorRate/);
    const order = () => page.locator('.services-table tbody tr').evaluateAll((rs) => rs.map((r) => r.getAttribute('data-service')));
    expect(await order()).toEqual([PAYMENT, FRONTEND, CART]);
    expect(await page.locator('th[aria-sort="descending"]').innerText()).toContain('Error %');
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'services.png'), fullPage: true });
    await errorHeader.focus();
    await page.keyboard.press('Enter');
    await page.waitForURL(/sort=errorRate/);
    expect(await order()).toEqual([CART, FRONTEND, PAYMENT]);

    // A service's name leads to its page, its Traces link to its traces.
    expect(await page.getByRole('link', { name: PAYMENT, exact: true }).getAttribute('href')).toBe(`/services/${PAYMENT}?range=15m`);
    await page.getByRole('link', { name: `Traces of ${PAYMENT}` }).click();
    await page.waitForURL((url) => url.pathname === '/traces' && url.searchParams.get('service') === PAYMENT);
    await page.locator('.trace-item').first().waitFor();
    expect(await page.locator('.trace-item').count()).toBe(TRACE_COUNT);
    expect(await page.getByLabel('Service').inputValue()).toBe(PAYMENT);
    for (const text of await page.locator('.trace-item').allInnerTexts()) {
      expect(text).toContain(`${FRONTEND}: POST /checkout`);
      expect(text).toContain(`${PAYMENT} (1)`);
      expect(text).toContain('5 spans');
    }
    expect(await page.locator('.trace-item .error-badge').count()).toBe(3);

    // Narrow the search in the form: errors only; the URL keeps it.
    await page.getByLabel('Status').selectOption('error');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.waitForURL(/status=error/);
    await expect.poll(() => page.locator('.trace-item').count(), { timeout: STEP_TIMEOUT_MS }).toBe(3);
    const errorTraceIds = await page.locator('.trace-item').evaluateAll((items) => items.map((i) => i.getAttribute('data-trace-id')));
    const searchUrl = page.url();
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'traces.png'), fullPage: true });

    // A trace: the waterfall in tree order, then a span's details.
    await page.locator('.trace-link').first().click();
    await page.waitForURL(/\/traces\/[0-9a-f]{32}/);
    await page.locator('.waterfall-item').nth(4).waitFor();
    const spanRows = await page.locator('.waterfall-row').allInnerTexts();
    expect(spanRows.map((r) => r.split('\n').join(' '))).toEqual([
      expect.stringMatching(/ui-frontend\s*POST \/checkout/),
      expect.stringMatching(/ui-frontend\s*GET cart/),
      expect.stringMatching(/ui-cart\s*GET \/cart/),
      expect.stringMatching(/ui-frontend\s*POST payment/),
      expect.stringMatching(/ui-payment\s*POST \/charge/),
    ]);
    const indents = await page.locator('.span-label').evaluateAll((labels) => labels.map((l) => l.getAttribute('style')));
    expect(indents).toEqual(['padding-left: 0rem;', 'padding-left: 1.1rem;', 'padding-left: 2.2rem;', 'padding-left: 1.1rem;', 'padding-left: 2.2rem;']);
    expect(await page.locator('.waterfall-item', { hasText: 'POST /charge' }).locator('.error-marker').count()).toBe(1);
    await page.locator('.waterfall-row', { hasText: 'POST /charge' }).click();
    const details = page.getByRole('region', { name: 'Details of POST /charge' });
    await details.waitFor();
    expect(await details.locator('.attr-table').first().innerText()).toMatch(/payment\.card\s+(visa|amex)/);
    expect(await details.innerText()).toContain('error: card declined');
    expect(await details.innerText()).toContain('exception');
    expect(await details.innerText()).toMatch(/service\.name\s+ui-payment/);
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'trace.png'), fullPage: true });

    // The copied search URL, opened afresh, restores the form and the same results.
    const fresh = await context.newPage();
    const freshErrors = watchPageErrors(fresh);
    await fresh.goto(searchUrl);
    await expect.poll(() => fresh.locator('.trace-item').count(), { timeout: STEP_TIMEOUT_MS }).toBe(3);
    expect(await fresh.locator('.trace-item').evaluateAll((items) => items.map((i) => i.getAttribute('data-trace-id')))).toEqual(errorTraceIds);
    expect(await fresh.getByLabel('Service').inputValue()).toBe(PAYMENT);
    expect(await fresh.getByLabel('Status').inputValue()).toBe('error');
    await fresh.close();

    expect([...pageErrors, ...freshErrors]).toEqual([]);
    await page.close();
  });

  it('serves index.html for client routes and keeps the API answering JSON', async () => {
    const response = await fetch(`${pharos.apiUrl}/traces?service=x`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await response.text()).toContain('<div id="root">');
    expect((await fetchJson<{ data: string[] }>(pharos.apiUrl, '/api/services')).body.data).toEqual([CART, FRONTEND, PAYMENT]);
  });
});
