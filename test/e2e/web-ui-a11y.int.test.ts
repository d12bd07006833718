import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, ValueType, trace } from '@opentelemetry/api';
import { SeverityNumber } from '@opentelemetry/api-logs';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCREENSHOT_DIR, STEP_TIMEOUT_MS, expectNoAxeViolations, injectAxe, startUiTestBed, watchPageErrors, type UiTestBed } from '../helpers/browser-ui.js';
import { fetchJson, type InProcessPharos } from '../helpers/in-process-pharos.js';
import { createMetricExporter, hrTimeToUnixNano } from '../helpers/otel-sdk-exporters.js';
import { hrTimeOfMs, startSdkService } from '../helpers/otel-sdk-service.js';
import type { PageDocument, PageElement, PageWindow } from '../helpers/page-dom.js';

// Browser globals for the page.evaluate callbacks (see page-dom.ts).
declare const document: PageDocument;
declare const window: PageWindow;

/*
 * Basic accessibility of every page, in the light and the dark theme: axe-core (WCAG 2.0 and
 * 2.1, A and AA, and axe's best practices) finds no serious or critical violation, and pressing Tab from the top of the
 * page reaches every visible control (button, field, link, anything with a tabindex), each of
 * which has an accessible name. Data: traces, logs and metrics of two services sent by the
 * OpenTelemetry JS SDK to a real Pharos in-process serving packages/web/dist; Debian's
 * Chromium. Needs `npm run build`; fails, never skips, without it or without Chromium.
 */

const FRONT = 'a11y-front';
const BACK = 'a11y-back';
const COUNTER = 'a11y.requests';
const ORDERS = 8;

let pharos: InProcessPharos;
let bed: UiTestBed;
const traceIds: string[] = [];

/** The metrics chart's step for 15 minutes (300 steps): two points this far apart are drawn as a line. */
const CHART_STEP_MS = 3_000;

/**
 * ORDERS requests over the last 10 minutes, front → back, with logs in both and an error every
 * third; and a counter exported twice, more than a chart step apart.
 */
async function sendTelemetry(): Promise<void> {
  // The SDK stamps metric points with the clock: the first export goes now, the second once
  // the clock has passed the first point by a step (traces and logs are sent meanwhile).
  const exporter = createMetricExporter('http/protobuf', pharos, 'cumulative');
  const provider = new MeterProvider({ resource: resourceFromAttributes({ 'service.name': BACK }), readers: [new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 600_000 })] });
  const requests = provider.getMeter('a11y-e2e').createCounter(COUNTER, { unit: '{request}', valueType: ValueType.INT });
  requests.add(3, { 'http.route': '/reserve' });
  await provider.forceFlush();
  const firstPoint = exporter.log.exported[0]?.scopeMetrics[0]?.metrics[0]?.dataPoints[0];
  if (firstPoint === undefined) throw new Error(`the first export of ${COUNTER} holds no point`);
  const firstPointMs = Number(hrTimeToUnixNano(firstPoint.endTime) / 1_000_000n);

  const front = startSdkService(FRONT, pharos);
  const back = startSdkService(BACK, pharos);
  const frontTracer = front.tracerProvider.getTracer('a11y-e2e');
  const backTracer = back.tracerProvider.getTracer('a11y-e2e');
  const nowMs = Date.now();
  for (let i = 0; i < ORDERS; i++) {
    const t0 = nowMs - (ORDERS - i) * 70_000;
    const failed = i % 3 === 0;
    const root = frontTracer.startSpan('POST /order', { kind: SpanKind.SERVER, startTime: hrTimeOfMs(t0), attributes: { 'http.route': '/order', 'order.number': i } });
    traceIds.push(root.spanContext().traceId);
    const rootContext = trace.setSpan(ROOT_CONTEXT, root);
    front.loggerProvider.getLogger('a11y-e2e').emit({ body: `order ${i} received`, severityNumber: SeverityNumber.INFO, severityText: 'INFO', timestamp: hrTimeOfMs(t0 + 1), context: rootContext });
    const call = frontTracer.startSpan('POST reserve', { kind: SpanKind.CLIENT, startTime: hrTimeOfMs(t0 + 2) }, rootContext);
    const reserve = backTracer.startSpan('POST /reserve', { kind: SpanKind.SERVER, startTime: hrTimeOfMs(t0 + 3), attributes: { 'http.route': '/reserve' } }, trace.setSpanContext(ROOT_CONTEXT, { ...call.spanContext(), isRemote: true }));
    const reserveContext = trace.setSpan(ROOT_CONTEXT, reserve);
    if (failed) {
      reserve.recordException(new Error('out of stock'), hrTimeOfMs(t0 + 10));
      reserve.setStatus({ code: SpanStatusCode.ERROR, message: 'out of stock' });
      call.setStatus({ code: SpanStatusCode.ERROR });
      back.loggerProvider.getLogger('a11y-e2e').emit({ body: `order ${i}: out of stock`, severityNumber: SeverityNumber.ERROR, severityText: 'ERROR', timestamp: hrTimeOfMs(t0 + 10), context: reserveContext, attributes: { 'order.number': i } });
    } else {
      back.loggerProvider.getLogger('a11y-e2e').emit({ body: `order ${i} reserved`, severityNumber: SeverityNumber.INFO, severityText: 'INFO', timestamp: hrTimeOfMs(t0 + 10), context: reserveContext });
    }
    reserve.end(hrTimeOfMs(t0 + 15 + i));
    call.end(hrTimeOfMs(t0 + 16 + i));
    root.end(hrTimeOfMs(t0 + 20 + i));
  }
  await front.finish();
  await back.finish();

  await sleep(Math.max(0, firstPointMs + CHART_STEP_MS + 200 - Date.now()));
  requests.add(5, { 'http.route': '/reserve' });
  await provider.shutdown();
  exporter.log.assertAllSucceeded('metric export');
}

beforeAll(async () => {
  bed = await startUiTestBed((started) => {
    pharos = started; // the loader sends to it
    return sendTelemetry();
  }, { width: 1280, height: 900 });
  pharos = bed.pharos;
});

afterAll(async () => {
  await bed?.stop();
});

interface KeyboardReport {
  /** Visible enabled controls that Tab never reached (an outline of each). */
  unreached: string[];
  /** Controls without an accessible name. */
  unnamed: string[];
  controlCount: number;
  tabCount: number;
}

/**
 * Presses Tab from the top of the page until focus has passed every visible control (or
 * twice as many presses as controls), then reports the controls never focused and those
 * without an accessible name (axe-core's own computation).
 */
async function walkWithKeyboard(page: Page): Promise<KeyboardReport> {
  await injectAxe(page);
  const controlCount = await page.evaluate(() => {
    const w = window as unknown as { reached: Set<PageElement> };
    w.reached = new Set();
    document.addEventListener('focusin', (event) => w.reached.add(event.target as PageElement));
    document.activeElement?.blur?.();
    window.scrollTo(0, 0);
    return document.querySelectorAll('a[href], button, input, select, textarea, summary, [tabindex]').length;
  });
  let tabCount = 0;
  for (; tabCount < 2 * controlCount + 5; tabCount++) {
    await page.keyboard.press('Tab');
    if (tabCount % 20 === 19 && (await page.evaluate(() => (window as unknown as { reached: Set<PageElement> }).reached.size)) >= controlCount) break;
  }
  const report = await page.evaluate(() => {
    type Axe = { setup: (node: PageElement) => void; teardown: () => void; commons: { text: { accessibleText: (el: PageElement) => string } } };
    const axe = (window as unknown as { axe: Axe }).axe;
    const reached = (window as unknown as { reached: Set<PageElement> }).reached;
    const outline = (el: PageElement) => {
      const text = (el.getAttribute('aria-label') ?? el.textContent ?? '').trim().replace(/\s+/g, ' ').slice(0, 50);
      const classes = typeof el.className === 'string' && el.className !== '' ? `.${el.className.trim().split(/\s+/).join('.')}` : '';
      return `${el.tagName.toLowerCase()}${classes} "${text}"`;
    };
    const controls = [...document.querySelectorAll('a[href], button, input:not([type=hidden]), select, textarea, summary, [tabindex]:not([tabindex="-1"])')].filter((el) => {
      if (el.disabled === true || el.closest('[inert], [aria-hidden="true"]') !== null) return false;
      const box = el.getBoundingClientRect();
      return box.width > 0 && box.height > 0 && el.checkVisibility({ visibilityProperty: true });
    });
    axe.setup(document.documentElement);
    const unnamed = controls.filter((el) => axe.commons.text.accessibleText(el).trim() === '').map(outline);
    axe.teardown();
    // The skip link is visible only while focused; it counts as reached when it was.
    return { unreached: controls.filter((el) => !reached.has(el)).map(outline), unnamed, controlCount: controls.length };
  });
  return { ...report, tabCount };
}

/** Each page with what to wait for before looking (its data on screen). */
const PAGES: Array<{ name: string; path: () => string; ready: string; prepare?: (page: Page) => Promise<void> }> = [
  { name: 'services', path: () => '/?range=15m', ready: '.services-table tbody tr' },
  { name: 'service', path: () => `/services/${BACK}?range=15m`, ready: 'main h1' },
  { name: 'service-map', path: () => '/service-map?range=15m', ready: 'main h1' },
  { name: 'traces', path: () => `/traces?range=15m&service=${FRONT}`, ready: '.trace-item' },
  {
    name: 'trace',
    path: () => `/traces/${traceIds[0]}?range=15m`,
    ready: '.waterfall-row',
    // With a span's details open: more to check.
    prepare: async (page) => {
      await page.locator('.waterfall-row', { hasText: 'POST /reserve' }).first().click();
      await page.getByRole('region', { name: /Details of/ }).waitFor();
    },
  },
  {
    name: 'logs',
    path: () => '/logs?range=15m',
    ready: '.log-item',
    prepare: async (page) => {
      await page.locator('.log-row').first().click();
    },
  },
  { name: 'metrics', path: () => `/explore/metrics?range=15m&metric=${COUNTER}`, ready: '.line-chart svg' },
];

const THEMES = ['light', 'dark'] as const;

describe('web UI accessibility', () => {
  let contexts: Record<(typeof THEMES)[number], BrowserContext>;

  beforeAll(async () => {
    const { body } = await fetchJson<{ services: Array<{ name: string }> }>(pharos.apiUrl, '/pharos/v1/services/summary?start=now-15m&end=now&buckets=10');
    expect(body.services.map((s) => s.name)).toEqual([BACK, FRONT]);
    // The counter's points lie more than a chart step apart: the metrics page draws a line.
    const { body: counter } = await fetchJson<{ points: Array<{ timeUnixNano: string }> }>(pharos.apiUrl, `/pharos/v1/metrics/points?metric=${COUNTER}&start=now-15m&end=now`);
    const pointTimesMs = counter.points.map((p) => Number(BigInt(p.timeUnixNano) / 1_000_000n));
    expect(pointTimesMs.length).toBeGreaterThanOrEqual(2);
    expect(pointTimesMs[pointTimesMs.length - 1] - pointTimesMs[0]).toBeGreaterThan(CHART_STEP_MS);
    // Light follows a light OS; dark is the stored choice, which must win over the OS.
    const light = await bed.browser.newContext({ viewport: { width: 1280, height: 900 }, colorScheme: 'light' });
    const dark = await bed.browser.newContext({ viewport: { width: 1280, height: 900 }, colorScheme: 'light' });
    await dark.addInitScript(() => window.localStorage.setItem('pharos.theme', 'dark'));
    for (const c of [light, dark]) c.setDefaultTimeout(STEP_TIMEOUT_MS);
    contexts = { light, dark };
  });

  afterAll(async () => {
    for (const c of Object.values(contexts ?? {})) await c.close();
  });

  for (const theme of THEMES) {
    for (const target of PAGES) {
      it(`${target.name} page, ${theme} theme: no serious axe violation, every control reached by Tab and named`, async () => {
        const page = await contexts[theme].newPage();
        const pageErrors = watchPageErrors(page);
        await page.goto(`${pharos.apiUrl}${target.path()}`);
        await page.locator(target.ready).first().waitFor();
        await target.prepare?.(page);
        expect(await page.evaluate(() => document.documentElement.getAttribute('data-theme'))).toBe(theme === 'dark' ? 'dark' : null);
        await page.screenshot({ path: path.join(SCREENSHOT_DIR, `a11y-${target.name}-${theme}.png`), fullPage: true });

        await expectNoAxeViolations(page);

        const keyboard = await walkWithKeyboard(page);
        expect(keyboard.controlCount).toBeGreaterThan(8);
        expect({ unreached: keyboard.unreached, unnamed: keyboard.unnamed }).toEqual({ unreached: [], unnamed: [] });
        expect(pageErrors).toEqual([]);
        await page.close();
      });
    }

    it(`the time range panel, ${theme} theme: no serious axe violation, every control reached by Tab and named`, async () => {
      const page = await contexts[theme].newPage();
      await page.goto(`${pharos.apiUrl}/?range=15m`);
      await page.locator('.services-table tbody tr').first().waitFor();
      await page.getByRole('button', { name: /^Time range:/ }).click();
      await page.getByRole('dialog', { name: 'Time range' }).waitFor();
      // An error shown, so that its colours are checked too.
      await page.getByLabel('From', { exact: true }).fill('nonsense');
      await page.getByRole('button', { name: 'Apply time range' }).click();
      await page.getByRole('alert').waitFor();
      await page.screenshot({ path: path.join(SCREENSHOT_DIR, `a11y-range-panel-${theme}.png`) });
      await expectNoAxeViolations(page);
      const keyboard = await walkWithKeyboard(page);
      expect({ unreached: keyboard.unreached, unnamed: keyboard.unnamed }).toEqual({ unreached: [], unnamed: [] });
      await page.close();
    });
  }
});
