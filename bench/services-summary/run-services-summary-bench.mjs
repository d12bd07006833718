// npm run build && node bench/services-summary/run-services-summary-bench.mjs — the services RED summary (GET /pharos/v1/services/summary) over
// BENCH_SPANS spans (default 1,000,000) of BENCH_SERVICES services (default 50) spread over
// the last hour, in a fresh DuckDB store (default settings: one DuckDB thread). Reports the
// storage call and the HTTP route (Fastify inject), cold (first) and warm (median of 9).
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
const serviceCount = Number(process.env.BENCH_SERVICES ?? 50);
const MS = 1_000_000n;
const HOUR_NS = 3_600_000n * MS;

let seed = 42;
const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);

const dataDir = await mkdtemp(path.join(os.tmpdir(), 'pharos-bench-summary-'));
const store = await openDuckDbStore({ dataDir });
try {
  const now = BigInt(Date.now()) * MS;
  const resources = Array.from({ length: serviceCount }, (_, i) => resourceOf(`service-${String(i).padStart(2, '0')}`));
  const loadStarted = performance.now();
  const batchSize = 10_000;
  for (let done = 0; done < spanCount; done += batchSize) {
    const spans = [];
    for (let i = 0; i < Math.min(batchSize, spanCount - done); i++) {
      const s = Math.floor(random() * serviceCount);
      const r = random();
      // 40% server, 10% consumer, 25% client, 25% internal; 2% errors; 0.1 ms to ~2 s.
      const kind = r < 0.4 ? 2 : r < 0.5 ? 5 : r < 0.75 ? 3 : 1;
      const durationNs = BigInt(Math.floor(100_000 * Math.exp(random() * 10)));
      const startUnixNano = now - HOUR_NS + BigInt(Math.floor(random() * 3_599_000)) * MS;
      spans.push(
        makeSpan({
          traceId: (done + i + 1).toString(16).padStart(32, '0'),
          spanId: (done + i + 1).toString(16).padStart(16, '0'),
          service: resources[s].attributes['service.name'],
          resource: resources[s],
          name: `op-${s}-${i % 20}`,
          kind,
          statusCode: random() < 0.02 ? 2 : 0,
          startUnixNano,
          durationNs,
          attributes: { 'http.route': `/r/${i % 20}` },
        }),
      );
    }
    await store.append({ spans, logs: [], points: [] });
  }
  console.log(`loaded ${spanCount} spans of ${serviceCount} services in ${((performance.now() - loadStarted) / 1000).toFixed(1)} s`);

  const range = { startUnixNano: now - HOUR_NS, endUnixNano: now };
  const time = async (label, run) => {
    const times = [];
    let result;
    for (let i = 0; i < 10; i++) {
      const t0 = performance.now();
      result = await run();
      times.push(performance.now() - t0);
    }
    const warm = times.slice(1).sort((a, b) => a - b);
    console.log(`${label}: cold ${times[0].toFixed(0)} ms, warm median ${warm[4].toFixed(0)} ms (min ${warm[0].toFixed(0)}, max ${warm[8].toFixed(0)})`);
    return result;
  };
  const summary = await time('store.summarizeServices, 30 buckets', () => store.summarizeServices({ range, bucketCount: 30 }, { timeoutMs: 60_000 }));
  const requests = summary.services.reduce((n, s) => n + s.requests, 0);
  console.log(`  ${summary.services.length} services, ${requests} requests, first: ${summary.services[0].name} p50 ${summary.services[0].p50DurationNs} ns`);
  await time('store.summarizeServices, 500 buckets', () => store.summarizeServices({ range, bucketCount: 500 }, { timeoutMs: 60_000 }));
  const app = Fastify();
  registerNativeApi(app, { store, queryTimeoutMs: 60_000, maxQueryLimit: 10_000 });
  await app.ready();
  const url = `/pharos/v1/services/summary?start=${(range.startUnixNano / MS).toString()}&end=${(range.endUnixNano / MS).toString()}&buckets=30`;
  await time('GET /pharos/v1/services/summary (inject), 30 buckets', async () => {
    const response = await app.inject({ url });
    if (response.statusCode !== 200) throw new Error(response.body);
    return response.body.length;
  });
  await app.close();
} finally {
  await store.close();
  await rm(dataDir, { recursive: true, force: true });
}
