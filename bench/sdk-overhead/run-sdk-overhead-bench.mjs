// npm run bench:sdk — what @pharos/node costs a service. The demo shop's catalog service
// (express + pg on a real PostgreSQL) is started plain, with `--import @pharos/node/register`
// (every trace kept), and with the SDK sampling 10% of traces, in turn within the same run;
// a separate process drives it over loopback. Telemetry goes to a bare HTTP server that
// discards it, so Pharos' own ingest does not compete for the 2 cores with the service.
// Two phases per run: one connection (the latency a request gains) and BENCH_CONCURRENCY
// connections (the throughput a saturated service loses). Two endpoints: a product by id
// (one indexed query, the lightest request of the shop: the worst case for the ratio) and
// a category page of 24 products.
// Options: BENCH_ROUNDS (default 3), BENCH_SECONDS (default 10 per phase), BENCH_CONCURRENCY (default 32).
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnSupervised, startPostgres } from '../../demo/dist/launcher/index.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.join(here, '../..');
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 32);
const ENDPOINTS = [
  { label: 'GET /products/:id', path: '/products/{id}', ids: 120 },
  { label: 'GET /products?pageSize=24&page=N', path: '/products?pageSize=24&page={id}', ids: 5 },
];
const VARIANTS = [
  { name: 'plain', sdk: false, env: {} },
  { name: 'sdk', sdk: true, env: {} },
  { name: 'sdk 10%', sdk: true, env: { OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.1' } },
];

async function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** Runs http-load.mjs in its own process and returns its JSON line. */
function drive(url, ids, connections, durationS) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(here, 'http-load.mjs'), url, String(connections), String(durationS), String(ids)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out.trim().split('\n').pop())) : reject(new Error(`load driver exited ${code}`))));
  });
}

const workDir = mkdtempSync(path.join(os.tmpdir(), 'pharos-sdk-bench-'));
mkdirSync(path.join(workDir, 'logs'));
const children = new Set();
const context = {
  workDir,
  spawn: (spec) => {
    const child = spawnSupervised(spec);
    children.add(child);
    return child;
  },
};

async function startCatalog(variant, databaseUrl, sinkUrl) {
  const port = await freePort();
  const child = context.spawn({
    name: `catalog ${variant.name}`,
    command: process.execPath,
    args: [...(variant.sdk ? ['--import', '@pharos/node/register'] : []), path.join(repoRoot, 'demo/dist/services/catalog/main.js')],
    env: { PATH: process.env.PATH, PORT: String(port), DATABASE_URL: databaseUrl, LOG_LEVEL: 'info', OTEL_SERVICE_NAME: 'catalog', OTEL_EXPORTER_OTLP_ENDPOINT: sinkUrl, ...variant.env },
    cwd: repoRoot,
    logFile: path.join(workDir, 'logs', `catalog-${variant.name.replace(/\W+/g, '-')}.log`),
    ipc: true,
  });
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`catalog did not become ready:\n${child.readLogTail()}`)), 30_000);
    child.onMessage((message) => {
      if (message?.type === 'ready') {
        clearTimeout(timer);
        resolve();
      }
    });
    void child.exited.then(() => reject(new Error(`catalog exited:\n${child.readLogTail()}`)));
  });
  return { child, baseUrl: `http://127.0.0.1:${port}` };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (x, d = 2) => x.toFixed(d);

try {
  const postgres = await startPostgres(context, await freePort(), ['catalog']);
  const sinkPort = await freePort();
  context.spawn({ name: 'sink', command: process.execPath, args: [path.join(repoRoot, 'bench/ingest/discard-server.mjs'), String(sinkPort)], env: { PATH: process.env.PATH }, cwd: repoRoot, logFile: path.join(workDir, 'logs', 'sink.log') });
  const sinkUrl = `http://127.0.0.1:${sinkPort}`;
  console.log(`catalog service, ${rounds} rounds, ${seconds} s per phase, 1 and ${concurrency} connections; node ${process.version}, ${os.cpus().length} CPUs, ${new Date().toISOString()}`);
  for (const endpoint of ENDPOINTS) {
    console.log(`\n${endpoint.label}`);
    const results = new Map(VARIANTS.map((v) => [v.name, []]));
    for (let round = 0; round < rounds; round++) {
      // Rotate the order each round, so a drift of the machine's speed does not favour one variant.
      const order = VARIANTS.map((_, i) => VARIANTS[(i + round) % VARIANTS.length]);
      for (const variant of order) {
        const { child, baseUrl } = await startCatalog(variant, postgres.urlFor('catalog'), sinkUrl);
        const url = baseUrl + endpoint.path;
        await drive(url, endpoint.ids, concurrency, 3); // warm-up: JIT, pool, caches
        const single = await drive(url, endpoint.ids, 1, seconds);
        const loaded = await drive(url, endpoint.ids, concurrency, seconds);
        await child.stop();
        results.get(variant.name).push({ single, loaded });
        console.log(
          `  round ${round + 1} ${variant.name.padEnd(8)} 1 conn: ${fmt(single.rps, 0)} req/s p50 ${fmt(single.p50Ms)} ms p99 ${fmt(single.p99Ms)} ms | ${concurrency} conns: ${fmt(loaded.rps, 0)} req/s p50 ${fmt(loaded.p50Ms)} ms p99 ${fmt(loaded.p99Ms)} ms | errors ${single.errors + loaded.errors}`,
        );
      }
    }
    const m = (variant, phase, key) => median(results.get(variant).map((r) => r[phase][key]));
    console.log(`  medians (ratio to plain)${VARIANTS.map((v) => v.name.padStart(20)).join('')}`);
    for (const [phase, label] of [['single', '1 conn'], ['loaded', `${concurrency} conns`]]) {
      for (const [key, unit, digits] of [['rps', 'req/s', 0], ['p50Ms', 'ms p50', 2], ['p99Ms', 'ms p99', 2]]) {
        const plain = m('plain', phase, key);
        const cells = VARIANTS.map((v) => {
          const value = m(v.name, phase, key);
          return `${fmt(value, digits)} (${fmt(value / plain, 3)})`.padStart(20);
        });
        console.log(`  ${`${label} ${unit}`.padEnd(23)}${cells.join('')}`);
      }
    }
  }
} finally {
  await Promise.all([...children].reverse().map((child) => child.stop().catch(() => undefined)));
  rmSync(workDir, { recursive: true, force: true });
}
