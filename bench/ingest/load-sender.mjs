// The load side of the ingest benchmark, run as its own process: sends OTLP protobuf
// requests to one URL with a fixed number of requests in flight for a fixed time.
// Prints one JSON line: requests, items and acknowledgements, first byte and last ack times.
import http from 'node:http';
import { buildLogsRequest, buildMetricsRequest, buildTraceRequest, refresh } from './otlp-payloads.mjs';

const [url, signal, secondsText, concurrencyText] = process.argv.slice(2);
const seconds = Number(secondsText);
const concurrency = Number(concurrencyText);
const ITEMS_PER_REQUEST = 100;
const build = { traces: buildTraceRequest, logs: buildLogsRequest, metrics: buildMetricsRequest }[signal];
const templates = Array.from({ length: concurrency * 4 }, () => build(ITEMS_PER_REQUEST));
const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
const target = new URL(url);

const startEpochMs = Date.now();
let requests = 0;
let acked = 0;
let refused = 0;
let failed = 0;
let bytes = 0;
const start = performance.now();
let lastAck = start;
const deadline = start + seconds * 1000;

function send(template) {
  return new Promise((resolve) => {
    const body = refresh(template, BigInt(Date.now()) * 1_000_000n);
    bytes += body.length;
    const req = http.request(
      { host: target.hostname, port: target.port, path: target.pathname, method: 'POST', agent, headers: { 'content-type': 'application/x-protobuf', 'content-length': body.length } },
      (res) => {
        res.resume();
        res.on('end', () => {
          if (res.statusCode === 200) {
            acked++;
            lastAck = performance.now();
          } else if (res.statusCode === 503 || res.statusCode === 429) refused++;
          else failed++;
          resolve();
        });
      },
    );
    req.on('error', () => {
      failed++;
      resolve();
    });
    req.end(body);
  });
}

async function worker(index) {
  let n = index;
  while (performance.now() < deadline) {
    requests++;
    const status = await send(templates[n++ % templates.length]);
    void status;
  }
}

await Promise.all(Array.from({ length: concurrency }, (_, i) => worker(i)));
agent.destroy();
console.log(
  JSON.stringify({ signal, requests, acked, refused, failed, itemsAcked: acked * ITEMS_PER_REQUEST, bytes, startEpochMs, elapsedMs: performance.now() - start, lastAckMs: lastAck - start }),
);
