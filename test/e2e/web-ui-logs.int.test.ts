import path from 'node:path';
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Context } from '@opentelemetry/api';
import { SeverityNumber } from '@opentelemetry/api-logs';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCREENSHOT_DIR, STEP_TIMEOUT_MS, startUiTestBed, watchPageErrors, type UiTestBed } from '../helpers/browser-ui.js';
import { fetchJson, type InProcessPharos } from '../helpers/in-process-pharos.js';
import { hrTimeOfMs, startSdkService, type SdkService } from '../helpers/otel-sdk-service.js';

/*
 * The logs page, end to end: a real Pharos (in-process, serving the built packages/web/dist),
 * spans and log records with trace context sent by the OpenTelemetry JS SDK for two services,
 * and Chromium driven by playwright-core: filter by service and severity, search text, read the
 * histogram, expand a record, open its trace, reload the copied URL, page by scrolling (infinite scroll).
 * Needs `npm run build` and Debian's chromium at /usr/bin/chromium; fails, never skips, without
 * them. Screenshots go to the system temp dir (pharos-web-ui-test/).
 */


const CHECKOUT = 'logs-checkout';
const PAYMENT = 'logs-payment';
const ORDER_COUNT = 6;
/** Payment declines orders 0 and 3 (ERROR records); the others log INFO. */
const declined = (i: number) => i % 3 === 0;
/** Debug heartbeats without trace context: with the rest, more than one page (100) of records. */
const HEARTBEAT_COUNT = 110;
/** Per order: checkout INFO, payment INFO or ERROR; plus one WARN from payment. */
const TOTAL_RECORDS = HEARTBEAT_COUNT + 2 * ORDER_COUNT + 1;

let pharos: InProcessPharos;
let context: BrowserContext;
/** Trace id of each order, by order number. */
const orderTraceIds: string[] = [];

/** A service's SDK providers (version 2.0.0), sending to the Pharos under test. */
const startService = (serviceName: string): SdkService => startSdkService(serviceName, pharos, { resourceAttributes: { 'service.version': '2.0.0', 'deployment.environment': 'e2e' } });

/**
 * Sends ORDER_COUNT orders over the last 12 minutes: checkout `POST /checkout` (server) →
 * payment `POST /charge` (server), each logging in its span's context, and debug heartbeats.
 */
async function sendOrders(): Promise<void> {
  const services = { checkout: startService(CHECKOUT), payment: startService(PAYMENT) };
  const checkoutTracer = services.checkout.tracerProvider.getTracer('logs-e2e');
  const paymentTracer = services.payment.tracerProvider.getTracer('logs-e2e');
  const checkoutLogger = services.checkout.loggerProvider.getLogger('logs-e2e');
  const paymentLogger = services.payment.loggerProvider.getLogger('logs-e2e');
  const nowMs = Date.now();
  for (let i = 0; i < ORDER_COUNT; i++) {
    const t0 = nowMs - (ORDER_COUNT - i) * 120_000 + 500;
    const root = checkoutTracer.startSpan('POST /checkout', { kind: SpanKind.SERVER, startTime: hrTimeOfMs(t0), attributes: { 'http.route': '/checkout' } });
    orderTraceIds.push(root.spanContext().traceId);
    const rootContext = trace.setSpan(ROOT_CONTEXT, root);
    checkoutLogger.emit({ body: `checkout started for order ${i}`, severityNumber: SeverityNumber.INFO, severityText: 'INFO', timestamp: hrTimeOfMs(t0 + 1), context: rootContext, attributes: { 'order.id': i } });
    const charge = paymentTracer.startSpan('POST /charge', { kind: SpanKind.SERVER, startTime: hrTimeOfMs(t0 + 5) }, trace.setSpanContext(ROOT_CONTEXT, { ...root.spanContext(), isRemote: true }) as Context);
    const chargeContext = trace.setSpan(ROOT_CONTEXT, charge);
    if (declined(i)) {
      paymentLogger.emit({ body: `payment declined for order ${i}`, severityNumber: SeverityNumber.ERROR, severityText: 'ERROR', timestamp: hrTimeOfMs(t0 + 20), context: chargeContext, attributes: { 'payment.card': 'visa', 'order.id': i } });
      charge.setStatus({ code: SpanStatusCode.ERROR, message: 'card declined' });
    } else {
      paymentLogger.emit({ body: `payment ok for order ${i}`, severityNumber: SeverityNumber.INFO, severityText: 'INFO', timestamp: hrTimeOfMs(t0 + 20), context: chargeContext, attributes: { 'payment.card': 'amex', 'order.id': i } });
    }
    if (i === 1) paymentLogger.emit({ body: 'slow gateway response', severityNumber: SeverityNumber.WARN, severityText: 'WARN', timestamp: hrTimeOfMs(t0 + 25), context: chargeContext });
    charge.end(hrTimeOfMs(t0 + 30));
    root.end(hrTimeOfMs(t0 + 40));
  }
  for (let k = 0; k < HEARTBEAT_COUNT; k++) {
    checkoutLogger.emit({ body: `heartbeat ${k}`, severityNumber: SeverityNumber.DEBUG, severityText: 'DEBUG', timestamp: hrTimeOfMs(nowMs - 720_000 + k * 6_000) });
  }
  for (const [name, s] of Object.entries(services)) {
    await s.finish();
    // Both send spans and logs: exports of each must have happened.
    s.spanExporter.log.assertAllSucceeded(`${name} trace export`);
    s.logExporter.log.assertAllSucceeded(`${name} log export`);
  }
}

let bed: UiTestBed;

beforeAll(async () => {
  bed = await startUiTestBed((started) => {
    pharos = started; // the loader sends to it
    return sendOrders();
  }, { width: 1280, height: 900 });
  ({ pharos, context } = bed);
});

afterAll(async () => {
  await bed?.stop();
});

const severitiesShown = (page: Page) => page.locator('.log-item').evaluateAll((items) => items.map((i) => i.getAttribute('data-severity')));
const histogramBands = (page: Page) => page.locator('.log-histogram rect[data-severity]').evaluateAll((rects) => [...new Set(rects.map((r) => r.getAttribute('data-severity')))].sort());

describe('web UI: logs', () => {
  it('filters, charts and expands log records, opens their trace, and restores a copied search', async () => {
    // The data is in before the browser looks (the API flushes acknowledged writes first).
    type Histogram = { buckets: Array<{ counts: Record<string, number> }> };
    const { body: histogram } = await fetchJson<Histogram>(pharos.apiUrl, '/pharos/v1/logs/histogram?start=now-15m&end=now&buckets=15');
    const sum = (band: string) => histogram.buckets.reduce((n, b) => n + b.counts[band], 0);
    expect({ debug: sum('debug'), info: sum('info'), warn: sum('warn'), error: sum('error') }).toEqual({ debug: HEARTBEAT_COUNT, info: ORDER_COUNT + 4, warn: 1, error: 2 });

    const page = await context.newPage();
    const pageErrors = watchPageErrors(page);

    // Everything: a page of 100 records newest first (virtualised: only the rows in view are
    // in the DOM), the histogram with every band sent.
    await page.goto(`${pharos.apiUrl}/logs?range=15m`);
    await page.getByText(/^100 records shown, newest first/).waitFor();
    expect(await page.locator('.log-item').count()).toBeGreaterThan(10);
    expect(await page.locator('.log-item').count()).toBeLessThan(100);
    expect((await page.locator('.log-body').first().innerText())).toBe(`heartbeat ${HEARTBEAT_COUNT - 1}`);
    expect(await histogramBands(page)).toEqual(['debug', 'error', 'info', 'warn']);
    expect(await page.getByRole('img', { name: /log records? over time/ }).getAttribute('aria-label')).toBe(`${TOTAL_RECORDS} log records over time: ${HEARTBEAT_COUNT} debug, ${ORDER_COUNT + 4} info, 1 warn, 2 error`);
    expect(await page.getByRole('link', { name: 'Logs' }).getAttribute('aria-current')).toBe('page');

    await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'logs-all.png'), fullPage: false });

    // Scrolling to the end fetches the next page with the cursor (infinite scroll), down to the end of the results.
    await expect
      .poll(
        async () => {
          await page.locator('.log-scroll').evaluate((el) => (el.scrollTop = el.scrollHeight));
          return page.getByText(`End of results: ${TOTAL_RECORDS} records in this time range.`).count();
        },
        { timeout: STEP_TIMEOUT_MS },
      )
      .toBe(1);
    expect(await page.getByText(new RegExp(`^${TOTAL_RECORDS} records shown`)).count()).toBe(1);
    expect(await page.locator('.log-item').count()).toBeLessThan(100);
    expect(await page.getByRole('button', { name: 'Load more' }).count()).toBe(0);

    // Service and minimum severity: payment's errors only, in list and histogram.
    await page.getByLabel('Service').selectOption(PAYMENT);
    await page.getByLabel('Minimum severity').selectOption('error');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.waitForURL((url) => url.searchParams.get('service') === PAYMENT && url.searchParams.get('severity') === 'error');
    await expect.poll(() => severitiesShown(page), { timeout: STEP_TIMEOUT_MS }).toEqual(['error', 'error']);
    expect(await page.locator('.log-body').allInnerTexts()).toEqual(['payment declined for order 3', 'payment declined for order 0']);
    await expect.poll(() => histogramBands(page), { timeout: STEP_TIMEOUT_MS }).toEqual(['error']);
    expect(await page.locator('.log-histogram rect[data-severity="error"]').count()).toBe(2);

    // Text search narrows it to one record.
    await page.getByLabel('Text in the body').fill('ORDER 3');
    await page.getByLabel('Text in the body').press('Enter');
    await page.waitForURL((url) => url.searchParams.get('q') === 'ORDER 3');
    await expect.poll(() => page.locator('.log-item').count(), { timeout: STEP_TIMEOUT_MS }).toBe(1);
    const logsUrl = page.url();

    // Expand it from the keyboard: body, attributes, resource, trace and span ids.
    const row = page.locator('.log-row').first();
    await row.focus();
    await page.keyboard.press('Enter');
    expect(await row.getAttribute('aria-expanded')).toBe('true');
    const details = page.getByRole('region', { name: `Details of the error record from ${PAYMENT}` });
    await details.waitFor();
    const detailsText = await details.innerText();
    expect(detailsText).toContain('payment declined for order 3');
    expect(detailsText).toMatch(/payment\.card\s+visa/);
    expect(detailsText).toMatch(/service\.name\s+logs-payment/);
    expect(detailsText).toContain(orderTraceIds[3]);
    expect(detailsText).toMatch(/Span id\s+[0-9a-f]{16}/);
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'logs.png'), fullPage: true });

    // "Open trace" shows that trace.
    await details.getByRole('link', { name: 'Open trace' }).click();
    await page.waitForURL((url) => url.pathname === `/traces/${orderTraceIds[3]}`);
    await page.locator('.waterfall-item').nth(1).waitFor();
    expect(await page.locator('#trace-title').innerText()).toContain(orderTraceIds[3]);
    expect((await page.locator('.waterfall-row').allInnerTexts()).map((r) => r.split('\n').join(' '))).toEqual([
      expect.stringMatching(/logs-checkout\s*POST \/checkout/),
      expect.stringMatching(/logs-payment\s*POST \/charge/),
    ]);

    // The copied URL, opened afresh, restores the filters and the same result.
    const fresh = await context.newPage();
    const freshErrors = watchPageErrors(fresh);
    await fresh.goto(logsUrl);
    await expect.poll(() => fresh.locator('.log-body').allInnerTexts(), { timeout: STEP_TIMEOUT_MS }).toEqual(['payment declined for order 3']);
    expect(await fresh.getByLabel('Service').inputValue()).toBe(PAYMENT);
    expect(await fresh.getByLabel('Minimum severity').inputValue()).toBe('error');
    expect(await fresh.getByLabel('Text in the body').inputValue()).toBe('ORDER 3');
    await expect.poll(() => histogramBands(fresh), { timeout: STEP_TIMEOUT_MS }).toEqual(['error']);
    await fresh.close();

    // An attribute filter that matches nothing shows the empty state.
    await page.goto(`${pharos.apiUrl}/logs?range=15m&attr=payment.card%3Ddiners`);
    await page.getByRole('heading', { name: 'No logs match' }).waitFor();
    expect(await page.getByLabel(/Attributes/).inputValue()).toBe('payment.card=diners');

    expect([...pageErrors, ...freshErrors]).toEqual([]);
    await page.close();
  });
});
