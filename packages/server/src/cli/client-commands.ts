import { Command } from 'commander';

/** Calls the native API of a running server and returns the parsed JSON, or exits with its error. */
async function callApi(server: string, pathAndQuery: string): Promise<Record<string, unknown>> {
  let response: Response;
  try {
    response = await fetch(new URL(pathAndQuery, server), { signal: AbortSignal.timeout(60_000) });
  } catch (error) {
    fail(`cannot reach a Pharos server at ${server} (${(error as Error).message}); start one with "npm start", or pass --server`);
  }
  const body = (await response.json().catch(() => ({}))) as Record<string, unknown>;
  if (!response.ok) {
    const err = body.error as { code?: string; message?: string } | undefined;
    fail(`${response.status} ${err?.code ?? ''} ${err?.message ?? response.statusText}`.trim());
  }
  return body;
}

function fail(message: string): never {
  process.stderr.write(`pharos: ${message}\n`);
  process.exit(1);
}

/** Prints rows as an aligned text table. */
export function formatTable(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.min(80, Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length))));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => {
        const text = c.length > widths[i] ? `${c.slice(0, widths[i] - 1)}…` : c;
        return i === cells.length - 1 ? text : text.padEnd(widths[i]);
      })
      .join('  ');
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(unit === 0 ? 0 : 1)} ${units[unit]}`;
}

function nanosToIso(ns: unknown): string {
  return new Date(Number(BigInt(String(ns)) / 1_000_000n)).toISOString();
}

function nanosToMs(ns: unknown): string {
  return `${(Number(BigInt(String(ns)) / 1000n) / 1000).toFixed(1)} ms`;
}

function anyValueText(value: unknown): string {
  if (value === null || typeof value !== 'object') return String(value ?? '');
  const v = value as Record<string, unknown>;
  if ('stringValue' in v) return String(v.stringValue);
  for (const key of ['intValue', 'doubleValue', 'boolValue', 'bytesValue']) if (key in v) return String(v[key]);
  return JSON.stringify(v);
}

function output(json: boolean, body: unknown, table: () => string): void {
  process.stdout.write(`${json ? JSON.stringify(body, null, 2) : table()}\n`);
}

const collect = (value: string, previous: string[]) => [...previous, value];

function withServer(command: Command): Command {
  return command
    .option('--server <url>', 'Pharos API address (env PHAROS_SERVER)', process.env.PHAROS_SERVER ?? 'http://127.0.0.1:4400')
    .option('--json', 'print JSON instead of a table', false);
}

/** `pharos status`: what is stored and the disk it uses. */
export function statusCommand(): Command {
  return withServer(new Command('status').description('show what a running server stores and the disk it uses')).action(async (o: { server: string; json: boolean }) => {
    const body = await callApi(o.server, '/pharos/v1/status');
    const stats = body.stats as { spanCount: number; logCount: number; pointCount: number; diskBytes: number; usedBytes: number; partitions: Array<{ signal: string; day: string; rowCount: number }> };
    output(o.json, body, () =>
      [
        `Pharos ${String(body.version)} at ${o.server}`,
        `spans: ${stats.spanCount}   log records: ${stats.logCount}   metric points: ${stats.pointCount}   disk: ${formatBytes(stats.diskBytes)} (${formatBytes(stats.usedBytes)} holding data)`,
        '',
        formatTable(['SIGNAL', 'DAY', 'ROWS'], stats.partitions.map((p) => [p.signal, p.day, String(p.rowCount)])),
      ].join('\n'),
    );
  });
}

/** `pharos query traces|logs|metrics`. */
export function queryCommand(): Command {
  const query = new Command('query').description('query a running server and print a table (or JSON)');

  query.addCommand(
    withServer(new Command('traces').description('search traces'))
      .option('-s, --service <name>')
      .option('-o, --operation <name>')
      .option('-a, --attr <expr>', 'attribute condition: key=value, key!=value, key>n, key<n (repeatable)', collect, [])
      .option('--status <status>', 'error, ok or unset')
      .option('--min-duration <d>', 'e.g. 100ms')
      .option('--max-duration <d>')
      .option('--since <d>', 'how far back, e.g. 15m, 24h', '1h')
      .option('-l, --limit <n>', 'most traces', '20')
      .action(async (o: Record<string, string | string[] | boolean>) => {
        const params = new URLSearchParams({ start: `now-${String(o.since)}`, end: 'now', limit: String(o.limit) });
        for (const [flag, param] of [['service', 'service'], ['operation', 'operation'], ['status', 'status'], ['minDuration', 'minDuration'], ['maxDuration', 'maxDuration']] as const) {
          if (typeof o[flag] === 'string') params.set(param, o[flag] as string);
        }
        for (const attr of o.attr as string[]) params.append('attr', attr);
        const body = await callApi(String(o.server), `/pharos/v1/traces?${params}`);
        const traces = body.traces as Array<Record<string, unknown>>;
        output(o.json === true, body, () =>
          formatTable(
            ['TRACE ID', 'START', 'ROOT', 'DURATION', 'SPANS', 'ERRORS', 'SERVICES'],
            traces.map((t) => [
              String(t.traceId),
              nanosToIso(t.startTimeUnixNano),
              `${String(t.rootServiceName)}: ${String(t.rootSpanName)}`,
              nanosToMs(t.durationNs),
              String(t.spanCount),
              String(t.errorCount),
              (t.services as Array<{ name: string }>).map((s) => s.name).join(','),
            ]),
          ),
        );
      }),
  );

  query.addCommand(
    withServer(new Command('logs').description('search log records, newest first'))
      .option('-s, --service <name>', 'service (repeatable)', collect, [])
      .option('--severity <min>', 'minimum severity: trace, debug, info, warn, error, fatal or 1-24')
      .option('-q, --text <text>', 'text in the body')
      .option('-a, --attr <expr>', 'attribute condition (repeatable)', collect, [])
      .option('--trace-id <id>')
      .option('--since <d>', 'how far back', '1h')
      .option('-l, --limit <n>', 'most records', '50')
      .action(async (o: Record<string, string | string[] | boolean>) => {
        const params = new URLSearchParams({ start: `now-${String(o.since)}`, end: 'now', limit: String(o.limit) });
        for (const s of o.service as string[]) params.append('service', s);
        for (const a of o.attr as string[]) params.append('attr', a);
        if (typeof o.severity === 'string') params.set('severity', o.severity);
        if (typeof o.text === 'string') params.set('q', o.text);
        if (typeof o.traceId === 'string') params.set('traceId', o.traceId);
        const body = await callApi(String(o.server), `/pharos/v1/logs?${params}`);
        const logs = body.logs as Array<Record<string, unknown>>;
        output(o.json === true, body, () =>
          formatTable(
            ['TIME', 'SERVICE', 'SEVERITY', 'TRACE ID', 'BODY'],
            logs.map((l) => [
              nanosToIso(l.timeUnixNano !== '0' ? l.timeUnixNano : l.observedTimeUnixNano),
              String(l.serviceName),
              String(l.severityText || l.severityNumber),
              String(l.traceId ?? ''),
              anyValueText(l.body),
            ]),
          ),
        );
      }),
  );

  query.addCommand(
    withServer(new Command('metrics').description('list metric names, or the points of one metric'))
      .argument('[metric]', 'metric name; without it, list the metrics')
      .option('-m, --match <expr>', 'label condition, e.g. service.name=payment (repeatable)', collect, [])
      .option('--since <d>', 'how far back', '1h')
      .option('-l, --limit <n>', 'most points', '100')
      .action(async (metric: string | undefined, o: Record<string, string | string[] | boolean>) => {
        const params = new URLSearchParams({ start: `now-${String(o.since)}`, end: 'now' });
        if (metric === undefined) {
          const body = await callApi(String(o.server), `/pharos/v1/metrics?${params}`);
          const metrics = body.metrics as Array<Record<string, string>>;
          output(o.json === true, body, () => formatTable(['METRIC', 'TYPE', 'UNIT', 'DESCRIPTION'], metrics.map((m) => [m.name, m.type, m.unit, m.description])));
          return;
        }
        params.set('metric', metric);
        params.set('limit', String(o.limit));
        for (const m of o.match as string[]) params.append('match', m);
        const body = await callApi(String(o.server), `/pharos/v1/metrics/points?${params}`);
        const points = body.points as Array<Record<string, unknown>>;
        output(o.json === true, body, () =>
          formatTable(
            ['TIME', 'LABELS', 'VALUE'],
            points.map((p) => [
              nanosToIso(p.timeUnixNano),
              Object.entries((p.labels ?? {}) as Record<string, string>)
                .map(([k, v]) => `${k}=${v}`)
                .join(','),
              p.value !== undefined ? String(p.value) : `count=${String(p.count)} sum=${String(p.sum ?? '')}`,
            ]),
          ),
        );
      }),
  );
  return query;
}
