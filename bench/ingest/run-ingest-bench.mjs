// npm run bench:ingest — sustained OTLP ingest of traces, logs and metrics into a real
// `pharos serve` process, from a separate sender process over loopback, against a bare
// Node HTTP server that reads and discards the same bodies (measured in the same run).
// Options: BENCH_SIGNALS (default traces,logs,metrics), BENCH_SECONDS (default 20 per signal), BENCH_CONCURRENCY (default 32 requests in flight, like a few Collectors with their default 10 senders each).
import { spawn } from 'node:child_process';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const cli = path.join(here, '../../packages/server/dist/cli.js');
const seconds = Number(process.env.BENCH_SECONDS ?? 20);
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 32);

async function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

function run(args) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('exit', (code) => (code === 0 ? resolve(out.trim().split('\n').pop()) : reject(new Error(`${args.join(' ')} exited ${code}`))));
  });
}

async function waitFor(url) {
  for (let i = 0; i < 300; i++) {
    if (await fetch(url).then((r) => r.ok, () => false)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} never answered`);
}

async function startPharos(dataDir) {
  const [http, otlp, grpc] = [await freePort(), await freePort(), await freePort()];
  const child = spawn(process.execPath, [cli, 'serve', '--data-dir', dataDir, '--http-port', String(http), '--otlp-http-port', String(otlp), '--otlp-grpc-port', String(grpc), '--log-level', 'warn'], {
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  await waitFor(`http://127.0.0.1:${http}/healthz`);
  return { child, api: `http://127.0.0.1:${http}`, otlp: `http://127.0.0.1:${otlp}` };
}

async function stopProcess(child) {
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}

const STAT_FIELD = { traces: 'spanCount', logs: 'logCount', metrics: 'pointCount' };

async function benchSignal(signal) {
  // Reference: bare HTTP server, same sender, same duration.
  const refPort = await freePort();
  const ref = spawn(process.execPath, [path.join(here, 'discard-server.mjs'), String(refPort)], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise((r) => ref.stdout.once('data', r));
  const refResult = JSON.parse(await run([path.join(here, 'load-sender.mjs'), `http://127.0.0.1:${refPort}/v1/${signal}`, signal, String(seconds), String(concurrency)]));
  await stopProcess(ref);

  const dataDir = await mkdtemp(path.join(os.tmpdir(), `pharos-bench-${signal}-`));
  const pharos = await startPharos(dataDir);
  const result = JSON.parse(await run([path.join(here, 'load-sender.mjs'), `${pharos.otlp}/v1/${signal}`, signal, String(seconds), String(concurrency)]));
  // Acknowledged means in the write-ahead log; queryable means in storage. The clock stops
  // when a status query counts every acknowledged item.
  let stored = 0;
  let usedBytes = 0;
  for (let tries = 0; tries < 600 && stored < result.itemsAcked; tries++) {
    if (tries > 0) await new Promise((r) => setTimeout(r, 50));
    const status = await (await fetch(`${pharos.api}/pharos/v1/status`)).json();
    stored = status.stats[STAT_FIELD[signal]];
    usedBytes = status.stats.usedBytes;
  }
  const queryableMs = Date.now() - result.startEpochMs;
  await stopProcess(pharos.child); // checkpoints the WAL into the database file
  const diskBytes = (await stat(path.join(dataDir, 'pharos.duckdb'))).size;
  await rm(dataDir, { recursive: true, force: true });

  const perSecond = result.itemsAcked / (queryableMs / 1000);
  const refPerSecond = refResult.itemsAcked / (refResult.lastAckMs / 1000);
  return {
    signal,
    itemsPerSecond: Math.round(perSecond),
    referenceItemsPerSecond: Math.round(refPerSecond),
    ratioToReference: perSecond / refPerSecond,
    acked: result.itemsAcked,
    stored,
    refusedRequests: result.refused,
    failedRequests: result.failed,
    bytesPerItemOnDisk: diskBytes / stored,
    usedBytesPerItem: usedBytes / stored,
    ackedPerSecond: Math.round(result.itemsAcked / (result.lastAckMs / 1000)),
    wireBytesPerItem: result.bytes / (result.requests * 100),
  };
}

const rows = [];
for (const signal of (process.env.BENCH_SIGNALS ?? 'traces,logs,metrics').split(',')) {
  const row = await benchSignal(signal);
  rows.push(row);
  console.error(`${signal}: ${row.itemsPerSecond}/s (${(row.ratioToReference * 100).toFixed(1)}% of bare HTTP at ${row.referenceItemsPerSecond}/s), ${row.bytesPerItemOnDisk.toFixed(1)} B/item on disk`);
}
console.log(`\nIngest benchmark, ${new Date().toISOString().slice(0, 10)}, ${os.cpus().length} cores (${os.cpus()[0].model}), ${seconds} s per signal, ${concurrency} requests in flight, 100 items per request`);
console.log('| signal | items/s, first byte to queryable | items/s acknowledged | bare HTTP discard items/s | ratio (queryable / bare) | stored / acked | 503s | file bytes per item after stop | bytes per item holding data | wire bytes per item |');
console.log('|---|---|---|---|---|---|---|---|---|---|');
for (const r of rows) {
  console.log(
    `| ${r.signal} | ${r.itemsPerSecond} | ${r.ackedPerSecond} | ${r.referenceItemsPerSecond} | ${r.ratioToReference.toFixed(3)} | ${r.stored} / ${r.acked} | ${r.refusedRequests} | ${r.bytesPerItemOnDisk.toFixed(1)} | ${r.usedBytesPerItem.toFixed(1)} | ${r.wireBytesPerItem.toFixed(0)} |`,
  );
}
