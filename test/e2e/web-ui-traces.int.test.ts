import path from 'node:path';
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Attributes, type Context, type Span, type Tracer } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatDurationNs, formatTimeUnixNano } from '../../packages/web/src/model/format.js';
import { SCREENSHOT_DIR, STEP_TIMEOUT_MS, expectNoAxeViolations, startUiTestBed, watchPageErrors, type UiTestBed } from '../helpers/browser-ui.js';
import { fetchJson, type InProcessPharos } from '../helpers/in-process-pharos.js';
import { hrTimeToUnixNano } from '../helpers/otel-sdk-exporters.js';
import { hrTimeOfMs, startSdkService, type SdkService } from '../helpers/otel-sdk-service.js';

/*
 * The traces search page, end to end: a real Pharos (in-process, serving the built
 * packages/web/dist), twelve traces of four services sent by the OpenTelemetry JS SDK with
 * varied durations, errors and attributes, and Chromium driven by playwright-core: search by
 * service and operation, duration range, status and attribute conditions (the list must hold
 * exactly the traces sent that match), drag over the slow traces on the scatter plot, sort,
 * open a trace and come back, reload a copied URL, and follow a service-map edge link
 * (`parentService`). Expected results are computed from the spans the SDK exported, with the
 * API's rule: a trace matches when one of its spans meets every condition. A thousand more
 * traces, sent as one OTLP/JSON request hours earlier, time the page with a full result set.
 * Needs `npm run build` and Debian's chromium at /usr/bin/chromium; fails, never skips,
 * without them. Screenshots go to the system temp dir (pharos-web-ui-test/).
 */

const GATEWAY = 'tr-gateway';
const ORDERS = 'tr-orders';
const PAYMENT = 'tr-payment';
const CATALOG = 'tr-catalog';

type Flow = 'browse' | 'order' | 'refund';

/** One trace to send: gateway → catalog (browse), gateway → orders → payment (order), gateway → payment (refund). */
interface TraceSpec {
  flow: Flow;
  durationMs: number;
  /** The payment is declined: payment and gateway spans get status ERROR (2 errors). */
  declined?: boolean;
  httpStatus: number;
  items?: number;
  amount?: number;
  method?: 'card' | 'paypal';
}

const SPECS: TraceSpec[] = [
  { flow: 'browse', durationMs: 25, httpStatus: 200 },
  { flow: 'order', durationMs: 120, httpStatus: 201, items: 2, amount: 40.5, method: 'card' },
  { flow: 'order', durationMs: 1800, httpStatus: 201, items: 7, amount: 310, method: 'card' },
  { flow: 'browse', durationMs: 40, httpStatus: 200 },
  { flow: 'order', durationMs: 250, httpStatus: 402, declined: true, items: 1, amount: 15, method: 'card' },
  { flow: 'refund', durationMs: 90, httpStatus: 200, method: 'paypal' },
  { flow: 'order', durationMs: 2400, httpStatus: 402, declined: true, items: 9, amount: 999.99, method: 'paypal' },
  { flow: 'browse', durationMs: 30, httpStatus: 404 },
  { flow: 'order', durationMs: 160, httpStatus: 201, items: 3, amount: 60, method: 'paypal' },
  { flow: 'refund', durationMs: 1300, httpStatus: 200, method: 'card' },
  { flow: 'browse', durationMs: 55, httpStatus: 200 },
  { flow: 'order', durationMs: 95, httpStatus: 201, items: 5, amount: 120, method: 'card' },
];
const SLOW_MS = 1000;

let bed: UiTestBed;
let pharos: InProcessPharos;
let context: BrowserContext;
/** Every span the SDK exported, as the tests compare it. */
const sentSpans: SentSpan[] = [];
/** The trace id of each spec, by index. */
const traceIds: string[] = [];

interface SentSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string | undefined;
  service: string;
  name: string;
  startNs: bigint;
  endNs: bigint;
  error: boolean;
  attributes: Attributes;
}

/** A context whose parent is `span`, as a propagated traceparent header gives the callee. */
const remoteParent = (span: Span): Context => trace.setSpanContext(ROOT_CONTEXT, { ...span.spanContext(), isRemote: true });

/** Sends SPECS, one trace a minute over the last 12 minutes, each as its services would. */
async function sendTraces(): Promise<void> {
  const services = { gateway: startSdkService(GATEWAY, pharos), orders: startSdkService(ORDERS, pharos), payment: startSdkService(PAYMENT, pharos), catalog: startSdkService(CATALOG, pharos) };
  const tracer = (service: SdkService): Tracer => service.tracerProvider.getTracer('traces-e2e');
  const { gateway, orders, payment, catalog } = { gateway: tracer(services.gateway), orders: tracer(services.orders), payment: tracer(services.payment), catalog: tracer(services.catalog) };
  const nowMs = Date.now();
  SPECS.forEach((spec, i) => {
    const t0 = nowMs - (SPECS.length - i) * 60_000 + 500;
    const d = spec.durationMs;
    const rootName = spec.flow === 'browse' ? 'GET /products' : spec.flow === 'order' ? 'POST /orders' : 'POST /refunds';
    const root = gateway.startSpan(rootName, { kind: SpanKind.SERVER, startTime: hrTimeOfMs(t0), attributes: { 'http.request.method': rootName.split(' ')[0], 'http.route': rootName.split(' ')[1], 'http.response.status_code': spec.flow === 'order' && spec.declined ? 502 : spec.httpStatus } });
    traceIds.push(root.spanContext().traceId);
    const rootContext = trace.setSpan(ROOT_CONTEXT, root);
    if (spec.flow === 'browse') {
      const call = gateway.startSpan('GET catalog', { kind: SpanKind.CLIENT, startTime: hrTimeOfMs(t0 + 1) }, rootContext);
      const items = catalog.startSpan('GET /items', { kind: SpanKind.SERVER, startTime: hrTimeOfMs(t0 + 2), attributes: { 'http.response.status_code': spec.httpStatus } }, remoteParent(call));
      items.end(hrTimeOfMs(t0 + d - 2));
      call.end(hrTimeOfMs(t0 + d - 1));
    } else {
      const callee = spec.flow === 'order' ? 'POST orders' : 'POST payment';
      const call = gateway.startSpan(callee, { kind: SpanKind.CLIENT, startTime: hrTimeOfMs(t0 + 1) }, rootContext);
      let chargeParent: Span = call;
      let orderSpan: Span | undefined;
      let paymentCall: Span | undefined;
      if (spec.flow === 'order') {
        orderSpan = orders.startSpan('POST /orders', { kind: SpanKind.SERVER, startTime: hrTimeOfMs(t0 + 2), attributes: { 'order.items': spec.items!, 'order.amount': spec.amount!, 'http.response.status_code': spec.httpStatus } }, remoteParent(call));
        paymentCall = orders.startSpan('POST payment', { kind: SpanKind.CLIENT, startTime: hrTimeOfMs(t0 + 3) }, trace.setSpan(ROOT_CONTEXT, orderSpan));
        chargeParent = paymentCall;
      }
      const paymentName = spec.flow === 'order' ? 'POST /charge' : 'POST /refund';
      const charge = payment.startSpan(paymentName, { kind: SpanKind.SERVER, startTime: hrTimeOfMs(t0 + 4), attributes: { 'payment.method': spec.method!, 'http.response.status_code': spec.declined ? 402 : 200 } }, remoteParent(chargeParent));
      if (spec.declined) {
        charge.setStatus({ code: SpanStatusCode.ERROR, message: 'card declined' });
        root.setStatus({ code: SpanStatusCode.ERROR, message: 'order failed' });
      }
      charge.end(hrTimeOfMs(t0 + d - 5));
      paymentCall?.end(hrTimeOfMs(t0 + d - 4));
      orderSpan?.end(hrTimeOfMs(t0 + d - 2));
      call.end(hrTimeOfMs(t0 + d - 1));
    }
    root.end(hrTimeOfMs(t0 + d));
  });
  for (const [name, service] of Object.entries(services)) {
    await service.finish();
    // Every one of them sends spans: an export must have happened.
    service.spanExporter.log.assertAllSucceeded(`${name} trace export`);
    sentSpans.push(...service.spanExporter.spans().map((s) => toSentSpan(s)));
  }
}

function toSentSpan(span: ReadableSpan): SentSpan {
  return {
    traceId: span.spanContext().traceId,
    spanId: span.spanContext().spanId,
    parentSpanId: span.parentSpanContext?.spanId,
    service: String(span.resource.attributes['service.name']),
    name: span.name,
    startNs: hrTimeToUnixNano(span.startTime),
    endNs: hrTimeToUnixNano(span.endTime),
    error: span.status.code === SpanStatusCode.ERROR,
    attributes: span.attributes,
  };
}

/** What the result list must show of a trace, computed from its sent spans. */
interface ExpectedRow {
  traceId: string;
  durationNs: string;
  title: string;
  duration: string;
  spans: string;
  errors: string;
  chips: string[];
  start: string;
}

function expectedRow(traceId: string): ExpectedRow {
  const spans = sentSpans.filter((s) => s.traceId === traceId);
  const root = spans.find((s) => s.parentSpanId === undefined)!;
  const startNs = spans.reduce((m, s) => (s.startNs < m ? s.startNs : m), spans[0].startNs);
  const endNs = spans.reduce((m, s) => (s.endNs > m ? s.endNs : m), spans[0].endNs);
  const errors = spans.filter((s) => s.error).length;
  const byService = new Map<string, { spans: number; errors: number }>();
  for (const s of spans) {
    const entry = byService.get(s.service) ?? { spans: 0, errors: 0 };
    entry.spans++;
    if (s.error) entry.errors++;
    byService.set(s.service, entry);
  }
  return {
    traceId,
    durationNs: String(endNs - startNs),
    title: `${root.service}: ${root.name}`,
    duration: formatDurationNs(String(endNs - startNs)),
    spans: `${spans.length} span${spans.length === 1 ? '' : 's'}`,
    errors: errors === 0 ? '' : `⚠ ${errors} error${errors === 1 ? '' : 's'}`,
    chips: [...byService].map(([name, c]) => `${name} (${c.spans})${c.errors > 0 ? ` ⚠${c.errors}` : ''}`).sort(),
    start: formatTimeUnixNano(String(startNs)),
  };
}

/** The ids of the traces with a span for which `predicate` holds (the API's matching rule), newest first. */
function tracesWithSpan(predicate: (span: SentSpan) => boolean): string[] {
  const ids = new Set(sentSpans.filter(predicate).map((s) => s.traceId));
  return newestFirst([...ids]);
}

const traceStartNs = (traceId: string) => sentSpans.filter((s) => s.traceId === traceId).reduce((m, s) => (s.startNs < m ? s.startNs : m), BigInt(Number.MAX_SAFE_INTEGER) * 1_000_000_000n);
const traceDurationNs = (traceId: string) => BigInt(expectedRow(traceId).durationNs);
const newestFirst = (ids: string[]) => [...ids].sort((a, b) => (traceStartNs(b) > traceStartNs(a) ? 1 : traceStartNs(b) < traceStartNs(a) ? -1 : 0));
const serviceOfSpan = (spanId: string | undefined) => sentSpans.find((s) => s.spanId === spanId)?.service;
const MS_NS = 1_000_000n;

/** The result rows as the user sees them, top to bottom. */
async function readRows(page: Page): Promise<ExpectedRow[]> {
  return page.locator('.trace-item').evaluateAll((items) =>
    items.map((item) => {
      const text = (selector: string) => (item.querySelector(selector) as { innerText: string } | null)?.innerText.trim() ?? '';
      return {
        traceId: item.getAttribute('data-trace-id') ?? '',
        durationNs: item.getAttribute('data-duration-ns') ?? '',
        title: text('.trace-link'),
        duration: text('.trace-duration'),
        spans: text('.trace-spans'),
        errors: text('.error-badge'),
        chips: [...item.querySelectorAll('.service-chip')].map((c) => (c as unknown as { innerText: string }).innerText.trim()).sort(),
        start: text('.trace-start'),
      };
    }),
  );
}

/** Waits until the list shows exactly `traceIds` in this order, then checks every row's content against what was sent. */
async function expectRows(page: Page, expectedIds: string[]): Promise<void> {
  await page.locator('.state-loading').waitFor({ state: 'detached' });
  try {
    await expect.poll(async () => (await readRows(page)).map((r) => r.traceId), { timeout: STEP_TIMEOUT_MS }).toEqual(expectedIds);
  } catch (error) {
    // What the page shows instead (an error, an empty state) says more than the ids.
    const shown = (await page.locator('main').innerText().catch(() => '(no main)')).slice(-1500);
    throw new Error(`${(error as Error).message}\n${page.url()} shows:\n${shown}`, { cause: error });
  }
  expect(await readRows(page)).toEqual(expectedIds.map(expectedRow));
}

/** Runs the search form (Search button) and waits for the URL to change. */
async function submitSearch(page: Page): Promise<void> {
  const before = page.url();
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  await page.waitForURL((url) => url.href !== before);
}

/** A thousand more traces, two to three hours ago (outside the other tests' 15 minutes), for the page's speed with a full result set. */
const BULK_SERVICE = 'tr-bulk';
const BULK_COUNT = 1000;
const BULK_FROM_MS = Math.floor(Date.now() / 60_000) * 60_000 - 3 * 3_600_000;
const BULK_TO_MS = BULK_FROM_MS + 3_600_000;
/** Each bulk trace's start (Unix ms, whole) and duration (ms, whole), as sent. */
const bulkTraces: Array<{ traceId: string; startMs: number; durationMs: number }> = [];

/** Sends BULK_COUNT traces of 1 to 6 spans in one OTLP/HTTP JSON request; durations spread over 3 decades (2 ms to 4 s), every 10th fails. */
async function sendBulkTraces(): Promise<void> {
  const spans: unknown[] = [];
  for (let i = 0; i < BULK_COUNT; i++) {
    const traceId = `b${(i + 1).toString(16).padStart(31, '0')}`;
    const startMs = BULK_FROM_MS + Math.floor((i * 3_590_000) / BULK_COUNT);
    const durationMs = Math.round(2 * 2000 ** ((i * 7919) % BULK_COUNT / BULK_COUNT));
    bulkTraces.push({ traceId, startMs, durationMs });
    const spanCount = 1 + (i % 6);
    for (let j = 0; j < spanCount; j++) {
      spans.push({
        traceId,
        spanId: `c${(i * 8 + j + 1).toString(16).padStart(15, '0')}`,
        parentSpanId: j === 0 ? '' : `c${(i * 8 + 1).toString(16).padStart(15, '0')}`,
        name: j === 0 ? `GET /bulk/${i % 7}` : `step ${j}`,
        kind: j === 0 ? 2 : 1,
        startTimeUnixNano: String(BigInt(startMs) * MS_NS + BigInt(j)),
        endTimeUnixNano: String(BigInt(startMs + durationMs) * MS_NS - BigInt(j)),
        attributes: [{ key: 'bulk.index', value: { intValue: String(i) } }],
        status: { code: j === 0 && i % 10 === 0 ? 2 : 0 },
      });
    }
  }
  const body = JSON.stringify({ resourceSpans: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: BULK_SERVICE } }] }, scopeSpans: [{ scope: { name: 'bulk' }, spans }] }] });
  const response = await fetch(`${pharos.otlpHttpUrl}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body, signal: AbortSignal.timeout(30_000) });
  if (response.status !== 200) throw new Error(`bulk traces: HTTP ${response.status}: ${await response.text()}`);
}

const tracesUrl = (query = '') => `${pharos.apiUrl}/traces?range=15m${query === '' ? '' : `&${query}`}`;

beforeAll(async () => {
  bed = await startUiTestBed((started) => {
    pharos = started;
    return Promise.all([sendTraces(), sendBulkTraces()]).then(() => undefined);
  }, { width: 1280, height: 900 });
  ({ pharos, context } = bed);
});

afterAll(async () => {
  await bed?.stop();
});

describe('web UI: trace search', () => {
  it('has the data in: every sent trace is found by the API', async () => {
    const { body } = await fetchJson<{ traces: Array<{ traceId: string }> }>(pharos.apiUrl, '/pharos/v1/traces?start=now-15m&limit=100');
    expect(body.traces.map((t) => t.traceId).sort()).toEqual([...traceIds].sort());
    expect(sentSpans).toHaveLength(SPECS.reduce((n, s) => n + (s.flow === 'order' ? 5 : 3), 0));
  });

  it('lists every trace with its content, then searches by service and operation', async () => {
    const page = await context.newPage();
    const errors = watchPageErrors(page);
    await page.goto(tracesUrl());
    await expectRows(page, newestFirst(traceIds));
    expect(await page.locator('.results-count').innerText()).toBe(`${SPECS.length} traces`);

    await page.getByRole('combobox', { name: /^Service/ }).selectOption(PAYMENT);
    await submitSearch(page);
    expect(new URL(page.url()).searchParams.get('service')).toBe(PAYMENT);
    await expectRows(page, tracesWithSpan((s) => s.service === PAYMENT));
    expect(await page.locator('.trace-item').count()).toBe(SPECS.filter((s) => s.flow !== 'browse').length);

    // The operations are the chosen service's own.
    const operation = page.getByLabel('Operation', { exact: true });
    await expect.poll(() => operation.locator('option').allInnerTexts()).toEqual(['All operations', 'POST /charge', 'POST /refund']);
    await operation.selectOption('POST /refund');
    await submitSearch(page);
    expect(new URL(page.url()).searchParams.get('operation')).toBe('POST /refund');
    const refunds = tracesWithSpan((s) => s.service === PAYMENT && s.name === 'POST /refund');
    expect(refunds).toHaveLength(2);
    await expectRows(page, refunds);

    // Back restores the previous search, form included.
    await page.goBack();
    await expectRows(page, tracesWithSpan((s) => s.service === PAYMENT));
    expect(await operation.inputValue()).toBe('');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('searches by duration range, refusing a duration without a unit', async () => {
    const page = await context.newPage();
    const errors = watchPageErrors(page);
    await page.goto(tracesUrl());
    await expectRows(page, newestFirst(traceIds));
    const minDuration = page.getByLabel('Min duration', { exact: true });
    const maxDuration = page.getByLabel('Max duration', { exact: true });

    // A bare number: a clear message beside the field, focus on it, and no search.
    const urlBefore = page.url();
    await minDuration.fill('250');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await expect.poll(() => minDuration.getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('.field-problem').allInnerTexts()).toEqual(['Add a unit: 250ms, 250s, … (units ns, us or µs, ms, s, m, h, d, w).']);
    expect(await minDuration.evaluate((input) => input === input.ownerDocument.activeElement)).toBe(true);
    expect(page.url()).toBe(urlBefore);

    await minDuration.fill('1s');
    await submitSearch(page);
    expect(new URL(page.url()).searchParams.get('minDuration')).toBe('1s');
    const slow = tracesWithSpan((s) => s.endNs - s.startNs >= BigInt(SLOW_MS) * MS_NS);
    expect(slow).toEqual(newestFirst(SPECS.map((s, i) => (s.durationMs >= SLOW_MS ? traceIds[i] : '')).filter((id) => id !== '')));
    await expectRows(page, slow);

    await minDuration.fill('100ms');
    await maxDuration.fill('0.3s');
    await submitSearch(page);
    const between = tracesWithSpan((s) => s.endNs - s.startNs >= 100n * MS_NS && s.endNs - s.startNs <= 300n * MS_NS);
    expect(between.length).toBeGreaterThan(2);
    await expectRows(page, between);

    // Maximum below the minimum.
    await maxDuration.fill('50ms');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await expect.poll(() => page.locator('.field-problem').allInnerTexts()).toEqual(['The maximum is below the minimum.']);
    expect(new URL(page.url()).searchParams.get('maxDuration')).toBe('0.3s');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('searches by status', async () => {
    const page = await context.newPage();
    const errors = watchPageErrors(page);
    await page.goto(tracesUrl());
    await expectRows(page, newestFirst(traceIds));
    await page.getByLabel('Status', { exact: true }).selectOption('error');
    await submitSearch(page);
    const failed = tracesWithSpan((s) => s.error);
    expect(failed).toEqual(newestFirst(SPECS.map((s, i) => (s.declined ? traceIds[i] : '')).filter((id) => id !== '')));
    await expectRows(page, failed);
    expect(await page.locator('.trace-item .error-badge').allInnerTexts()).toEqual(['⚠ 2 errors', '⚠ 2 errors']);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('searches by attribute conditions (=, !=, >, <, >=, <=) added and removed as chips', async () => {
    const page = await context.newPage();
    const errors = watchPageErrors(page);
    await page.goto(tracesUrl());
    await expectRows(page, newestFirst(traceIds));
    const input = page.getByLabel('Attribute conditions', { exact: true });
    const chips = () => page.locator('.filter-chip[data-filter="attr"]').evaluateAll((items) => items.map((i) => i.getAttribute('data-condition')));
    const attrOf = (s: SentSpan, key: string) => s.attributes[key];

    // Enter adds the condition as a chip and runs the search.
    await input.fill('http.response.status_code=404');
    await input.press('Enter');
    await page.waitForURL((url) => url.searchParams.getAll('attr').join('|') === 'http.response.status_code=404');
    expect(await chips()).toEqual(['http.response.status_code=404']);
    // Focus stays in the box, ready for the next condition.
    expect(await input.evaluate((el) => el === el.ownerDocument.activeElement)).toBe(true);
    expect(await input.inputValue()).toBe('');
    const notFound = tracesWithSpan((s) => attrOf(s, 'http.response.status_code') === 404);
    expect(notFound).toHaveLength(1);
    await expectRows(page, notFound);

    // A chip's remove button runs the search without it.
    await page.getByRole('button', { name: 'Remove condition http.response.status_code=404', exact: true }).click();
    await page.waitForURL((url) => !url.searchParams.has('attr'));
    await expectRows(page, newestFirst(traceIds));

    // A numeric comparison needs a number: explained, not added.
    await input.fill('order.items>many');
    await input.press('Enter');
    await expect.poll(() => page.locator('.condition-row .field-problem').innerText()).toBe('">" compares numbers: put a number after it, e.g. order.items>500.');
    expect(await chips()).toEqual([]);
    expect(await input.getAttribute('aria-invalid')).toBe('true');

    // Spaces around the operator are dropped, as the chip shows.
    await input.fill('order.items > 4');
    await input.press('Enter');
    await page.waitForURL((url) => url.searchParams.getAll('attr').join('|') === 'order.items>4');
    await expectRows(page, tracesWithSpan((s) => Number(attrOf(s, 'order.items')) > 4));

    // Two conditions must hold on the same span.
    await page.getByRole('button', { name: 'Remove condition order.items>4', exact: true }).click();
    await page.waitForURL((url) => !url.searchParams.has('attr'));
    await input.fill('order.amount<100');
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    await page.waitForURL((url) => url.searchParams.getAll('attr').join('|') === 'order.amount<100');
    const cheap = tracesWithSpan((s) => typeof attrOf(s, 'order.amount') === 'number' && Number(attrOf(s, 'order.amount')) < 100);
    expect(cheap).toHaveLength(3);
    await expectRows(page, cheap);
    await input.fill('order.items>=3');
    await input.press('Enter');
    await page.waitForURL((url) => url.searchParams.getAll('attr').join('|') === 'order.amount<100|order.items>=3');
    const cheapAndBig = tracesWithSpan((s) => typeof attrOf(s, 'order.amount') === 'number' && Number(attrOf(s, 'order.amount')) < 100 && Number(attrOf(s, 'order.items')) >= 3);
    expect(cheapAndBig).toHaveLength(1);
    await expectRows(page, cheapAndBig);
    // Backspace in the empty box takes the last chip back for editing.
    await input.press('Backspace');
    expect(await input.inputValue()).toBe('order.items>=3');
    await input.fill('order.items<=1');
    await input.press('Enter');
    await page.waitForURL((url) => url.searchParams.getAll('attr').join('|') === 'order.amount<100|order.items<=1');
    await expectRows(page, tracesWithSpan((s) => typeof attrOf(s, 'order.amount') === 'number' && Number(attrOf(s, 'order.amount')) < 100 && Number(attrOf(s, 'order.items')) <= 1));

    // != on the payment spans: the method differs (or is absent, which payment spans never are).
    await page.goto(tracesUrl(`service=${PAYMENT}`));
    await expectRows(page, tracesWithSpan((s) => s.service === PAYMENT));
    await input.fill('payment.method!=card');
    await input.press('Enter');
    await page.waitForURL((url) => url.searchParams.getAll('attr').join('|') === 'payment.method!=card');
    const notCard = tracesWithSpan((s) => s.service === PAYMENT && attrOf(s, 'payment.method') !== 'card');
    expect(notCard).toHaveLength(3);
    await expectRows(page, notCard);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('selects the slow traces by dragging on the scatter plot, sorts them, opens one, comes back and restores a copied URL', async () => {
    const page = await context.newPage();
    const errors = watchPageErrors(page);
    await page.goto(tracesUrl());
    await expectRows(page, newestFirst(traceIds));
    const plot = page.getByRole('img', { name: /^Scatter plot of 12 traces/ });
    expect(await plot.getAttribute('aria-label')).toBe('Scatter plot of 12 traces: duration (log scale) against start time, 2 with errors. The list of traces below holds the same traces.');
    expect(await plot.getAttribute('data-scale')).toBe('log');
    expect(await page.locator('.scatter-point').count()).toBe(SPECS.length);
    expect(await page.locator('.scatter-point.has-errors').count()).toBe(2);

    // Hover: a tooltip with the root operation, duration and time.
    const slowIds = traceIds.filter((_, i) => SPECS[i].durationMs >= SLOW_MS);
    const slowest = traceIds[SPECS.findIndex((s) => s.durationMs === 2400)];
    const slowestPoint = page.locator(`.scatter-point[data-trace-id="${slowest}"]`);
    await slowestPoint.hover();
    const tooltip = page.locator('.scatter-tooltip');
    await tooltip.waitFor();
    expect((await tooltip.innerText()).split('\n')).toEqual([`${GATEWAY}: POST /orders`, `${expectedRow(slowest).duration} · 5 spans · 2 errors`, expectedRow(slowest).start]);
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'traces-search.png'), fullPage: true });

    // Drag from the plot's top-left corner to halfway between the slow points and the rest.
    const frame = (await page.locator('.scatter-frame').boundingBox())!;
    const centreY = async (id: string) => {
      const box = (await page.locator(`.scatter-point[data-trace-id="${id}"]`).boundingBox())!;
      return box.y + box.height / 2;
    };
    const slowYs = await Promise.all(slowIds.map(centreY));
    const fastYs = await Promise.all(traceIds.filter((id) => !slowIds.includes(id)).map(centreY));
    expect(Math.max(...slowYs)).toBeLessThan(Math.min(...fastYs));
    const cutY = (Math.max(...slowYs) + Math.min(...fastYs)) / 2;
    await page.mouse.move(frame.x + 2, frame.y + 2);
    await page.mouse.down();
    await page.mouse.move(frame.x + frame.width / 2, cutY, { steps: 5 });
    await page.mouse.move(frame.x + frame.width - 2, cutY, { steps: 5 });
    await page.mouse.up();
    await page.waitForURL((url) => url.searchParams.has('selFrom') && url.searchParams.has('selMaxNs'));
    await expectRows(page, newestFirst(slowIds));
    expect(await page.locator('.results-count').innerText()).toBe(`3 of ${SPECS.length} traces selected`);
    expect(await page.locator('.scatter-point[data-selected="true"]').evaluateAll((points) => points.map((p) => p.getAttribute('data-trace-id')).sort())).toEqual([...slowIds].sort());
    const selection = new URL(page.url()).searchParams;
    expect(BigInt(selection.get('selMinNs')!)).toBeGreaterThan(250n * MS_NS);
    expect(BigInt(selection.get('selMinNs')!)).toBeLessThanOrEqual(1300n * MS_NS);

    // Sorts, kept in the URL.
    const sortBy = page.getByLabel('Sort by', { exact: true });
    const byDuration = [...slowIds].sort((a, b) => Number(traceDurationNs(b) - traceDurationNs(a)));
    await sortBy.selectOption('-duration');
    await page.waitForURL(/sort=-duration/);
    await expectRows(page, byDuration);
    await sortBy.selectOption('duration');
    await page.waitForURL(/sort=duration/);
    await expectRows(page, [...byDuration].reverse());
    await sortBy.selectOption('-errors');
    await page.waitForURL(/sort=-errors/);
    await expectRows(page, [slowest, ...newestFirst(slowIds.filter((id) => id !== slowest))]);
    await sortBy.selectOption('-spans');
    await page.waitForURL(/sort=-spans/);
    const spanCount = (id: string) => sentSpans.filter((s) => s.traceId === id).length;
    await expectRows(page, [...newestFirst(slowIds)].sort((a, b) => spanCount(b) - spanCount(a)));
    await sortBy.selectOption('-duration');
    await page.waitForURL(/sort=-duration/);
    await expectRows(page, byDuration);
    const copiedUrl = page.url();
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'traces-selection.png'), fullPage: true });
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'traces-selection-dark.png'), fullPage: true });
    await page.emulateMedia({ colorScheme: 'light' });

    // Open the first trace from the list, then come back to the same view.
    await page.locator('.trace-item .trace-link').first().click();
    await page.waitForURL((url) => url.pathname === `/traces/${byDuration[0]}`);
    await page.getByText('POST /charge').first().waitFor();
    await page.goBack();
    await page.waitForURL(copiedUrl);
    await expectRows(page, byDuration);
    expect(await page.locator('.results-count').innerText()).toBe(`3 of ${SPECS.length} traces selected`);

    // The copied URL in a fresh page: same results, same selection, same order.
    const fresh = await context.newPage();
    const freshErrors = watchPageErrors(fresh);
    await fresh.goto(copiedUrl);
    await expectRows(fresh, byDuration);
    expect(await fresh.locator('.results-count').innerText()).toBe(`3 of ${SPECS.length} traces selected`);
    expect(await fresh.getByLabel('Sort by', { exact: true }).inputValue()).toBe('-duration');
    expect(await fresh.locator('.scatter-selection').count()).toBe(1);
    expect(await fresh.locator('.scatter-point[data-selected="true"]').count()).toBe(3);

    // Zoom: the time range becomes the selection's start times; the selection stays.
    const selected = new URL(copiedUrl).searchParams;
    await fresh.getByRole('button', { name: 'Zoom to selection', exact: true }).click();
    await fresh.waitForURL((url) => url.searchParams.get('from') === selected.get('selFrom') && url.searchParams.get('to') === selected.get('selTo') && !url.searchParams.has('range'));
    await expectRows(fresh, byDuration);
    expect(await fresh.locator('.results-count').innerText()).toBe(`3 of ${SPECS.length} traces selected`);

    // Clear the selection by keyboard.
    await fresh.getByRole('button', { name: 'Clear selection', exact: true }).focus();
    await fresh.keyboard.press('Enter');
    await fresh.waitForURL((url) => !url.searchParams.has('selFrom'));
    await expectRows(fresh, [...traceIds].sort((a, b) => Number(traceDurationNs(b) - traceDurationNs(a))));
    expect(await fresh.locator('.results-count').innerText()).toBe(`${SPECS.length} traces`);

    // A click on a point opens its trace.
    const fastest = traceIds[SPECS.findIndex((s) => s.durationMs === 25)];
    await fresh.locator(`.scatter-point[data-trace-id="${fastest}"]`).click();
    await fresh.waitForURL((url) => url.pathname === `/traces/${fastest}`);
    await fresh.close();

    expect([...errors, ...freshErrors]).toEqual([]);
    await page.close();
  });

  it('follows a service-map edge link: parentService shows only the traces where that service calls this one', async () => {
    const page = await context.newPage();
    const errors = watchPageErrors(page);
    await page.goto(tracesUrl(`service=${PAYMENT}&parentService=${ORDERS}`));
    const chip = page.locator('.filter-chip[data-filter="parentService"]');
    await chip.waitFor();
    expect(await chip.innerText()).toContain(`called by ${ORDERS}`);
    const calledByOrders = tracesWithSpan((s) => s.service === PAYMENT && serviceOfSpan(s.parentSpanId) === ORDERS);
    expect(calledByOrders).toHaveLength(SPECS.filter((s) => s.flow === 'order').length);
    await expectRows(page, calledByOrders);

    // Removing the filter keeps the service and shows every trace through it.
    await page.getByRole('button', { name: `Remove filter: called by ${ORDERS}`, exact: true }).click();
    await page.waitForURL((url) => !url.searchParams.has('parentService') && url.searchParams.get('service') === PAYMENT);
    await expectRows(page, tracesWithSpan((s) => s.service === PAYMENT));
    expect(errors).toEqual([]);
    await page.close();
  });

  it('stays quick with 1000 traces: renders them, selects by dragging and sorts (timings printed)', async () => {
    const page = await context.newPage();
    const errors = watchPageErrors(page);
    const url = `${pharos.apiUrl}/traces?from=${BULK_FROM_MS}&to=${BULK_TO_MS}&service=${BULK_SERVICE}&limit=1000`;
    const apiStartedMs = performance.now();
    const { body: found } = await fetchJson<{ traces: unknown[] }>(pharos.apiUrl, `/pharos/v1/traces?start=${BULK_FROM_MS}&end=${BULK_TO_MS}&service=${BULK_SERVICE}&limit=1000`);
    const apiMs = performance.now() - apiStartedMs;
    expect(found.traces).toHaveLength(BULK_COUNT);

    const navigatedMs = performance.now();
    await page.goto(url);
    await page.locator('.trace-item').nth(BULK_COUNT - 1).waitFor({ state: 'attached' });
    const renderMs = performance.now() - navigatedMs;
    expect(await page.locator('.scatter-point').count()).toBe(BULK_COUNT);
    expect(await page.locator('.scatter-point.has-errors').count()).toBe(BULK_COUNT / 10);
    expect(await page.locator('.results-count').innerText()).toBe(`${BULK_COUNT} traces (the newest ${BULK_COUNT}: raise the limit or narrow the search to see others)`);

    // Drag over the upper half of the plot's left half.
    const frame = (await page.locator('.scatter-frame').boundingBox())!;
    await page.mouse.move(frame.x + 1, frame.y + 1);
    await page.mouse.down();
    await page.mouse.move(frame.x + frame.width / 2, frame.y + frame.height / 2, { steps: 8 });
    const releasedMs = performance.now();
    await page.mouse.up();
    await page.waitForURL((u) => u.searchParams.has('selFrom'));
    const selection = new URL(page.url()).searchParams;
    const [selFrom, selTo, selMinNs, selMaxNs] = ['selFrom', 'selTo', 'selMinNs', 'selMaxNs'].map((name) => Number(selection.get(name)));
    const inside = bulkTraces.filter((t) => t.startMs >= selFrom && t.startMs <= selTo && t.durationMs * 1e6 >= selMinNs && t.durationMs * 1e6 <= selMaxNs);
    expect(inside.length).toBeGreaterThan(50);
    await expect.poll(() => page.locator('.results-count').innerText(), { timeout: STEP_TIMEOUT_MS }).toBe(`${inside.length} of ${BULK_COUNT} traces selected`);
    const selectMs = performance.now() - releasedMs;
    expect((await page.locator('.trace-item').evaluateAll((items) => items.map((i) => i.getAttribute('data-trace-id')))).sort()).toEqual(inside.map((t) => t.traceId).sort());

    await page.getByRole('button', { name: 'Clear selection', exact: true }).click();
    await page.waitForURL((u) => !u.searchParams.has('selFrom'));
    const sortedMs = performance.now();
    await page.getByLabel('Sort by', { exact: true }).selectOption('-duration');
    const longest = [...bulkTraces].sort((a, b) => b.durationMs - a.durationMs || b.startMs - a.startMs)[0];
    await expect.poll(() => page.locator('.trace-item').first().getAttribute('data-trace-id'), { timeout: STEP_TIMEOUT_MS }).toBe(longest.traceId);
    const sortMs = performance.now() - sortedMs;

    console.log(`traces page with ${BULK_COUNT} traces: API ${apiMs.toFixed(0)} ms; navigation to all rows and points drawn ${renderMs.toFixed(0)} ms; drag-select to filtered list ${selectMs.toFixed(0)} ms; re-sort ${sortMs.toFixed(0)} ms`);
    // Generous bounds: a shared 2-core machine; the printed figures are what to read.
    expect(renderMs).toBeLessThan(8000);
    expect(selectMs).toBeLessThan(3000);
    expect(sortMs).toBeLessThan(3000);
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'traces-bulk.png'), fullPage: false });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('shows the empty state, and has no serious accessibility violations (axe-core)', async () => {
    const page = await context.newPage();
    const errors = watchPageErrors(page);
    await page.goto(tracesUrl(`minDuration=1h`));
    await page.getByRole('heading', { name: 'No traces match' }).waitFor();

    // A hand-edited URL with a bad duration: the field says why, and so does the server's answer.
    await page.goto(tracesUrl('minDuration=fast'));
    const failure = page.getByRole('alert').filter({ hasText: 'Could not load traces' });
    await failure.waitFor();
    expect(await failure.innerText()).toMatch(/minDuration.*fast[\s\S]*PHAROS_ERR_QUERY_INVALID/);
    expect(await page.locator('.field-problem').allInnerTexts()).toEqual(['Use a number and a unit, e.g. 250ms, 1.5s, 500us or 1m30s.']);

    expect(errors.splice(0)).toEqual([expect.stringMatching(/status of 400/)]);

    const selectionQuery = 'selFrom=0&selTo=9999999999999&selMinNs=1000000000&selMaxNs=10000000000';
    await page.goto(tracesUrl(`attr=http.response.status_code%3E%3D200&${selectionQuery}`));
    await expectRows(page, newestFirst(traceIds.filter((_, i) => SPECS[i].durationMs >= SLOW_MS)));
    await expectNoAxeViolations(page, { include: ['main'] });
    expect(errors).toEqual([]);
    await page.close();
  });
});
