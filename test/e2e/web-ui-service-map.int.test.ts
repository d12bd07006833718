import path from 'node:path';
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Context, type Span as ApiSpan, type Tracer } from '@opentelemetry/api';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCREENSHOT_DIR, STEP_TIMEOUT_MS, expectNoAxeViolations, startUiTestBed, watchPageErrors, type UiTestBed } from '../helpers/browser-ui.js';
import { fetchJson, type InProcessPharos } from '../helpers/in-process-pharos.js';
import { hrTimeOfMs, startSdkService, type SdkService } from '../helpers/otel-sdk-service.js';

/*
 * The service map and the service page's neighbours, end to end: a real Pharos serving the
 * built UI, traces sent by the OpenTelemetry JS SDK, Chromium driven by playwright-core.
 *
 *   12 checkouts:  frontend → order → payment (every 4th charge fails: 25%, critical)
 *                                    → postgresql/shop (a database that sends no spans)
 *   10 batch jobs: batch → order (the 4th call fails: 10%, critical) → postgresql/shop (the 6th query fails)
 *                  batch → payment (the first 4 jobs: refunds)
 *
 * So: order 1 error in 22 requests (4.5%, warning), payment 3 in 16 (critical), postgresql/shop
 * 1 in 22 (warning), frontend healthy, batch without requests; five edges of every health.
 * Needs `npm run build` and Debian's chromium; fails, never skips, without them.
 */

const CHECKOUTS = 12;
const JOBS = 10;
const REFUNDS = 4;
const DATABASE = 'postgresql/shop';

let bed: UiTestBed;
let pharos: InProcessPharos;
let context: BrowserContext;
const checkoutTraceIds: string[] = [];

/** The context a callee extracts from a caller's propagated headers. */
const remote = (span: ApiSpan): Context => trace.setSpanContext(ROOT_CONTEXT, { ...span.spanContext(), isRemote: true });

async function sendTraffic(): Promise<void> {
  const services = { frontend: startSdkService('frontend', pharos), order: startSdkService('order', pharos), payment: startSdkService('payment', pharos), batch: startSdkService('batch', pharos) };
  const tracer = (service: SdkService): Tracer => service.tracerProvider.getTracer('service-map-e2e');
  const { frontend, order, payment, batch } = { frontend: tracer(services.frontend), order: tracer(services.order), payment: tracer(services.payment), batch: tracer(services.batch) };
  const nowMs = Date.now();
  const fail = (span: ApiSpan, message: string) => span.setStatus({ code: SpanStatusCode.ERROR, message });
  const query = (parent: ApiSpan, t: number, failed: boolean) => {
    const span = order.startSpan('INSERT orders', { kind: SpanKind.CLIENT, startTime: hrTimeOfMs(t), attributes: { 'db.system': 'postgresql', 'db.namespace': 'shop', 'db.operation.name': 'INSERT' } }, trace.setSpan(ROOT_CONTEXT, parent));
    if (failed) fail(span, 'deadlock detected');
    span.end(hrTimeOfMs(t + 4));
  };

  for (let i = 0; i < CHECKOUTS; i++) {
    const t0 = nowMs - (CHECKOUTS - i) * 50_000;
    const root = frontend.startSpan('POST /checkout', { kind: SpanKind.SERVER, startTime: hrTimeOfMs(t0) });
    checkoutTraceIds.push(root.spanContext().traceId);
    const call = frontend.startSpan('POST /orders', { kind: SpanKind.CLIENT, startTime: hrTimeOfMs(t0 + 1) }, trace.setSpan(ROOT_CONTEXT, root));
    const handler = order.startSpan('POST /orders', { kind: SpanKind.SERVER, startTime: hrTimeOfMs(t0 + 2) }, remote(call));
    query(handler, t0 + 3, false);
    const charge = order.startSpan('POST /charge', { kind: SpanKind.CLIENT, startTime: hrTimeOfMs(t0 + 10), attributes: { 'peer.service': 'payment' } }, trace.setSpan(ROOT_CONTEXT, handler));
    const charged = payment.startSpan('charge', { kind: SpanKind.SERVER, startTime: hrTimeOfMs(t0 + 11) }, remote(charge));
    if (i % 4 === 0) {
      fail(charged, 'card declined');
      fail(charge, 'HTTP 402');
    }
    charged.end(hrTimeOfMs(t0 + 40 + i));
    charge.end(hrTimeOfMs(t0 + 41 + i));
    handler.end(hrTimeOfMs(t0 + 50 + i));
    call.end(hrTimeOfMs(t0 + 51 + i));
    root.end(hrTimeOfMs(t0 + 60 + i));
  }
  for (let j = 0; j < JOBS; j++) {
    const t0 = nowMs - (JOBS - j) * 55_000 + 20_000;
    const job = batch.startSpan('nightly reconcile', { kind: SpanKind.INTERNAL, startTime: hrTimeOfMs(t0) });
    const call = batch.startSpan('GET /orders/status', { kind: SpanKind.CLIENT, startTime: hrTimeOfMs(t0 + 1) }, trace.setSpan(ROOT_CONTEXT, job));
    const status = order.startSpan('GET /orders/status', { kind: SpanKind.SERVER, startTime: hrTimeOfMs(t0 + 2) }, remote(call));
    query(status, t0 + 3, j === 5);
    if (j === 3) fail(status, 'timeout');
    status.end(hrTimeOfMs(t0 + 20));
    call.end(hrTimeOfMs(t0 + 21));
    if (j < REFUNDS) {
      const refundCall = batch.startSpan('POST /refund', { kind: SpanKind.CLIENT, startTime: hrTimeOfMs(t0 + 30) }, trace.setSpan(ROOT_CONTEXT, job));
      const refund = payment.startSpan('refund', { kind: SpanKind.SERVER, startTime: hrTimeOfMs(t0 + 31) }, remote(refundCall));
      refund.end(hrTimeOfMs(t0 + 45));
      refundCall.end(hrTimeOfMs(t0 + 46));
    }
    job.end(hrTimeOfMs(t0 + 50));
  }
  for (const [name, service] of Object.entries(services)) {
    await service.finish();
    // Every one of them sends spans: an export must have happened.
    service.spanExporter.log.assertAllSucceeded(`${name} trace export`);
  }
}

beforeAll(async () => {
  bed = await startUiTestBed((started) => {
    pharos = started;
    return sendTraffic();
  }, { width: 1400, height: 900 });
  ({ pharos, context } = bed);
});

afterAll(async () => {
  await bed?.stop();
});

/** The texts of a table's body rows, by column header, keyed by the row's `data-*` attribute. */
async function readRows(page: Page, table: string, key: string): Promise<Record<string, Record<string, string>>> {
  const headers = await page.locator(`${table} thead th`).allInnerTexts();
  const rows = await page.locator(`${table} tbody tr[${key}]`).evaluateAll(
    (trs, attribute) => trs.map((tr) => [tr.getAttribute(attribute)!, [...tr.querySelectorAll('th, td')].map((c) => (c as unknown as { innerText: string }).innerText.trim())] as const),
    key,
  );
  return Object.fromEntries(rows.map(([name, cells]) => [name, Object.fromEntries(headers.map((h, i) => [h.trim(), cells[i]]))]));
}

/** The computed colour of an element's CSS property. */
const colourOf = (page: Page, selector: string, property: 'stroke' | 'fill') => page.locator(selector).first().evaluate((el, p) => (globalThis as unknown as { getComputedStyle(e: unknown): { getPropertyValue(name: string): string } }).getComputedStyle(el).getPropertyValue(p), property);

describe('web UI: service map', () => {
  it('draws services by call direction with figures and health, and leads to services and traces', async () => {
    // The API agrees with the traffic before the browser looks.
    const { body: map } = await fetchJson<{ nodes: Array<{ name: string; kind: string; requests: number; errors: number }> }>(pharos.apiUrl, '/pharos/v1/service-map?start=now-15m');
    expect(map.nodes.map((n) => [n.name, n.kind, n.requests, n.errors])).toEqual([
      ['batch', 'service', 0, 0],
      ['frontend', 'service', CHECKOUTS, 0],
      ['order', 'service', CHECKOUTS + JOBS, 1],
      ['payment', 'service', CHECKOUTS + REFUNDS, 3],
      [DATABASE, 'database', CHECKOUTS + JOBS, 1],
    ]);

    const page = await context.newPage();
    const pageErrors = watchPageErrors(page);
    await page.goto(`${pharos.apiUrl}/service-map?range=15m`);
    await page.locator('.sm-node').nth(4).waitFor();

    // Nodes: names, kinds, health, figures on screen.
    const nodes = await page.locator('.sm-node').evaluateAll((els) => els.map((el) => [el.getAttribute('data-node'), el.getAttribute('data-kind'), el.getAttribute('data-health')]));
    expect(nodes).toEqual([
      ['batch', 'service', 'idle'],
      ['frontend', 'service', 'ok'],
      ['order', 'service', 'warning'],
      ['payment', 'service', 'critical'],
      [DATABASE, 'database', 'warning'],
    ]);
    const nodeText = async (name: string) => (await page.locator(`.sm-node[data-node="${name}"] text`).allTextContents()).map((t) => t.trim());
    expect(await nodeText('payment')).toEqual(['payment', '0.018 req/s · 18.8% err', expect.stringMatching(/^p95 \d+(\.\d+)?ms$/)]);
    expect(await nodeText('order')).toEqual(['order', '0.024 req/s · 4.55% err', expect.stringMatching(/^p95 \d+(\.\d+)?ms$/)]);
    expect(await nodeText('frontend')).toEqual(['frontend', '0.013 req/s · 0% err', expect.stringMatching(/^p95 /)]);
    expect(await nodeText('batch')).toEqual(['batch', '0 req/s · 0% err', 'p95 –']);
    expect(await nodeText(DATABASE)).toEqual([DATABASE, '0.024 req/s · 4.55% err', 'p95 4.00ms']);

    // Laid out by call direction: callers left of callees.
    const xOf = (name: string) => page.locator(`.sm-node[data-node="${name}"] > g`).evaluate((g) => Number(/translate\(([\d.]+)/.exec(g.getAttribute('transform')!)![1]));
    const x = { batch: await xOf('batch'), frontend: await xOf('frontend'), order: await xOf('order'), payment: await xOf('payment'), db: await xOf(DATABASE) };
    expect(x.frontend).toBe(x.batch);
    expect(x.order).toBeGreaterThan(x.frontend);
    expect(x.payment).toBeGreaterThan(x.order);
    expect(x.db).toBe(x.payment);

    // Edges: health, labels, colours by health.
    const edges = await page.locator('.sm-edge').evaluateAll((els) => Object.fromEntries(els.map((el) => [el.getAttribute('data-edge'), el.getAttribute('data-health')])));
    expect(edges).toEqual({
      'batch→order': 'critical',
      'batch→payment': 'ok',
      'frontend→order': 'ok',
      'order→payment': 'critical',
      [`order→${DATABASE}`]: 'warning',
    });
    expect(await page.locator('.sm-edge[data-edge="order→payment"] .sm-edge-label').textContent()).toMatch(/^0\.013\/s · 25\.0% · \d/);
    const critical = await colourOf(page, '.sm-edge[data-edge="order→payment"] .sm-edge-line', 'stroke');
    const warning = await colourOf(page, `.sm-edge[data-edge="order→${DATABASE}"] .sm-edge-line`, 'stroke');
    expect(critical).toBe('rgb(198, 40, 40)');
    expect(warning).toBe('rgb(180, 95, 6)');
    expect(await colourOf(page, '.sm-node[data-node="payment"] .sm-node-shape', 'stroke')).toBe(critical);
    expect(await colourOf(page, '.sm-node[data-node="order"] .sm-node-shape', 'stroke')).toBe(warning);
    expect(await colourOf(page, '.sm-node[data-node="frontend"] .sm-node-bar', 'fill')).toBe('rgb(46, 125, 50)');
    expect(await page.locator('.service-map-legend').innerText()).toMatch(/Warning: errors > 1%[\s\S]*Critical: errors > 5%/);

    // The table of edges says the same in text.
    const rows = await readRows(page, '.service-map-edges', 'data-edge');
    expect(rows['order→payment']).toMatchObject({ Caller: 'order', 'Calls/s': '0.013', 'Error %': '25.0%', Health: 'critical', Traces: `${CHECKOUTS} calls` });
    expect(rows['batch→order']).toMatchObject({ 'Calls/s': '0.011', 'Error %': '10.0%', Health: 'critical', Traces: `${JOBS} calls` });
    expect(rows[`order→${DATABASE}`]).toMatchObject({ Callee: `${DATABASE} DATABASE`, 'Error %': '4.55%', Health: 'warning' });
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'service-map.png'), fullPage: true });
    await expectNoAxeViolations(page, { include: ['main'] });
    // The dark theme has its own, brighter health colours.
    await page.emulateMedia({ colorScheme: 'dark' });
    expect(await colourOf(page, '.sm-edge[data-edge="order→payment"] .sm-edge-line', 'stroke')).toBe('rgb(255, 107, 107)');
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'service-map-dark.png'), fullPage: true });
    await page.emulateMedia({ colorScheme: 'light' });

    // Hovering a node highlights its edges and dims the rest.
    await page.locator('.sm-node[data-node="payment"] .sm-node-shape').hover();
    await expect.poll(() => page.locator('.sm-edge.sm-related').evaluateAll((els) => els.map((el) => el.getAttribute('data-edge')))).toEqual(['batch→payment', 'order→payment']);
    expect(await page.locator('.sm-node.sm-dimmed').evaluateAll((els) => els.map((el) => el.getAttribute('data-node')))).toEqual(['frontend', DATABASE]);

    // Keyboard: nodes and edges are links with their figures in their names.
    const edgeLink = page.getByRole('link', { name: /^order calls payment: 0\.013\/s · 25\.0% · \d.* \(calls, errors, p95\)\. Opens its traces$/ });
    await edgeLink.focus();
    expect(await edgeLink.evaluate((el) => el.matches(':focus'))).toBe(true);
    await expect(page.getByRole('link', { name: /^payment 0\.018 req\/s · 18\.8% err p95 .+\. Opens the service$/ }).count()).resolves.toBe(1);
    await expect(page.getByRole('link', { name: /^postgresql\/shop 0\.024 req\/s · 4\.55% err p95 4\.00ms\. database, not instrumented: opens the traces calling it$/ }).count()).resolves.toBe(1);

    // An edge leads to its traces: the checkouts' payments only, not batch's refunds.
    await page.keyboard.press('Enter');
    await page.waitForURL((url) => url.pathname === '/traces' && url.searchParams.get('service') === 'payment' && url.searchParams.get('parentService') === 'order');
    expect(new URL(page.url()).searchParams.get('range')).toBe('15m');
    await expect.poll(() => page.locator('.trace-item').count(), { timeout: STEP_TIMEOUT_MS }).toBe(CHECKOUTS);
    const shown = await page.locator('.trace-item').evaluateAll((items) => items.map((i) => i.getAttribute('data-trace-id')));
    expect(shown.sort()).toEqual([...checkoutTraceIds].sort());

    // A virtual edge leads to the caller's traces with the database's attributes.
    await page.goBack();
    await page.locator(`.service-map-edges tr[data-edge="order→${DATABASE}"] a[aria-label*="calls from"]`).click();
    await page.waitForURL((url) => url.pathname === '/traces' && url.searchParams.get('service') === 'order');
    expect(new URL(page.url()).searchParams.getAll('attr')).toEqual(['db.system=postgresql', 'db.namespace=shop']);
    await expect.poll(() => page.locator('.trace-item').count(), { timeout: STEP_TIMEOUT_MS }).toBeGreaterThan(0);

    // A node leads to its service's page (whose own sections are not this test's business).
    await page.goBack();
    await page.locator('.sm-node').nth(4).waitFor();
    expect(pageErrors).toEqual([]);
    await page.locator('.sm-node[data-node="payment"]').click();
    await page.waitForURL((url) => url.pathname === '/services/payment' && url.searchParams.get('range') === '15m');
    await page.getByRole('heading', { level: 1, name: 'payment' }).waitFor();
    await page.close();
  });

  it('narrows to one service, and a reload or a copied link keeps the view', async () => {
    const page = await context.newPage();
    const pageErrors = watchPageErrors(page);
    await page.goto(`${pharos.apiUrl}/service-map?range=15m`);
    await page.locator('.sm-node').nth(4).waitFor();
    await page.getByLabel('Focus on').selectOption('frontend');
    await page.waitForURL(/focus=frontend/);
    const names = () => page.locator('.sm-node').evaluateAll((els) => els.map((el) => el.getAttribute('data-node')));
    await expect.poll(names).toEqual(['frontend', 'order']);
    await page.reload();
    await page.locator('.sm-node').nth(1).waitFor();
    expect(await names()).toEqual(['frontend', 'order']);
    expect(await page.getByLabel('Focus on').inputValue()).toBe('frontend');
    expect(new URL(page.url()).searchParams.get('range')).toBe('15m');

    // Back to every service; an empty range shows how to send data.
    await page.getByLabel('Focus on').selectOption('');
    await expect.poll(names).toHaveLength(5);
    await page.goto(`${pharos.apiUrl}/service-map?from=946684800000&to=946688400000`);
    await page.getByRole('heading', { name: 'No services in this time range' }).waitFor();
    expect(await page.locator('.state-empty').innerText()).toContain('OTEL_EXPORTER_OTLP_ENDPOINT');
    expect(pageErrors).toEqual([]);
    await page.close();
  });

  it("lists a service's upstream and downstream neighbours on its page", async () => {
    // The rest of the service page is another section's: only this section's errors count here.
    const page = await context.newPage();
    await page.goto(`${pharos.apiUrl}/services/order?range=15m`);
    const section = page.getByRole('region', { name: 'Upstream and downstream' });
    await section.waitFor();
    const upstream = section.getByRole('table', { name: 'Upstream: calling order' });
    const downstream = section.getByRole('table', { name: 'Downstream: called by order' });
    await upstream.locator('tbody tr[data-neighbour]').nth(1).waitFor();
    expect(await section.locator('.state-error').count()).toBe(0);
    const read = async (table: typeof upstream) =>
      table.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('th, td')].slice(0, 5).map((c) => (c as unknown as { innerText: string }).innerText.trim())));
    expect(await read(upstream)).toEqual([
      ['frontend', '0.013', '0%', expect.stringMatching(/ms$/), 'ok'],
      ['batch', '0.011', '10.0%', expect.stringMatching(/ms$/), 'critical'],
    ]);
    expect(await read(downstream)).toEqual([
      [`${DATABASE} DATABASE`, '0.024', '4.55%', expect.stringMatching(/ms$/), 'warning'],
      ['payment', '0.013', '25.0%', expect.stringMatching(/ms$/), 'critical'],
    ]);
    await section.screenshot({ path: path.join(SCREENSHOT_DIR, 'service-neighbours.png') });
    await expectNoAxeViolations(page, { include: ['.service-neighbours'] });

    // A neighbour opens its page; an edge's traces link opens the calls.
    await upstream.getByRole('link', { name: 'batch', exact: true }).click();
    await page.waitForURL((url) => url.pathname === '/services/batch');
    await page.goBack();
    await downstream.getByRole('link', { name: `${CHECKOUTS} calls from order to payment: open their traces` }).click();
    await page.waitForURL((url) => url.pathname === '/traces' && url.searchParams.get('service') === 'payment' && url.searchParams.get('parentService') === 'order');
    await expect.poll(() => page.locator('.trace-item').count(), { timeout: STEP_TIMEOUT_MS }).toBe(CHECKOUTS);
    await page.close();
  });
});
