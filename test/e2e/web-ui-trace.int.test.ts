import path from 'node:path';
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Attributes, type Context, type Link, type Span, type Tracer } from '@opentelemetry/api';
import { SeverityNumber, type Logger } from '@opentelemetry/api-logs';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCREENSHOT_DIR, STEP_TIMEOUT_MS, expectNoAxeViolations, startUiTestBed, watchPageErrors, type UiTestBed } from '../helpers/browser-ui.js';
import type { InProcessPharos } from '../helpers/in-process-pharos.js';
import { hrTimeOfMs, startSdkService, type SdkService } from '../helpers/otel-sdk-service.js';
import type { PageDocument, PageGetComputedStyle } from '../helpers/page-dom.js';

// The browser globals that the in-page callbacks below use (see test/helpers/page-dom.ts).
declare const document: PageDocument;
declare const getComputedStyle: PageGetComputedStyle;

/*
 * The trace view (/traces/:id), end to end: a real Pharos (in-process, serving the built
 * packages/web/dist) and Chromium driven by playwright-core, on a checkout trace of five
 * services made with the OpenTelemetry JS SDK, with an exception, a link to another trace and
 * logs emitted in span context: tree, collapse and keyboard, errors, service colours, critical
 * path, span details, the trace's logs, search, minimap zoom, and a copied URL that reopens the
 * same view. The 10,000-span trace (speed, virtualised rows) is web-ui-trace-speed.int.test.ts.
 * Needs `npm run build` and Debian's chromium at /usr/bin/chromium; fails, never skips, without them.
 */

const FRONTEND = 'tv-frontend';
const CART = 'tv-cart';
const ORDERS = 'tv-orders';
const PAYMENT = 'tv-payment';
const RECS = 'tv-recommendations';

/** Span ids of the checkout trace by span name, and the trace ids. */
const ids = { checkoutTraceId: '', linkedTraceId: '', linkedSpanId: '', span: {} as Record<string, string> };

let bed: UiTestBed;
let pharos: InProcessPharos;
let context: BrowserContext;

const remote = (span: Span): Context => trace.setSpanContext(ROOT_CONTEXT, { ...span.spanContext(), isRemote: true });

/**
 * The checkout, times in ms after t0 (kinds as instrumentation gives them):
 *
 *   frontend POST /checkout [0,120] server
 *   ├ frontend GET cart [2,20] client → cart GET /cart [3,19] → cart redis GET [5,9]
 *   ├ frontend POST orders [22,115] client
 *   │ └ orders POST /orders [23,114] server (linked to the cart-update trace)
 *   │   ├ orders SELECT stock [25,40] (inventory.sku=sku-42)
 *   │   ├ orders POST payment [42,110] client
 *   │   │ └ payment POST /charge [43,108] server, ERROR with an exception
 *   │   │   ├ payment fraud check [45,70] (overlaps the gateway call: not on the critical path)
 *   │   │   └ payment gateway call [50,105] client
 *   │   └ orders publish order-created [111,113] producer
 *   └ frontend GET recommendations [25,60] client → recommendations GET /recs [26,58]
 *     (parallel to the order: not on the critical path)
 */
async function sendCheckout(): Promise<void> {
  const services: Record<string, SdkService> = Object.fromEntries([FRONTEND, CART, ORDERS, PAYMENT, RECS].map((name) => [name, startSdkService(name, pharos)]));
  const tracer = (name: string): Tracer => services[name].tracerProvider.getTracer('trace-view-e2e');
  const logger = (name: string): Logger => services[name].loggerProvider.getLogger('trace-view-e2e');
  const t0 = Date.now() - 5 * 60_000;
  const at = (ms: number) => hrTimeOfMs(t0 + ms);
  const spans: Array<[string, Span]> = [];
  const start = (service: string, name: string, kind: SpanKind, startMs: number, parent: Context, attributes: Attributes = {}, links?: Link[]) => {
    const span = tracer(service).startSpan(name, { kind, startTime: at(startMs), attributes, links }, parent);
    spans.push([name, span]);
    return span;
  };

  // The trace the order links to: the cart update that the checkout checks out.
  const cartUpdate = start(CART, 'POST /cart/items', SpanKind.SERVER, -30_000, ROOT_CONTEXT, { 'http.route': '/cart/items' });
  cartUpdate.end(at(-29_990));
  ids.linkedTraceId = cartUpdate.spanContext().traceId;
  ids.linkedSpanId = cartUpdate.spanContext().spanId;

  const root = start(FRONTEND, 'POST /checkout', SpanKind.SERVER, 0, ROOT_CONTEXT, { 'http.request.method': 'POST', 'http.route': '/checkout', 'user.id': 'u-1001' });
  const rootContext = trace.setSpan(ROOT_CONTEXT, root);
  logger(FRONTEND).emit({ body: 'checkout started', severityNumber: SeverityNumber.INFO, severityText: 'INFO', timestamp: at(1), context: rootContext, attributes: { 'user.id': 'u-1001' } });

  const cartCall = start(FRONTEND, 'GET cart', SpanKind.CLIENT, 2, rootContext);
  const cartServer = start(CART, 'GET /cart', SpanKind.SERVER, 3, remote(cartCall), { 'http.route': '/cart', 'cart.items': 3 });
  const redis = start(CART, 'redis GET', SpanKind.CLIENT, 5, trace.setSpan(ROOT_CONTEXT, cartServer), { 'db.system': 'redis' });
  redis.end(at(9));
  logger(CART).emit({ body: 'cart loaded with 3 items', severityNumber: SeverityNumber.INFO, severityText: 'INFO', timestamp: at(18), context: trace.setSpan(ROOT_CONTEXT, cartServer) });
  cartServer.end(at(19));
  cartCall.end(at(20));

  const ordersCall = start(FRONTEND, 'POST orders', SpanKind.CLIENT, 22, rootContext);
  const orders = start(ORDERS, 'POST /orders', SpanKind.SERVER, 23, remote(ordersCall), { 'http.route': '/orders' }, [{ context: cartUpdate.spanContext(), attributes: { 'link.reason': 'the cart checked out' } }]);
  const ordersContext = trace.setSpan(ROOT_CONTEXT, orders);
  const recsCall = start(FRONTEND, 'GET recommendations', SpanKind.CLIENT, 25, rootContext);
  const recs = start(RECS, 'GET /recs', SpanKind.SERVER, 26, remote(recsCall), { 'http.route': '/recs' });
  const stock = start(ORDERS, 'SELECT stock', SpanKind.CLIENT, 25, ordersContext, { 'db.system': 'postgresql', 'inventory.sku': 'sku-42' });
  stock.end(at(40));
  logger(ORDERS).emit({ body: 'stock low for sku-42', severityNumber: SeverityNumber.WARN, severityText: 'WARN', timestamp: at(41), context: ordersContext, attributes: { 'inventory.sku': 'sku-42' } });
  const paymentCall = start(ORDERS, 'POST payment', SpanKind.CLIENT, 42, ordersContext);
  const charge = start(PAYMENT, 'POST /charge', SpanKind.SERVER, 43, remote(paymentCall), { 'http.route': '/charge', 'payment.method': 'card' });
  const chargeContext = trace.setSpan(ROOT_CONTEXT, charge);
  const fraud = start(PAYMENT, 'fraud check', SpanKind.INTERNAL, 45, chargeContext);
  const gateway = start(PAYMENT, 'gateway call', SpanKind.CLIENT, 50, chargeContext, { 'peer.service': 'acme-gateway' });
  recs.end(at(58));
  recsCall.end(at(60));
  fraud.end(at(70));
  gateway.end(at(105));
  charge.recordException(new Error('card declined'), at(106));
  logger(PAYMENT).emit({ body: 'payment declined: card declined', severityNumber: SeverityNumber.ERROR, severityText: 'ERROR', timestamp: at(106), context: chargeContext, attributes: { 'payment.method': 'card' } });
  charge.setStatus({ code: SpanStatusCode.ERROR, message: 'card declined' });
  charge.end(at(108));
  paymentCall.end(at(110));
  const publish = start(ORDERS, 'publish order-created', SpanKind.PRODUCER, 111, ordersContext, { 'messaging.system': 'kafka' });
  publish.end(at(113));
  orders.end(at(114));
  ordersCall.end(at(115));
  root.end(at(120));

  ids.checkoutTraceId = root.spanContext().traceId;
  for (const [name, span] of spans) ids.span[name] = span.spanContext().spanId;
  for (const s of Object.values(services)) await s.finish();
}

beforeAll(async () => {
  bed = await startUiTestBed(
    async (started) => {
      pharos = started; // the loader sends to it
      await sendCheckout();
    },
    { width: 1280, height: 900 },
  );
  ({ pharos, context } = bed);
});

afterAll(async () => {
  await bed?.stop();
});

const rows = (page: Page) => page.locator('[role="tree"] [role="treeitem"]');
const row = (page: Page, spanName: string) => page.locator(`[role="treeitem"][data-span-id="${ids.span[spanName]}"]`);
const searchStatus = (page: Page) => page.locator('.span-search-status');
/** The span names of the rows in the DOM, in order. */
const rowNames = (page: Page) => rows(page).evaluateAll((els) => els.map((e) => e.querySelector('.span-name')?.textContent ?? ''));

describe('web UI: trace view', () => {
  it('shows a realistic trace: tree, errors, colours, critical path, details, logs, search, minimap, shared URL', async () => {
    const page = await context.newPage();
    const pageErrors = watchPageErrors(page);
    await page.goto(`${pharos.apiUrl}/traces/${ids.checkoutTraceId}?range=15m`);

    // The tree, depth-first with children by start time.
    await expect.poll(() => rows(page).count(), { timeout: STEP_TIMEOUT_MS }).toBe(14);
    expect(await rowNames(page)).toEqual(['POST /checkout', 'GET cart', 'GET /cart', 'redis GET', 'POST orders', 'POST /orders', 'SELECT stock', 'POST payment', 'POST /charge', 'fraud check', 'gateway call', 'publish order-created', 'GET recommendations', 'GET /recs']);
    expect(await rows(page).evaluateAll((els) => els.map((e) => Number(e.getAttribute('aria-level'))))).toEqual([1, 2, 3, 4, 2, 3, 4, 4, 5, 6, 6, 4, 2, 3]);
    expect(await page.locator('#trace-title').innerText()).toContain(ids.checkoutTraceId);
    expect(await page.locator('#trace-title').innerText()).toContain(`${FRONTEND}: POST /checkout`);
    // Toggle, service, name; then the bar's duration and the span kind.
    expect((await row(page, 'POST /checkout').innerText()).split(/\s+/).join(' ')).toMatch(/^▾ tv-frontend POST \/checkout .*120\.0ms server$/);

    // Errors: marked by class, icon and text, on the failing span only.
    expect(await page.locator('[role="treeitem"].error').evaluateAll((els) => els.map((e) => e.getAttribute('data-span-id')))).toEqual([ids.span['POST /charge']]);
    expect(await row(page, 'POST /charge').locator('.error-marker').innerText()).toContain('error');
    expect(await page.getByRole('treeitem', { name: /^error tv-payment POST \/charge\b/ }).getAttribute('data-span-id')).toBe(ids.span['POST /charge']);

    // Service colours: one per service, the same on its rows and in the legend.
    const dotColors = await rows(page).evaluateAll((els) => els.map((e) => [e.querySelector('.span-service')?.textContent ?? '', getComputedStyle(e.querySelector('.service-dot')!).backgroundColor]));
    const colorOf = new Map<string, Set<string>>();
    for (const [service, color] of dotColors) colorOf.set(service, (colorOf.get(service) ?? new Set()).add(color));
    expect([...colorOf.keys()].sort()).toEqual([CART, FRONTEND, ORDERS, PAYMENT, RECS]);
    for (const colors of colorOf.values()) expect(colors.size).toBe(1);
    expect(new Set([...colorOf.values()].map((c) => [...c][0])).size).toBe(5);
    expect(await page.getByRole('list', { name: 'Service colours' }).locator('li').count()).toBe(5);

    // The critical path: everything but the parallel recommendations and the overlapped fraud check.
    const onPath = () => page.locator('[role="treeitem"][data-critical="true"] .span-name').allInnerTexts();
    await expect.poll(async () => (await onPath()).sort()).toEqual(['GET /cart', 'GET cart', 'POST /charge', 'POST /checkout', 'POST /orders', 'POST orders', 'POST payment', 'SELECT stock', 'gateway call', 'publish order-created', 'redis GET'].sort());
    expect(await page.locator('.critical-segment').count()).toBeGreaterThanOrEqual(11);
    await page.getByLabel('Critical path', { exact: true }).uncheck();
    expect(await page.locator('.critical-segment').count()).toBe(0);
    await page.getByLabel('Critical path', { exact: true }).check();
    await expect.poll(async () => (await onPath()).length).toBe(11);
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'trace-view.png'), fullPage: true });

    // Collapse and expand with the mouse, then the keyboard (tree pattern).
    await row(page, 'POST orders').locator('.tree-toggle').click();
    await expect.poll(() => rows(page).count()).toBe(7);
    expect(await row(page, 'POST orders').getAttribute('aria-expanded')).toBe('false');
    expect(await row(page, 'POST orders').locator('.hidden-count').innerText()).toMatch(/^\+7\s+hidden$/);
    expect(page.url()).not.toContain('span=');
    await row(page, 'POST orders').focus();
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => rows(page).count()).toBe(14);
    await page.keyboard.press('ArrowLeft');
    await expect.poll(() => rows(page).count()).toBe(7);
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowDown');
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-span-id'))).toBe(ids.span['POST /orders']);
    await page.keyboard.press('ArrowLeft'); // collapses POST /orders
    await expect.poll(() => rows(page).count()).toBe(8);
    await page.keyboard.press('ArrowLeft'); // collapsed already: to the parent
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-span-id'))).toBe(ids.span['POST orders']);
    await page.getByRole('button', { name: 'Collapse all' }).click();
    await expect.poll(() => rows(page).count()).toBe(1);
    await page.getByRole('button', { name: 'Expand all' }).click();
    await expect.poll(() => rows(page).count()).toBe(14);
    await row(page, 'POST /orders').focus();
    await page.keyboard.press('Enter');
    await page.waitForURL((url) => url.searchParams.get('span') === ids.span['POST /orders']);

    // A span's details: its link to the other trace, its log.
    const ordersDetails = page.getByRole('region', { name: 'Details of POST /orders' });
    await ordersDetails.waitFor();
    expect(await ordersDetails.innerText()).toMatch(/link\.reason\s+the cart checked out/);
    expect(await ordersDetails.innerText()).toContain('stock low for sku-42');
    expect(await ordersDetails.getByRole('link', { name: `Linked trace ${ids.linkedTraceId}, span ${ids.linkedSpanId}` }).count()).toBe(1);

    // The failing span: status, kind, attributes, the exception with its stack trace, its log, its resource.
    await row(page, 'POST /charge').click();
    const details = page.getByRole('region', { name: 'Details of POST /charge' });
    await details.waitFor();
    const detailsText = await details.innerText();
    expect(detailsText).toContain('error: card declined');
    expect(detailsText).toMatch(/Kind\s+server/);
    expect(await details.locator('.attr-table').first().innerText()).toMatch(/payment\.method\s+card/);
    expect(await details.locator('.exception-message').innerText()).toBe('Error: card declined');
    expect(await details.locator('pre.stacktrace').innerText()).toMatch(/^Error: card declined\n\s+at /);
    expect(await details.locator('pre.stacktrace').isVisible()).toBe(true);
    expect(detailsText).toContain('payment declined: card declined');
    expect(detailsText).toMatch(/service\.name\s+tv-payment/);
    expect(detailsText).toMatch(/Critical path\s+\d/);
    expect(await row(page, 'POST /charge').locator('.log-count').innerText()).toContain('1');
    expect(await row(page, 'POST /charge').locator('.log-marker').count()).toBe(1);
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'trace-view-details.png'), fullPage: true });

    // The trace's logs in time order, each naming its span; a click selects that span.
    const logItems = page.locator('.trace-log-item');
    await expect.poll(() => logItems.count()).toBe(4);
    expect(await page.locator('.trace-log-item .log-body').allInnerTexts()).toEqual(['checkout started', 'cart loaded with 3 items', 'stock low for sku-42', 'payment declined: card declined']);
    expect(await page.locator('.trace-log-item .log-span-button').allInnerTexts()).toEqual(['POST /checkout', 'GET /cart', 'POST /orders', 'POST /charge']);
    expect(await page.locator('.trace-log-item .log-offset').allInnerTexts()).toEqual(['+1.00ms', '+18.0ms', '+41.0ms', '+106.0ms']);
    await logItems.nth(1).getByRole('button').click();
    await page.waitForURL((url) => url.searchParams.get('span') === ids.span['GET /cart']);
    await page.getByRole('region', { name: 'Details of GET /cart' }).waitFor();

    // Search: name, service, span id, attribute value; counted, stepped, revealing collapsed spans.
    const find = page.getByLabel('Find in trace', { exact: true });
    await find.fill('gateway');
    await expect.poll(() => searchStatus(page).innerText()).toBe('1 of 1');
    expect(await row(page, 'gateway call').getAttribute('class')).toContain('current-match');
    await find.fill(PAYMENT);
    await expect.poll(() => searchStatus(page).innerText()).toBe('1 of 3');
    await find.press('Enter');
    await expect.poll(() => searchStatus(page).innerText()).toBe('2 of 3');
    expect(await row(page, 'fraud check').getAttribute('class')).toContain('current-match');
    await find.press('Shift+Enter');
    await expect.poll(() => searchStatus(page).innerText()).toBe('1 of 3');
    await page.getByRole('button', { name: 'Previous match' }).click();
    await expect.poll(() => searchStatus(page).innerText()).toBe('3 of 3');
    expect(await page.locator('[role="treeitem"].match').count()).toBe(3);
    await find.fill(ids.span['publish order-created'].slice(0, 10));
    await expect.poll(() => searchStatus(page).innerText()).toBe('1 of 1');
    await find.fill('nothing-like-this');
    await expect.poll(() => searchStatus(page).innerText()).toBe('No matches');
    await page.getByRole('button', { name: 'Collapse all' }).click();
    await expect.poll(() => rows(page).count()).toBe(1);
    await find.fill('sku-42');
    await expect.poll(() => searchStatus(page).innerText()).toBe('1 of 1');
    await expect.poll(() => row(page, 'SELECT stock').isVisible()).toBe(true);
    expect(await row(page, 'SELECT stock').getAttribute('class')).toContain('current-match');
    await page.getByRole('button', { name: 'Expand all' }).click();

    // Minimap: buttons, a drag, the keyboard, reset.
    const zoomParam = () => new URL(page.url()).searchParams.get('zoom');
    await page.getByRole('button', { name: 'Zoom in' }).click();
    await expect.poll(zoomParam).toBe('0.25-0.75');
    expect(await page.locator('.waterfall-header-label').innerText()).toContain('zoomed');
    const area = await page.locator('.minimap-area').boundingBox();
    if (area === null) throw new Error('the minimap is not shown');
    // Drag across the shaded part left of the window: a new window from 5% to 20%.
    await page.mouse.move(area.x + area.width * 0.05, area.y + area.height / 2);
    await page.mouse.down();
    await page.mouse.move(area.x + area.width * 0.12, area.y + area.height / 2, { steps: 4 });
    await page.mouse.move(area.x + area.width * 0.2, area.y + area.height / 2, { steps: 4 });
    await page.mouse.up();
    await expect.poll(zoomParam).toMatch(/^0\.0[45]\d*-0\.(19|2)\d*$/);
    const [dragStart, dragEnd] = zoomParam()!.split('-').map(Number);
    expect(dragStart).toBeCloseTo(0.05, 1);
    expect(dragEnd).toBeCloseTo(0.2, 1);
    // Zoomed to 6-24 ms, the root bar reaches past both edges; the 50-105 ms gateway call is not in view.
    expect(await row(page, 'gateway call').locator('.span-bar').count()).toBe(0);
    await page.getByRole('slider', { name: 'Zoom window' }).focus();
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => Number(zoomParam()!.split('-')[0])).toBeCloseTo(dragStart + (dragEnd - dragStart) * 0.1, 3);
    await page.getByRole('button', { name: 'Reset zoom' }).click();
    await expect.poll(zoomParam).toBe(null);
    expect(await page.locator('.minimap-range').innerText()).toBe('Whole trace, 120.0ms');

    // A copied URL (span, search, zoom) reopens the same view.
    await row(page, 'POST /charge').click();
    await find.fill(PAYMENT);
    await page.getByRole('button', { name: 'Zoom in' }).click();
    await page.waitForURL((url) => url.searchParams.get('span') === ids.span['POST /charge'] && url.searchParams.get('q') === PAYMENT && url.searchParams.get('zoom') === '0.25-0.75');
    await expectNoAxeViolations(page, { include: ['main'] });
    const sharedUrl = page.url();
    const fresh = await context.newPage();
    const freshErrors = watchPageErrors(fresh);
    await fresh.goto(sharedUrl);
    await fresh.getByRole('region', { name: 'Details of POST /charge' }).waitFor();
    expect(await fresh.getByLabel('Find in trace', { exact: true }).inputValue()).toBe(PAYMENT);
    await expect.poll(() => searchStatus(fresh).innerText()).toBe('3 matches');
    expect(await fresh.locator('[role="treeitem"].match').count()).toBe(3);
    expect(await fresh.locator('[role="treeitem"][aria-selected="true"]').getAttribute('data-span-id')).toBe(ids.span['POST /charge']);
    expect(await fresh.locator('.minimap-range').innerText()).toBe('Showing 30.0ms to 90.0ms of 120.0ms');
    await fresh.getByLabel('Find in trace', { exact: true }).press('Enter');
    await expect.poll(() => searchStatus(fresh).innerText()).toBe('1 of 3');
    await fresh.screenshot({ path: path.join(SCREENSHOT_DIR, 'trace-view-shared.png'), fullPage: true });
    await fresh.close();

    // A link to another trace opens it with the linked span selected.
    await row(page, 'POST /orders').click();
    await page.getByRole('region', { name: 'Details of POST /orders' }).getByRole('link', { name: /^Linked trace / }).click();
    await page.waitForURL((url) => url.pathname === `/traces/${ids.linkedTraceId}` && url.searchParams.get('span') === ids.linkedSpanId);
    await page.getByRole('region', { name: 'Details of POST /cart/items' }).waitFor();

    expect([...pageErrors, ...freshErrors]).toEqual([]);
    await page.close();
  });
});
