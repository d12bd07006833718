// npm run build && node bench/service-map/run-service-map-bench.mjs — the service map (GET /pharos/v1/service-map)
// over about BENCH_SPANS spans (default 1,000,000) in traces of 10 spans across BENCH_SERVICES services
// (default 30) spread over the last hour, in a fresh DuckDB store (default settings: one DuckDB
// thread). Each trace: a SERVER span, two calls to other services (CLIENT → SERVER), one of
// which calls a third, and database, messaging and external calls with no child span (virtual
// nodes). Reports the storage call and the HTTP route (Fastify inject), cold (first) and warm
// (median of 9).
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const dist = path.join(here, '../../packages/server/dist');
const { openDuckDbStore } = await import(path.join(dist, 'storage/index.js'));
const { makeSpan, resourceOf } = await import(path.join(dist, 'storage/conformance/fixtures.js'));
const { registerNativeApi } = await import(path.join(dist, 'api/native-api/index.js'));
const { default: Fastify } = await import('fastify');

const spanCount = Number(process.env.BENCH_SPANS ?? 1_000_000);
const serviceCount = Number(process.env.BENCH_SERVICES ?? 30);
const MS = 1_000_000n;
const HOUR_NS = 3_600_000n * MS;
const SPANS_PER_TRACE = 10;

let seed = 42;
const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
const pick = (n) => Math.floor(random() * n);

const dataDir = await mkdtemp(path.join(os.tmpdir(), 'pharos-bench-service-map-'));
const store = await openDuckDbStore({ dataDir });
try {
  const now = BigInt(Date.now()) * MS;
  const resources = Array.from({ length: serviceCount }, (_, i) => resourceOf(`service-${String(i).padStart(2, '0')}`));
  const peers = [{ 'db.system': 'postgresql', 'db.namespace': 'orders' }, { 'db.system': 'redis' }, { 'messaging.system': 'kafka' }, { 'server.address': 'api.example.com' }];
  const loadStarted = performance.now();
  let ids = 0;
  const nextId = (width) => (++ids).toString(16).padStart(width, '0');
  const traceCount = Math.ceil(spanCount / SPANS_PER_TRACE);
  const batchTraces = 1000;
  for (let done = 0; done < traceCount; done += batchTraces) {
    const spans = [];
    for (let t = 0; t < Math.min(batchTraces, traceCount - done); t++) {
      const traceId = nextId(32);
      let at = now - HOUR_NS + BigInt(pick(3_590_000)) * MS;
      const span = (service, parent, kind, attributes = {}) => {
        at += MS;
        const s = makeSpan({
          traceId,
          spanId: nextId(16),
          parentSpanId: parent?.spanId,
          service: resources[service].attributes['service.name'],
          resource: resources[service],
          name: `op-${service}-${kind}`,
          kind,
          statusCode: random() < 0.02 ? 2 : 0,
          startUnixNano: at,
          durationNs: BigInt(Math.floor(100_000 * Math.exp(random() * 8))),
          attributes: { 'http.route': `/r/${service}`, ...attributes },
        });
        spans.push(s);
        return s;
      };
      // Calls go from lower to higher service numbers, so the graph is layered like a real system.
      const a = pick(serviceCount - 2);
      const b = a + 1 + pick(serviceCount - a - 2);
      const c = b + 1 + pick(serviceCount - b - 1);
      const root = span(a, undefined, 2);
      const callB = span(a, root, 3);
      const serverB = span(b, callB, 2);
      const callC = span(b, serverB, 3);
      span(c, callC, 2);
      span(b, serverB, 3, peers[pick(peers.length)]);
      const callC2 = span(a, root, 3);
      const serverC = span(c, callC2, 2);
      span(c, serverC, 3, peers[pick(peers.length)]);
      span(c, serverC, 1);
    }
    await store.append({ spans, logs: [], points: [] });
  }
  console.log(`loaded ${ids - traceCount} spans in ${traceCount} traces of ${serviceCount} services in ${((performance.now() - loadStarted) / 1000).toFixed(1)} s`);

  const range = { startUnixNano: now - HOUR_NS, endUnixNano: now };
  const time = async (label, run) => {
    const times = [];
    let result;
    for (let i = 0; i < 10; i++) {
      const t0 = performance.now();
      result = await run();
      times.push(performance.now() - t0);
    }
    const warm = times.slice(1).sort((x, y) => x - y);
    console.log(`${label}: cold ${times[0].toFixed(0)} ms, warm median ${warm[4].toFixed(0)} ms (min ${warm[0].toFixed(0)}, max ${warm[8].toFixed(0)})`);
    return result;
  };
  const map = await time('store.getServiceMap', () => store.getServiceMap(range, { timeoutMs: 60_000 }));
  const calls = map.edges.reduce((n, e) => n + e.calls, 0);
  console.log(`  ${map.nodes.length} nodes (${map.nodes.filter((n) => n.kind !== 'service').length} virtual), ${map.edges.length} edges, ${calls} calls`);
  await time('store.getDependencies (for comparison)', () => store.getDependencies(range, { timeoutMs: 60_000 }));
  const app = Fastify();
  registerNativeApi(app, { store, queryTimeoutMs: 60_000, maxQueryLimit: 10_000 });
  await app.ready();
  const url = `/pharos/v1/service-map?start=${(range.startUnixNano / MS).toString()}&end=${(range.endUnixNano / MS).toString()}`;
  await time('GET /pharos/v1/service-map (inject)', async () => {
    const response = await app.inject({ url });
    if (response.statusCode !== 200) throw new Error(response.body);
    return response.body.length;
  });
  await time('store.searchTraces by service and parentService', () =>
    store.searchTraces({ range, service: 'service-10', parentService: 'service-05', attributes: [], limit: 20 }, { timeoutMs: 60_000 }),
  );
  await app.close();
} finally {
  await store.close();
  await rm(dataDir, { recursive: true, force: true });
}
