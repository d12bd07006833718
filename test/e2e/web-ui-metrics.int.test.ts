import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ValueType } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCREENSHOT_DIR, STEP_TIMEOUT_MS, startUiTestBed, watchPageErrors, type UiTestBed } from '../helpers/browser-ui.js';
import { fetchJson, type InProcessPharos } from '../helpers/in-process-pharos.js';
import { createMetricExporter } from '../helpers/otel-sdk-exporters.js';

/*
 * The metrics explorer (/explore/metrics), end to end: a real Pharos (in-process, serving
 * the built packages/web/dist), metrics recorded by the OpenTelemetry JS SDK (MeterProvider
 * + OTLP exporter, cumulative) over a few exports, and Chromium driven by playwright-core:
 * search, select, group by a label, rate, a filter, a histogram's p95, and a copied URL
 * restoring the view. Needs `npm run build` and Debian's chromium at /usr/bin/chromium;
 * fails, never skips, without them. Screenshots go to the system temp dir (pharos-web-ui-test/).
 */


const SERVICE = 'ui-metrics-shop';
const COUNTER = 'ui.requests';
const GAUGE = 'ui.queue.depth';
const HISTOGRAM = 'ui.request.duration';
const EXPORT_ROUNDS = 4;
/** Longer than the explorer's time step for a 15-minute range (3 s), so each export is its own step. */
const ROUND_GAP_MS = 3_100;
const GET_PER_ROUND = 5;
const POST_PER_ROUND = 2;

let pharos: InProcessPharos;
let context: BrowserContext;

/**
 * Records EXPORT_ROUNDS rounds, exporting after each: the counter gets 5 GET and 2 POST
 * requests, the gauge is set to 3 × round, and the histogram gets the durations 1..100 ms
 * (default buckets …, 75, 100, …: p95 interpolates to exactly 95 ms in every interval).
 */
async function recordMetrics(): Promise<void> {
  const exporter = createMetricExporter('http/protobuf', pharos, 'cumulative');
  const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 600_000, exportTimeoutMillis: 15_000 });
  const provider = new MeterProvider({ resource: resourceFromAttributes({ 'service.name': SERVICE }), readers: [reader] });
  const meter = provider.getMeter('ui-metrics-e2e');
  const requests = meter.createCounter(COUNTER, { description: 'Requests served', unit: '{request}', valueType: ValueType.INT });
  const queue = meter.createGauge(GAUGE, { description: 'Items waiting', unit: '{item}', valueType: ValueType.INT });
  const duration = meter.createHistogram(HISTOGRAM, { description: 'Request duration', unit: 'ms' });
  for (let round = 1; round <= EXPORT_ROUNDS; round++) {
    requests.add(GET_PER_ROUND, { 'http.method': 'GET' });
    requests.add(POST_PER_ROUND, { 'http.method': 'POST' });
    queue.record(3 * round);
    for (let ms = 1; ms <= 100; ms++) duration.record(ms);
    if (round === EXPORT_ROUNDS) break;
    await provider.forceFlush();
    await sleep(ROUND_GAP_MS);
  }
  // Shutting down makes the last export (a flush first would add a point with nothing new: a zero rate).
  await provider.shutdown();
  exporter.log.assertAllSucceeded('metric export');
}

let bed: UiTestBed;

beforeAll(async () => {
  bed = await startUiTestBed((started) => {
    pharos = started; // the loader sends to it
    return recordMetrics();
  }, { width: 1280, height: 900 });
  ({ pharos, context } = bed);
});

afterAll(async () => {
  await bed?.stop();
});

/** The legend: each line's name and its last value's text (`last 1.61 request/s`). */
async function readLegend(page: Page): Promise<Array<{ name: string; last: string }>> {
  return page.locator('.legend-entry').evaluateAll((entries) =>
    entries.map((e) => ({ name: e.querySelector('.legend-name')?.textContent ?? '', last: e.querySelector('.legend-value')?.textContent ?? '' })),
  );
}

const legendNames = async (page: Page) => (await readLegend(page)).map((e) => e.name);
const lastNumber = (text: string) => Number(/last (-?[\d.]+)/.exec(text)?.[1]);

describe('web UI: metrics explorer', () => {
  it('finds, groups, rates and filters a counter, charts a histogram p95, and restores a copied URL', async () => {
    const { body } = await fetchJson<{ metrics: Array<{ name: string; type: string }> }>(pharos.apiUrl, '/pharos/v1/metrics?start=now-15m&end=now');
    expect(body.metrics.map((m) => [m.name, m.type]).sort()).toEqual([
      [GAUGE, 'gauge'],
      [HISTOGRAM, 'histogram'],
      [COUNTER, 'sum'],
    ].sort());

    const page = await context.newPage();
    const pageErrors = watchPageErrors(page);
    await page.goto(`${pharos.apiUrl}/explore/metrics?range=15m`);
    await expect.poll(() => page.locator('.metric-item').count(), { timeout: STEP_TIMEOUT_MS }).toBe(3);
    expect(await page.getByRole('link', { name: 'Metrics', exact: true }).getAttribute('aria-current')).toBe('page');
    expect(await page.locator('.metric-item', { hasText: GAUGE }).innerText()).toContain('gauge');

    // Search narrows the list (and is kept in the URL); the counter is selected from it.
    await page.getByLabel('Search metrics').fill('requests');
    await page.waitForURL(/q=requests/);
    await expect.poll(() => page.locator('.metric-item').count(), { timeout: STEP_TIMEOUT_MS }).toBe(1);
    await page.getByRole('button', { name: new RegExp(COUNTER.replace('.', '\\.')) }).click();
    await page.waitForURL((url) => url.searchParams.get('metric') === COUNTER);
    await expect.poll(() => legendNames(page), { timeout: STEP_TIMEOUT_MS }).toEqual(['sum']);
    expect(lastNumber((await readLegend(page))[0].last)).toBe(EXPORT_ROUNDS * (GET_PER_ROUND + POST_PER_ROUND));

    // Group by the label: a line and a legend entry per value.
    await page.getByLabel('Group by').selectOption('http.method');
    await page.waitForURL(/by=http\.method/);
    await expect.poll(() => legendNames(page), { timeout: STEP_TIMEOUT_MS }).toEqual(['GET', 'POST']);
    expect(await page.locator('svg .chart-line').count()).toBe(2);
    const totals = await readLegend(page);
    expect(totals.map((e) => lastNumber(e.last))).toEqual([EXPORT_ROUNDS * GET_PER_ROUND, EXPORT_ROUNDS * POST_PER_ROUND]);

    // Rate: per-second increase, the unit says so; GET grows 2.5 times as fast as POST.
    await page.getByLabel('Rate (per second)').check();
    await page.waitForURL(/rate=1/);
    await expect.poll(async () => (await readLegend(page))[0]?.last ?? '', { timeout: STEP_TIMEOUT_MS }).toContain('request/s');
    const rates = (await readLegend(page)).map((e) => lastNumber(e.last));
    expect(rates[0]).toBeGreaterThan(0);
    expect(rates[0] / rates[1]).toBeCloseTo(GET_PER_ROUND / POST_PER_ROUND, 1);
    expect(await page.locator('svg .value-tick').allTextContents()).toContainEqual(expect.stringContaining('request/s'));
    expect(await page.locator('svg .time-tick').count()).toBeGreaterThan(0);

    // A label filter (label = value) leaves one line.
    await page.getByLabel('Filter http.method').selectOption('GET');
    await page.waitForURL((url) => url.searchParams.getAll('match').includes('http.method=GET'));
    await expect.poll(() => legendNames(page), { timeout: STEP_TIMEOUT_MS }).toEqual(['GET']);
    await page.getByLabel('Filter http.method').selectOption('');
    await expect.poll(() => legendNames(page), { timeout: STEP_TIMEOUT_MS }).toEqual(['GET', 'POST']);
    const counterUrl = page.url();
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'metrics-counter.png'), fullPage: true });

    // The histogram: one p95 line, interpolated inside the (75, 100] bucket to 95 ms.
    await page.getByLabel('Search metrics').fill('duration');
    await page.getByRole('button', { name: new RegExp(HISTOGRAM.replaceAll('.', '\\.')) }).click();
    await page.waitForURL((url) => url.searchParams.get('metric') === HISTOGRAM && url.searchParams.get('by') === null);
    await expect.poll(() => legendNames(page), { timeout: STEP_TIMEOUT_MS }).toEqual(['p95']);
    expect(await page.getByLabel('Percentile').inputValue()).toBe('p95');
    expect((await readLegend(page))[0].last).toBe('last 95 ms');
    const histogramUrl = page.url();
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'metrics-histogram.png'), fullPage: true });

    // Copied URLs, opened afresh, restore the same views.
    const fresh = await context.newPage();
    const freshErrors = watchPageErrors(fresh);
    await fresh.goto(counterUrl);
    await expect.poll(() => legendNames(fresh), { timeout: STEP_TIMEOUT_MS }).toEqual(['GET', 'POST']);
    expect(await fresh.getByLabel('Group by').inputValue()).toBe('http.method');
    expect(await fresh.getByLabel('Rate (per second)').isChecked()).toBe(true);
    expect(await fresh.getByLabel('Search metrics').inputValue()).toBe('requests');
    expect(await fresh.getByRole('button', { name: new RegExp(COUNTER.replace('.', '\\.')) }).getAttribute('aria-pressed')).toBe('true');
    expect((await readLegend(fresh))[0].last).toContain('request/s');
    await fresh.goto(histogramUrl);
    await expect.poll(() => legendNames(fresh), { timeout: STEP_TIMEOUT_MS }).toEqual(['p95']);
    expect((await readLegend(fresh))[0].last).toBe('last 95 ms');
    await fresh.close();

    expect([...pageErrors, ...freshErrors]).toEqual([]);
    await page.close();
  });
});
