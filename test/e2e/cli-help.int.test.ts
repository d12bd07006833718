import { afterEach, describe, expect, it } from 'vitest';
import { killAllSpawned, runCli } from '../helpers/pharos-process.js';

/** Every `pharos serve` flag the README documents, with its environment variable. */
const SERVE_FLAGS: Array<[flag: string, env: string]> = [
  ['--data-dir', 'PHAROS_DATA_DIR'],
  ['--host', 'PHAROS_HOST'],
  ['--http-port', 'PHAROS_HTTP_PORT'],
  ['--otlp-http-port', 'PHAROS_OTLP_HTTP_PORT'],
  ['--otlp-grpc-port', 'PHAROS_OTLP_GRPC_PORT'],
  ['--retention', 'PHAROS_RETENTION'],
  ['--max-body-bytes', 'PHAROS_MAX_BODY_BYTES'],
  ['--max-queued-items', 'PHAROS_MAX_QUEUED_ITEMS'],
  ['--query-timeout', 'PHAROS_QUERY_TIMEOUT'],
  ['--max-query-limit', 'PHAROS_MAX_QUERY_LIMIT'],
  ['--log-level', 'PHAROS_LOG_LEVEL'],
];

/**
 * The help text with line wrapping undone, split into one entry per option: commander wraps
 * descriptions at 80 columns, so an option's `[env …]` may sit on the next line.
 */
function optionEntries(help: string): Map<string, string> {
  const entries = new Map<string, string>();
  let current: string | undefined;
  for (const line of help.split('\n')) {
    const option = /^\s{2}(?:-\w, )?(--[a-z-]+)/.exec(line);
    if (option !== null) {
      current = option[1];
      entries.set(current, line.trim());
    } else if (current !== undefined && /^\s{4,}\S/.test(line)) {
      entries.set(current, `${entries.get(current) ?? ''} ${line.trim()}`);
    } else {
      current = undefined;
    }
  }
  return entries;
}

function expectEveryServeFlagWithItsEnv(help: string): void {
  const entries = optionEntries(help);
  const missing = SERVE_FLAGS.filter(([flag, env]) => !(entries.get(flag) ?? '').includes(env)).map(([flag, env]) => `${flag} (${env})`);
  expect(missing, help).toEqual([]);
  expect(entries.get('--config')).toMatch(/PHAROS_CONFIG/);
}

describe('pharos --help', () => {
  afterEach(killAllSpawned);

  it('pharos serve --help lists every flag with its PHAROS_* variable', async () => {
    const result = await runCli(['serve', '--help']);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toMatch(/^Usage: pharos serve \[options\]/);
    expectEveryServeFlagWithItsEnv(result.stdout);
    // Each flag takes a value.
    for (const [flag] of SERVE_FLAGS) expect(optionEntries(result.stdout).get(flag)).toMatch(new RegExp(`^${flag} <value>`));
  });

  it('pharos help serve prints the same help', async () => {
    const [viaHelp, viaFlag] = [await runCli(['help', 'serve']), await runCli(['serve', '--help'])];
    expect(viaHelp.code).toBe(0);
    expect(viaHelp.stdout).toBe(viaFlag.stdout);
  });

  it('pharos --help lists the commands and, since serve is the default command, every serve flag with its PHAROS_* variable', async () => {
    const result = await runCli(['--help']);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    for (const command of ['serve', 'status', 'query']) expect(result.stdout).toMatch(new RegExp(`^\\s+${command}\\b`, 'm'));
    expectEveryServeFlagWithItsEnv(result.stdout);
  });

  it('pharos query traces|logs|metrics --help list their options, including --server with PHAROS_SERVER', async () => {
    const expected: Record<string, string[]> = {
      traces: ['--server', '--json', '--service', '--operation', '--attr', '--status', '--min-duration', '--max-duration', '--since', '--limit'],
      logs: ['--server', '--json', '--service', '--severity', '--text', '--attr', '--trace-id', '--since', '--limit'],
      metrics: ['--server', '--json', '--match', '--since', '--limit'],
    };
    for (const [command, flags] of Object.entries(expected)) {
      const result = await runCli(['query', command, '--help']);
      expect(result.code).toBe(0);
      const entries = optionEntries(result.stdout);
      expect(flags.filter((flag) => !entries.has(flag)), result.stdout).toEqual([]);
      expect(entries.get('--server')).toMatch(/PHAROS_SERVER/);
    }
    const status = await runCli(['status', '--help']);
    expect(optionEntries(status.stdout).get('--server')).toMatch(/PHAROS_SERVER/);
  });

  it('an unknown flag is refused with a non-zero exit', async () => {
    const result = await runCli(['serve', '--data-dri', '/tmp/never']);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/unknown option '--data-dri'/);
  });
});
