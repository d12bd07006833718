// Builds realistic OTLP protobuf export requests for the ingest benchmark, with the byte
// offsets of every id and timestamp so that each send can be made unique cheaply.
import { randomBytes, randomFillSync } from 'node:crypto';

class Writer {
  constructor() {
    this.parts = [];
    this.length = 0;
  }
  raw(buf) {
    this.parts.push(buf);
    this.length += buf.length;
  }
  varint(value) {
    const out = [];
    let v = BigInt(value);
    while (v >= 0x80n) {
      out.push(Number(v & 0x7fn) | 0x80);
      v >>= 7n;
    }
    out.push(Number(v));
    this.raw(Buffer.from(out));
  }
  tag(field, wire) {
    this.varint((field << 3) | wire);
  }
}

/** A message under construction: fields append to it; nested messages are encoded first. */
class Message {
  constructor() {
    this.w = new Writer();
    this.marks = []; // [offset within this message, kind]
  }
  string(field, text) {
    if (text === '') return this;
    const b = Buffer.from(text);
    this.w.tag(field, 2);
    this.w.varint(b.length);
    this.w.raw(b);
    return this;
  }
  bytes(field, buf, mark) {
    this.w.tag(field, 2);
    this.w.varint(buf.length);
    if (mark) this.marks.push([this.w.length, mark, buf.length]);
    this.w.raw(buf);
    return this;
  }
  uint(field, value) {
    this.w.tag(field, 0);
    this.w.varint(value);
    return this;
  }
  fixed64(field, value, mark) {
    this.w.tag(field, 1);
    const b = Buffer.alloc(8);
    b.writeBigUInt64LE(BigInt(value));
    if (mark) this.marks.push([this.w.length, mark, 8]);
    this.w.raw(b);
    return this;
  }
  fixed32(field, value) {
    this.w.tag(field, 5);
    const b = Buffer.alloc(4);
    b.writeUInt32LE(value);
    this.w.raw(b);
    return this;
  }
  double(field, value) {
    this.w.tag(field, 1);
    const b = Buffer.alloc(8);
    b.writeDoubleLE(value);
    this.w.raw(b);
    return this;
  }
  packedFixed64(field, values) {
    const b = Buffer.alloc(values.length * 8);
    values.forEach((v, i) => b.writeBigUInt64LE(BigInt(v), i * 8));
    return this.bytes(field, b);
  }
  packedDouble(field, values) {
    const b = Buffer.alloc(values.length * 8);
    values.forEach((v, i) => b.writeDoubleLE(v, i * 8));
    return this.bytes(field, b);
  }
  message(field, child) {
    const body = child.finish();
    this.w.tag(field, 2);
    this.w.varint(body.buf.length);
    for (const [offset, kind, len] of body.marks) this.marks.push([this.w.length + offset, kind, len]);
    this.w.raw(body.buf);
    return this;
  }
  finish() {
    return { buf: Buffer.concat(this.w.parts), marks: this.marks };
  }
}

function anyValue(value) {
  const m = new Message();
  if (typeof value === 'string') m.string(1, value);
  else if (typeof value === 'boolean') m.uint(2, value ? 1 : 0);
  else if (typeof value === 'bigint') m.uint(3, value);
  else m.double(4, value);
  return m;
}

function keyValue(key, value) {
  return new Message().string(1, key).message(2, anyValue(value));
}

function resource(service) {
  const m = new Message();
  for (const [k, v] of [
    ['service.name', service],
    ['service.version', '2.4.1'],
    ['service.instance.id', `${service}-7f9c`],
    ['host.name', 'node-3'],
    ['telemetry.sdk.language', 'nodejs'],
  ])
    m.message(1, keyValue(k, v));
  return m;
}

const pick = (list) => list[Math.floor(Math.random() * list.length)];
const ROUTES = Array.from({ length: 20 }, (_, i) => `/api/v1/resource${i}/:id`);
const SERVICES = ['frontend', 'catalog', 'inventory', 'cart', 'order', 'payment'];
const NAMES = ['GET /api/products', 'POST /api/cart', 'SELECT products', 'HGET cart', 'charge', 'reserve', 'publish order.created', 'GET /api/recommendations'];
const HOSTS = Array.from({ length: 10 }, (_, i) => `10.0.0.${i + 10}`);

/** ExportTraceServiceRequest with `count` spans of ~10 attributes each. */
export function buildTraceRequest(count) {
  const service = pick(SERVICES);
  const scopeSpans = new Message().message(1, new Message().string(1, '@opentelemetry/instrumentation-http').string(2, '0.52.0'));
  const traceId = randomBytes(16);
  for (let i = 0; i < count; i++) {
    if (i % 10 === 0) randomFillSync(traceId);
    const span = new Message()
      .bytes(1, traceId, 'trace')
      .bytes(2, randomBytes(8), 'span')
      .bytes(4, randomBytes(8), 'span')
      .string(5, pick(NAMES))
      .uint(6, pick([1, 2, 3]))
      .fixed64(7, 0n, 'start')
      .fixed64(8, 0n, 'end');
    const status = Math.random() < 0.05 ? 500n : pick([200n, 200n, 200n, 201n, 404n]);
    for (const [k, v] of [
      ['http.method', pick(['GET', 'GET', 'POST', 'PUT'])],
      ['http.route', pick(ROUTES)],
      ['http.status_code', status],
      ['net.peer.name', pick(HOSTS)],
      ['net.peer.port', 8080n],
      ['user.id', `user-${Math.floor(Math.random() * 5000)}`],
      ['http.user_agent', 'Mozilla/5.0 (X11; Linux x86_64) Chrome/126.0'],
      ['db.system', pick(['postgresql', 'redis'])],
      ['retry', Math.random() < 0.1],
      ['payload.size', Math.floor(Math.random() * 10000) + 0.5],
    ])
      span.message(9, keyValue(k, v));
    if (status === 500n) span.message(15, new Message().string(2, 'upstream failed').uint(3, 2));
    scopeSpans.message(2, span);
  }
  const rs = new Message().message(1, resource(service)).message(2, scopeSpans);
  return new Message().message(1, rs).finish();
}

/** ExportLogsServiceRequest with `count` records. */
export function buildLogsRequest(count) {
  const scopeLogs = new Message().message(1, new Message().string(1, 'pino'));
  for (let i = 0; i < count; i++) {
    const severe = Math.random() < 0.1;
    const record = new Message()
      .fixed64(1, 0n, 'start')
      .uint(2, severe ? 17 : 9)
      .string(3, severe ? 'ERROR' : 'INFO')
      .message(5, anyValue(severe ? `charge failed for order ${Math.floor(Math.random() * 1e6)}: card declined` : `handled ${pick(NAMES)} in ${Math.floor(Math.random() * 300)} ms`));
    for (const [k, v] of [
      ['http.route', pick(ROUTES)],
      ['user.id', `user-${Math.floor(Math.random() * 5000)}`],
      ['order.id', BigInt(Math.floor(Math.random() * 1e6))],
      ['code.function', pick(['handle', 'charge', 'reserve', 'render'])],
      ['thread.id', BigInt(Math.floor(Math.random() * 8))],
    ])
      record.message(6, keyValue(k, v));
    record.fixed32(8, 1).bytes(9, randomBytes(16), 'trace').bytes(10, randomBytes(8), 'span').fixed64(11, 0n, 'end');
    scopeLogs.message(2, record);
  }
  const rl = new Message().message(1, resource(pick(SERVICES))).message(2, scopeLogs);
  return new Message().message(1, rl).finish();
}

/** ExportMetricsServiceRequest with `count` points: sums, gauges and histograms. */
export function buildMetricsRequest(count) {
  const scopeMetrics = new Message().message(1, new Message().string(1, '@opentelemetry/sdk-metrics'));
  const perMetric = 10;
  for (let m = 0; m < count / perMetric; m++) {
    const kind = m % 3;
    const metric = new Message().string(1, ['http.server.requests', 'process.memory.usage', 'http.server.duration'][kind] + `.${m}`).string(3, ['1', 'By', 's'][kind]);
    const data = new Message();
    for (let p = 0; p < perMetric; p++) {
      const attrs = [keyValue('http.route', ROUTES[p]), keyValue('http.method', p % 2 ? 'GET' : 'POST'), keyValue('http.status_code', 200n)];
      if (kind === 2) {
        const buckets = [3, 10, 25, 12, 4, 1, 0, 0];
        const h = new Message().fixed64(2, 0n, 'start').fixed64(3, 0n, 'end').fixed64(4, 55).double(5, Math.random() * 20).packedFixed64(6, buckets).packedDouble(7, [0.005, 0.01, 0.05, 0.1, 0.5, 1, 5]);
        for (const a of attrs) h.message(9, a);
        data.message(1, h);
        continue;
      }
      const point = new Message().fixed64(2, 0n, 'start').fixed64(3, 0n, 'end');
      if (kind === 0) point.fixed64(6, BigInt(Math.floor(Math.random() * 1e6)));
      else point.double(4, Math.random() * 5e8);
      for (const a of attrs) point.message(7, a);
      data.message(1, point);
    }
    if (kind === 0) data.uint(2, 2).uint(3, 1);
    if (kind === 2) data.uint(2, 2);
    metric.message([7, 5, 9][kind], data);
    scopeMetrics.message(2, metric);
  }
  const rm = new Message().message(1, resource(pick(SERVICES))).message(2, scopeMetrics);
  return new Message().message(1, rm).finish();
}

// xorshift32: ids only need to be unique and random-looking, and the load generator
// must not spend the CPU that the server under test needs (crypto's generator did).
let seed = (randomBytes(4).readUInt32LE(0) | 1) >>> 0;
function fillRandom(buf, offset, length) {
  for (let i = offset; i < offset + length; i += 4) {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    seed >>>= 0;
    buf.writeUInt32LE(seed, i);
  }
}

/**
 * Gives a template fresh random ids and timestamps in place: each item starts up to 2 s
 * before `nowNs` and lasts from 0.1 ms to 500 ms (log-uniform), as real spans do.
 */
export function refresh(template, nowNs) {
  const { buf, marks } = template;
  const traceId = Buffer.alloc(16);
  let traceMarks = 0;
  let start = nowNs;
  for (const [offset, kind, len] of marks) {
    if (kind === 'trace') {
      // ten consecutive spans (or log records) share one trace
      if (traceMarks++ % 10 === 0) fillRandom(traceId, 0, 16);
      traceId.copy(buf, offset, 0, len);
    } else if (kind === 'span') fillRandom(buf, offset, len);
    else if (kind === 'start') {
      start = nowNs - BigInt(Math.floor(Math.random() * 2e9));
      buf.writeBigUInt64LE(start, offset);
    } else buf.writeBigUInt64LE(start + BigInt(Math.floor(1e5 * 5000 ** Math.random())), offset);
  }
  return buf;
}
