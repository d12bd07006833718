import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonTraceRequest } from '../helpers/otlp-json.js';
import { getJson, jsonLogsRequest, jsonMetricsRequest, jsonSpansRequest, postOtlpJson, utcDay, type StatusBody } from '../helpers/otlp-json-signals.js';
import { killAllSpawned, runCli, spawnPharos, startServer, stopServer, withTimeout, type CliResult, type RunningServer } from '../helpers/pharos-process.js';
import { freePort, tempDataDir } from '../helpers/server-process.js';

/** Splits a table printed by the CLI into rows of cells (columns are separated by two or more spaces). */
function tableRows(stdout: string): string[][] {
  return stdout
    .trimEnd()
    .split('\n')
    .map((line) => line.trim().split(/\s{2,}/));
}

/** The JSON a `--json` command printed. */
function parseJson<T>(result: CliResult): T {
  expect(result, result.stderr).toMatchObject({ code: 0 });
  return JSON.parse(result.stdout) as T;
}

describe('pharos CLI against a running server', () => {
  let server: RunningServer;
  let dataDir: string | undefined;
  let shopTrace: string;
  let errorTrace: string;
  const now = Date.now();
  const cli = (...args: string[]) => runCli([...args, '--server', server.apiUrl]);

  beforeAll(async () => {
    const dir = await tempDataDir('pharos-cli-');
    dataDir = dir;
    server = await startServer(dir, ['--log-level', 'warn']);
    // cli-shop: a 3-span trace, GET, status unset. cli-other: one POST span with an error status.
    const shop = jsonTraceRequest('cli-shop', 3, now - 60_000);
    shopTrace = shop.traceId;
    const failing = jsonSpansRequest('cli-other', [{ startMs: now - 30_000, name: 'POST /pay', statusCode: 2, durationMs: 250, attributes: { 'http.method': 'POST' } }]);
    errorTrace = failing.traceId;
    const logs = jsonLogsRequest('cli-shop', [
      { timeMs: now - 50_000, severityNumber: 17, severityText: 'ERROR', body: 'payment failed: Card Declined for order 42', traceId: shopTrace, attributes: { 'card.type': 'visa' } },
      { timeMs: now - 40_000, severityNumber: 9, severityText: 'INFO', body: 'card declined, retry scheduled' },
      { timeMs: now - 20_000, severityNumber: 17, severityText: 'ERROR', body: 'database timeout' },
    ]);
    const metrics = jsonMetricsRequest('cli-shop', [
      { name: 'cli.queue.depth', kind: 'gauge', unit: '{item}', description: 'items waiting', points: [{ timeMs: now - 10_000, value: 17n, attributes: { queue: 'orders' } }] },
      { name: 'cli.requests', kind: 'sum', unit: '1', description: 'requests served', points: [{ timeMs: now - 10_000, value: 1234n, attributes: { route: '/checkout' } }] },
    ]);
    const otherMetrics = jsonMetricsRequest('cli-other', [{ name: 'cli.queue.depth', kind: 'gauge', unit: '{item}', description: 'items waiting', points: [{ timeMs: now - 5_000, value: 99.5, attributes: { queue: 'refunds' } }] }]);
    for (const [signal, body] of [
      ['traces', shop.body],
      ['traces', failing.body],
      ['logs', logs],
      ['metrics', metrics],
      ['metrics', otherMetrics],
    ] as const) {
      const answer = await postOtlpJson(server.otlpHttpUrl, signal, body);
      expect(answer, answer.text).toMatchObject({ status: 200, json: {} });
    }
  });

  afterAll(async () => {
    if (server !== undefined) await stopServer(server).catch(() => undefined);
    await killAllSpawned();
    if (dataDir !== undefined) await rm(dataDir, { recursive: true, force: true });
  });

  it('status prints the version, counts, disk used and a table of partitions', async () => {
    const result = await cli('status');
    expect(result, result.stderr).toMatchObject({ code: 0, stderr: '' });
    const [title, counts, blank, ...table] = result.stdout.trimEnd().split('\n');
    const { version } = (await getJson<StatusBody>(server.apiUrl, '/pharos/v1/status')).body;
    expect(title).toBe(`Pharos ${version} at ${server.apiUrl}`);
    expect(counts).toMatch(/^spans: 4 {3}log records: 3 {3}metric points: 3 {3}disk: \d+(\.\d)? (B|KiB|MiB) \(\d+(\.\d)? (B|KiB|MiB) holding data\)$/);
    expect(blank).toBe('');
    const day = utcDay(now);
    expect(tableRows(table.join('\n'))).toEqual([
      ['SIGNAL', 'DAY', 'ROWS'],
      ['-------', '----------', '----'],
      ['logs', day, '3'],
      ['metrics', day, '3'],
      ['spans', day, '4'],
    ]);
  });

  it('status --json prints the API answer as parseable JSON', async () => {
    const body = parseJson<StatusBody>(await cli('status', '--json'));
    const direct = await getJson<StatusBody>(server.apiUrl, '/pharos/v1/status');
    expect(body.version).toBe(direct.body.version);
    expect(body.stats).toMatchObject({ spanCount: 4, logCount: 3, pointCount: 3 });
    expect(body.stats.diskBytes).toBeGreaterThan(0);
    expect(body.stats.usedBytes).toBeGreaterThan(0);
    expect(body.stats.partitions).toHaveLength(3);
  });

  it('takes the server from PHAROS_SERVER when --server is not given', async () => {
    const result = await runCli(['status', '--json'], { env: { PHAROS_SERVER: server.apiUrl } });
    expect(parseJson<StatusBody>(result).stats.spanCount).toBe(4);
  });

  it('query traces --service prints a table with the trace id, root, duration, span and error counts', async () => {
    const result = await cli('query', 'traces', '--service', 'cli-shop');
    expect(result, result.stderr).toMatchObject({ code: 0, stderr: '' });
    const rows = tableRows(result.stdout);
    expect(rows[0]).toEqual(['TRACE ID', 'START', 'ROOT', 'DURATION', 'SPANS', 'ERRORS', 'SERVICES']);
    expect(rows.slice(2)).toEqual([[shopTrace, new Date(now - 60_000).toISOString(), 'cli-shop: GET /checkout', '5.0 ms', '3', '0', 'cli-shop']]);
    expect(result.stdout).not.toContain(errorTrace);
  });

  it('query traces --json prints the search result as JSON', async () => {
    const body = parseJson<{ traces: Array<{ traceId: string; rootServiceName: string; spanCount: number }> }>(await cli('query', 'traces', '--json'));
    expect(body.traces.map((t) => t.traceId)).toEqual([errorTrace, shopTrace]);
    expect(body.traces[1]).toMatchObject({ rootServiceName: 'cli-shop', spanCount: 3 });
  });

  it('query traces --attr, --status and --since filter the search', async () => {
    const get = await cli('query', 'traces', '--attr', 'http.method=GET', '--status', 'unset', '--since', '1h');
    expect(get, get.stderr).toMatchObject({ code: 0 });
    expect(get.stdout).toContain(shopTrace);
    expect(get.stdout).not.toContain(errorTrace);

    const errors = await cli('query', 'traces', '--status', 'error', '--since', '1h');
    expect(errors.stdout).toContain(errorTrace);
    expect(errors.stdout).not.toContain(shopTrace);
    expect(tableRows(errors.stdout)[2]).toEqual([errorTrace, new Date(now - 30_000).toISOString(), 'cli-other: POST /pay', '250.0 ms', '1', '1', 'cli-other']);

    const slow = await cli('query', 'traces', '--min-duration', '100ms', '--attr', 'http.method=POST');
    expect(slow.stdout).toContain(errorTrace);
    expect(slow.stdout).not.toContain(shopTrace);

    // Both traces are older than 10 s.
    const recent = await cli('query', 'traces', '--since', '10s', '--json');
    expect(parseJson<{ traces: unknown[] }>(recent).traces).toEqual([]);

    const limited = await cli('query', 'traces', '--limit', '1', '--json');
    expect(parseJson<{ traces: Array<{ traceId: string }> }>(limited).traces.map((t) => t.traceId)).toEqual([errorTrace]);
  });

  it('query logs --severity error -q text finds the record sent over OTLP/JSON', async () => {
    const result = await cli('query', 'logs', '--severity', 'error', '-q', 'card declined');
    expect(result, result.stderr).toMatchObject({ code: 0, stderr: '' });
    const rows = tableRows(result.stdout);
    expect(rows[0]).toEqual(['TIME', 'SERVICE', 'SEVERITY', 'TRACE ID', 'BODY']);
    expect(rows.slice(2)).toEqual([[new Date(now - 50_000).toISOString(), 'cli-shop', 'ERROR', shopTrace, 'payment failed: Card Declined for order 42']]);

    const json = parseJson<{ logs: Array<{ body: { stringValue: string }; severityNumber: number; traceId: string }> }>(await cli('query', 'logs', '--severity', 'error', '--json'));
    expect(json.logs.map((l) => l.body.stringValue)).toEqual(['database timeout', 'payment failed: Card Declined for order 42']);

    const byTrace = await cli('query', 'logs', '--trace-id', shopTrace, '--attr', 'card.type=visa');
    expect(tableRows(byTrace.stdout)).toHaveLength(3);
  });

  it('query metrics lists the metrics sent over OTLP/JSON', async () => {
    const result = await cli('query', 'metrics');
    expect(result, result.stderr).toMatchObject({ code: 0, stderr: '' });
    const rows = tableRows(result.stdout);
    expect(rows[0]).toEqual(['METRIC', 'TYPE', 'UNIT', 'DESCRIPTION']);
    expect(rows.slice(2).sort()).toEqual([
      ['cli.queue.depth', 'gauge', '{item}', 'items waiting'],
      ['cli.requests', 'sum', '1', 'requests served'],
    ]);
  });

  it('query metrics <name> --match service.name=X prints that service\'s points', async () => {
    const result = await cli('query', 'metrics', 'cli.queue.depth', '--match', 'service.name=cli-shop');
    expect(result, result.stderr).toMatchObject({ code: 0, stderr: '' });
    const rows = tableRows(result.stdout);
    expect(rows[0]).toEqual(['TIME', 'LABELS', 'VALUE']);
    expect(rows.slice(2)).toHaveLength(1);
    const [time, labels, value] = rows[2];
    expect(time).toBe(new Date(now - 10_000).toISOString());
    expect(labels.split(',').sort()).toEqual(['queue=orders', 'service.name=cli-shop']);
    expect(value).toBe('17');

    const all = parseJson<{ points: Array<{ serviceName: string; value: number }> }>(await cli('query', 'metrics', 'cli.queue.depth', '--json'));
    expect(all.points.map((p) => [p.serviceName, p.value])).toEqual([
      ['cli-shop', 17],
      ['cli-other', 99.5],
    ]);
  });

  it.each([
    [['query', 'traces', '--limit', '-5'], /400 PHAROS_ERR_QUERY_INVALID Invalid parameter "limit": must be a whole number of at least 1, got "-5"/],
    [['query', 'traces', '--status', 'bogus'], /400 PHAROS_ERR_QUERY_INVALID Invalid parameter "status".*"bogus"/],
    [['query', 'logs', '--severity', 'loud'], /400 PHAROS_ERR_QUERY_INVALID Invalid parameter "severity".*"loud"/],
    [['query', 'metrics', 'cli.requests', '--match', 'x>abc'], /400 PHAROS_ERR_QUERY_INVALID Invalid parameter "match"/],
  ])('%j exits non-zero with the server\'s message on stderr', async (args, message) => {
    const result = await cli(...args);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^pharos: /);
    expect(result.stderr).toMatch(message);
    expect(result.stdout).toBe('');
  });

  it('exits 1 saying it cannot reach the server when none is running', async () => {
    const port = await freePort();
    for (const args of [['status'], ['query', 'traces'], ['query', 'metrics']]) {
      const result = await runCli([...args, '--server', `http://127.0.0.1:${port}`]);
      expect(result.code, `${args.join(' ')}: ${result.stderr}`).toBe(1);
      expect(result.stderr).toMatch(new RegExp(`cannot reach a Pharos server at http://127\\.0\\.0\\.1:${port}`));
      expect(result.stdout).toBe('');
    }
  });

  // Runs last: it adds a record the counts above do not expect.
  it('exits quietly when its output is cut short, as `pharos query logs --json | head` does', async () => {
    const big = jsonLogsRequest('cli-pipe', [{ timeMs: now - 1000, severityNumber: 9, severityText: 'INFO', body: `big ${'x'.repeat(300_000)}` }]);
    expect((await postOtlpJson(server.otlpHttpUrl, 'logs', big)).status).toBe(200);
    const proc = spawnPharos(['query', 'logs', '--service', 'cli-pipe', '--json', '--server', server.apiUrl]);
    // Like `head -c 100`: read the first chunk, then close the pipe.
    proc.child.stdout?.once('data', () => proc.child.stdout?.destroy());
    const result = await withTimeout(proc.closed, 20_000, 'pharos did not finish');
    expect(proc.stderr()).not.toMatch(/EPIPE|Unhandled 'error' event/);
    expect(result).toEqual({ code: 0, signal: null });
  });

  it('--version prints the version the server reports', async () => {
    const result = await runCli(['--version']);
    const status = await getJson<StatusBody>(server.apiUrl, '/pharos/v1/status');
    expect(result.stdout.trim()).toBe(status.body.version);
  });
});
