import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startShop, type ShopHandle } from '../../demo/src/launcher/index.js';
import { freePort } from '../helpers/server-process.js';
import { deepestErrorSpan, isError, rootSpan, serviceOf, slowestSpan, tagOf, type JaegerSpan, type JaegerTrace } from '../helpers/jaeger-trace.js';

/*
 * The payment incident, end to end: the demo shop (real PostgreSQL, Redis, RabbitMQ and
 * seven Node services instrumented only by @pharos/node) runs under load and reports to a
 * real Pharos. Faults are switched on through the shop's control API; every assertion is
 * made through Pharos' query APIs, never through the shop: the telemetry alone must point
 * at the culprit.
 */

const SERVICES = ['frontend', 'catalog', 'inventory', 'cart', 'order', 'payment', 'shipping'];
const CHECKOUT = 'POST /api/checkout';

let shop: ShopHandle;
let api: string;
/** When the shop began to start: the issue's 60 s budget runs from here. */
let startedAtMs: number;

beforeAll(async () => {
  startedAtMs = Date.now();
  const [httpPort, otlpHttpPort, otlpGrpcPort, frontendPort, controlPort] = await Promise.all([freePort(), freePort(), freePort(), freePort(), freePort()]);
  shop = await startShop({
    pharos: { httpPort, otlpHttpPort, otlpGrpcPort },
    frontendPort,
    controlPort,
    load: { journeysPerSecond: 6 },
    logLevel: 'info',
  });
  api = shop.urls.pharosApi!;
}, 120_000);

afterAll(async () => {
  await shop?.stop();
}, 60_000);

async function getJson<T>(path: string): Promise<T> {
  const res = await fetch(`${api}${path}`);
  const body = await res.text();
  if (!res.ok) throw new Error(`GET ${path} → ${res.status}: ${body}`);
  return JSON.parse(body) as T;
}

/** Polls `probe` every 2 s until it returns a value (not undefined) or `timeoutMs` passes. */
async function eventually<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastError ? `: ${String(lastError)}` : ''}`);
    await new Promise((r) => setTimeout(r, 2000));
  }
}

async function searchTraces(params: Record<string, string>): Promise<JaegerTrace[]> {
  const qs = new URLSearchParams(params).toString();
  return (await getJson<{ data: JaegerTrace[] }>(`/api/traces?${qs}`)).data;
}

async function fetchTrace(traceId: string): Promise<JaegerTrace> {
  return (await getJson<{ data: JaegerTrace[] }>(`/api/traces/${traceId}`)).data[0]!;
}

const micros = (ms: number) => String(ms * 1000);

/**
 * Every service exports its spans within about a second and Pharos makes them queryable
 * within about two more: a trace is judged only once its last spans can have arrived,
 * otherwise a caller's span would look like the culprit for want of the callee's.
 */
const SETTLE_MS = 5000;
const settledEnd = () => micros(Date.now() - SETTLE_MS);

interface LogJson {
  serviceName: string;
  severityNumber: number;
  traceId: string;
  spanId: string;
  body: unknown;
}

/** Error traces of the shop's edge started at or after `sinceMs`, fetched whole. */
async function errorTracesSince(sinceMs: number, operation?: string): Promise<JaegerTrace[]> {
  const params: Record<string, string> = { service: 'frontend', tags: JSON.stringify({ error: 'true' }), start: micros(sinceMs), end: settledEnd(), limit: '40' };
  if (operation) params.operation = operation;
  const found = await searchTraces(params);
  return Promise.all(found.map((t) => fetchTrace(t.traceID)));
}

/** Waits until at least `count` error traces since `sinceMs` blame `service`, and returns all of them with the share that does. */
async function blamed(service: string, sinceMs: number, operation: string | undefined, count: number) {
  return eventually(`${count} error traces blaming ${service}`, 45_000, async () => {
    const traces = await errorTracesSince(sinceMs, operation);
    const culprits = traces.map((t) => ({ trace: t, span: deepestErrorSpan(t)! }));
    const onService = culprits.filter((c) => serviceOf(c.trace, c.span) === service);
    return onService.length >= count ? { all: culprits, onService, spread: spreadOf(culprits) } : undefined;
  });
}

/** Which service and operation the culprits are, with counts, for failure messages. */
function spreadOf(culprits: { trace: JaegerTrace; span: JaegerSpan }[]): string {
  const counts = new Map<string, number>();
  for (const c of culprits) {
    const key = `${serviceOf(c.trace, c.span)}:${c.span.operationName}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts].map(([k, n]) => `${k} ×${n}`).join(', ');
}

describe('the demo shop under load reports all four corners of a checkout', () => {
  it('lists every service, and a checkout trace crosses every hop with database, cache and queue spans', async () => {
    const withinBudget = () => Math.max(1000, startedAtMs + 60_000 - Date.now());
    const services = await eventually('every shop service in /api/services', withinBudget(), async () => {
      const { data } = await getJson<{ data: string[] }>('/api/services');
      return SERVICES.every((s) => data.includes(s)) ? data : undefined;
    });
    expect(services).toEqual(expect.arrayContaining(SERVICES));

    const checkout = await eventually('a complete checkout trace', withinBudget(), async () => {
      // Settled traces only: each service exports on its own schedule, so a young trace can
      // show a service through its first spans while its later ones are still on the way.
      const found = await searchTraces({ service: 'frontend', operation: CHECKOUT, limit: '40', start: micros(startedAtMs), end: settledEnd() });
      for (const summary of found) {
        const trace = await fetchTrace(summary.traceID);
        const seen = new Set(trace.spans.map((s) => serviceOf(trace, s)));
        if (SERVICES.every((s) => seen.has(s)) && !trace.spans.some(isError)) return trace;
      }
      return undefined;
    });

    const spans = checkout.spans.map((s) => ({ service: serviceOf(checkout, s), span: s }));
    expect(serviceOf(checkout, rootSpan(checkout)!)).toBe('frontend');
    const dbSystem = (s: (typeof spans)[number]) => tagOf(s.span, 'db.system.name') ?? tagOf(s.span, 'db.system');
    for (const service of ['catalog', 'inventory', 'order']) {
      expect(spans.some((s) => s.service === service && dbSystem(s) === 'postgresql'), `${service} has PostgreSQL spans`).toBe(true);
    }
    expect(spans.some((s) => s.service === 'cart' && dbSystem(s) === 'redis'), 'cart has Redis spans').toBe(true);
    expect(spans.some((s) => s.service === 'order' && tagOf(s.span, 'span.kind') === 'producer'), 'order publishes to the queue').toBe(true);
    expect(spans.some((s) => s.service === 'shipping' && tagOf(s.span, 'span.kind') === 'consumer'), 'shipping consumes in the same trace').toBe(true);
  }, 130_000);

  it('has logs and metrics of every service within a minute of the start', async () => {
    const withinBudget = () => Math.max(1000, startedAtMs + 60_000 - Date.now());
    await eventually('logs of every service', withinBudget(), async () => {
      for (const service of SERVICES) {
        const { logs } = await getJson<{ logs: LogJson[] }>(`/pharos/v1/logs?service=${service}&start=now-1h&limit=1`);
        if (logs.length === 0) return undefined;
      }
      return true;
    });
    await eventually('metrics of every service', withinBudget(), async () => {
      for (const service of SERVICES) {
        const { metrics } = await getJson<{ metrics: { name: string }[] }>(`/pharos/v1/metrics?service=${service}`);
        const names = new Set(metrics.map((m) => m.name));
        if (!names.has('process.cpu.time') || !names.has('v8js.memory.heap.used')) return undefined;
        if (service !== 'shipping' && !names.has('http.server.request.duration')) return undefined;
      }
      return true;
    });
  }, 70_000);
});

describe('faults switched on at run time show their symptom in Pharos', () => {
  it('payment failures: checkout errors whose deepest failing span is payment, and payment error logs on the same traces', async () => {
    await shop.setFault('payment-failures', '0.5');
    const since = Date.now();
    try {
      const { all, onService, spread } = await blamed('payment', since, CHECKOUT, 5);
      expect(onService.length / all.length, spread).toBeGreaterThanOrEqual(0.8);
      for (const { trace } of onService) expect(serviceOf(trace, rootSpan(trace)!)).toBe('frontend');

      const errorTraceIds = new Set(onService.map((c) => c.trace.traceID));
      const logs = await eventually('payment error logs on the failing traces', 30_000, async () => {
        const { logs } = await getJson<{ logs: LogJson[] }>(`/pharos/v1/logs?service=payment&severity=error&start=${since}&end=${Date.now() - SETTLE_MS}&limit=200`);
        return logs.some((l) => errorTraceIds.has(l.traceId)) ? logs : undefined;
      });
      expect(logs.length).toBeGreaterThan(0);
      // Every payment error log belongs to a trace in which payment's span failed.
      for (const log of logs) {
        expect(log.traceId).toMatch(/^[0-9a-f]{32}$/);
        const trace = await fetchTrace(log.traceId);
        const culprit = deepestErrorSpan(trace);
        expect(culprit && serviceOf(trace, culprit)).toBe('payment');
      }
    } finally {
      await shop.setFault('payment-failures', undefined);
    }
  }, 120_000);

  it('payment latency: slow checkouts spend their time in payment', async () => {
    await shop.setFault('payment-latency', '0.5:1500');
    const since = Date.now();
    try {
      const slow = await eventually('5 slow checkout traces', 45_000, async () => {
        const found = await searchTraces({ service: 'frontend', operation: CHECKOUT, minDuration: '1400ms', start: micros(since), end: settledEnd(), limit: '20' });
        return found.length >= 5 ? Promise.all(found.map((t) => fetchTrace(t.traceID))) : undefined;
      });
      for (const trace of slow) {
        const span = slowestSpan(trace);
        expect(serviceOf(trace, span), `trace ${trace.traceID}: slowest span ${span.operationName}`).toBe('payment');
      }
    } finally {
      await shop.setFault('payment-latency', undefined);
    }
  }, 120_000);

  it('cache outage: error traces whose deepest failing span is in cart, on its Redis calls', async () => {
    await shop.setFault('cache-outage', 'on');
    const since = Date.now();
    try {
      const { all, onService, spread } = await blamed('cart', since, undefined, 5);
      expect(onService.length / all.length, spread).toBeGreaterThanOrEqual(0.8);
      const onRedis = onService.filter((c) => (tagOf(c.span, 'db.system.name') ?? tagOf(c.span, 'db.system')) === 'redis');
      expect(onRedis.length / onService.length, spread).toBeGreaterThanOrEqual(0.8);
    } finally {
      await shop.setFault('cache-outage', undefined);
    }
  }, 120_000);
});

describe('the environment and the releases misbehave too', () => {
  it('inventory slow query: slow checkouts spend their time in inventory, waiting on PostgreSQL', async () => {
    await shop.setFault('inventory-slow-query', 'on');
    const since = Date.now();
    try {
      const slow = await eventually('3 slow checkout traces', 45_000, async () => {
        const found = await searchTraces({ service: 'frontend', operation: CHECKOUT, minDuration: '600ms', start: micros(since), end: settledEnd(), limit: '20' });
        return found.length >= 3 ? Promise.all(found.map((t) => fetchTrace(t.traceID))) : undefined;
      });
      for (const trace of slow) {
        const span = slowestSpan(trace);
        expect(serviceOf(trace, span), `trace ${trace.traceID}: slowest span ${span.operationName}`).toBe('inventory');
        expect(tagOf(span, 'db.system.name') ?? tagOf(span, 'db.system'), `trace ${trace.traceID}: slowest span ${span.operationName}`).toBe('postgresql');
      }
    } finally {
      await shop.setFault('inventory-slow-query', undefined);
    }
  }, 120_000);

  it('bad deploy: errors start with the new catalog version, and only on it', async () => {
    const before = await getJson<{ data: JaegerTrace[] }>(`/api/traces?service=catalog&limit=1&lookback=1h`);
    const versionOf = (trace: JaegerTrace, span: JaegerSpan) => trace.processes[span.processID]?.tags.find((t) => t.key === 'service.version')?.value;
    const oldVersion = versionOf(before.data[0]!, before.data[0]!.spans.find((s) => serviceOf(before.data[0]!, s) === 'catalog')!);
    await shop.setFault('bad-deploy', 'catalog');
    const since = Date.now();
    try {
      const { onService, spread } = await blamed('catalog', since, undefined, 5);
      const versions = new Set(onService.map((c) => versionOf(c.trace, c.span)));
      expect([...versions], spread).toHaveLength(1);
      expect([...versions][0]).not.toBe(oldVersion);
      expect(typeof [...versions][0]).toBe('string');
    } finally {
      await shop.setFault('bad-deploy', undefined);
    }
  }, 120_000);
});

describe('the ground truth stays in the control API', () => {
  it('no log of any service names a fault', async () => {
    for (const word of ['fault', 'inject', 'chaos']) {
      const { logs } = await getJson<{ logs: LogJson[] }>(`/pharos/v1/logs?q=${word}&start=now-1h&limit=5`);
      expect(logs, `logs mentioning "${word}"`).toEqual([]);
    }
    const history = shop.readFaults().history;
    expect(history.map((h) => h.name)).toEqual(expect.arrayContaining(['payment-failures', 'payment-latency', 'cache-outage', 'inventory-slow-query', 'bad-deploy']));
  });
});
