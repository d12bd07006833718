// Closed-loop HTTP load: `concurrency` keep-alive connections, each sending the next GET as
// soon as the previous answer is read, for `seconds`. Prints one JSON line:
// { requests, errors, seconds, rps, p50Ms, p90Ms, p99Ms }.
// Usage: node http-load.mjs <url-template with {id}> <concurrency> <seconds> <maxId>
import http from 'node:http';

const [template, concurrencyArg, secondsArg, maxIdArg] = process.argv.slice(2);
const concurrency = Number(concurrencyArg);
const seconds = Number(secondsArg);
const maxId = Number(maxIdArg);
const target = new URL(template.replace('{id}', '1'));
if (!['127.0.0.1', 'localhost', '[::1]'].includes(target.hostname)) throw new Error(`refusing non-loopback target ${target.hostname}`);

const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
const latenciesUs = [];
let errors = 0;
const deadline = performance.now() + seconds * 1000;

function requestOnce(path) {
  return new Promise((resolve) => {
    const started = performance.now();
    const req = http.get({ host: target.hostname, port: target.port, path, agent }, (res) => {
      res.resume();
      res.on('end', () => {
        if (res.statusCode !== 200) errors++;
        else latenciesUs.push(Math.round((performance.now() - started) * 1000));
        resolve();
      });
    });
    req.setTimeout(10_000, () => req.destroy(new Error('timeout')));
    req.on('error', () => {
      errors++;
      resolve();
    });
  });
}

async function loop(worker) {
  let i = worker;
  while (performance.now() < deadline) {
    const id = (i++ % maxId) + 1;
    const url = new URL(template.replace('{id}', String(id)));
    await requestOnce(url.pathname + url.search);
  }
}

const startedAt = performance.now();
await Promise.all(Array.from({ length: concurrency }, (_, w) => loop(w)));
const elapsed = (performance.now() - startedAt) / 1000;
latenciesUs.sort((a, b) => a - b);
const pct = (p) => (latenciesUs.length === 0 ? NaN : latenciesUs[Math.min(latenciesUs.length - 1, Math.floor((p / 100) * latenciesUs.length))] / 1000);
agent.destroy();
console.log(JSON.stringify({ requests: latenciesUs.length, errors, seconds: elapsed, rps: latenciesUs.length / elapsed, p50Ms: pct(50), p90Ms: pct(90), p99Ms: pct(99) }));
