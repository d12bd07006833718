import { afterAll, describe, expect, it } from 'vitest';
import { killAllSpawned, signalGroup, spawnProcess, withTimeout, type SpawnedProcess } from '../helpers/pharos-process.js';
import { freePort } from '../helpers/server-process.js';

/*
 * `npm run demo` is `node demo/dist/cli.js up`: the command a newcomer runs. It must bring the
 * shop up, take faults from the `fault` command, and on Ctrl-C (SIGINT to its process group,
 * as a terminal sends it) stop everything it started, leaving no process behind.
 */

const CLI = 'demo/dist/cli.js';

interface StatusJson {
  services: { name: string; pid: number | undefined; state: string }[];
  infrastructure: { name: string; pid: number | undefined }[];
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitForOutput(proc: SpawnedProcess, text: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!proc.output().includes(text)) {
    if (Date.now() > deadline) throw new Error(`no "${text}" after ${timeoutMs} ms:\n${proc.output()}`);
    if (proc.child.exitCode !== null) throw new Error(`the CLI exited (${proc.child.exitCode}):\n${proc.output()}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

afterAll(async () => {
  await killAllSpawned();
}, 30_000);

describe('node demo/dist/cli.js up', () => {
  it('starts the shop, takes a fault from the fault command, and Ctrl-C leaves no process behind', async () => {
    const [frontend, control, http, otlpHttp, otlpGrpc] = await Promise.all([freePort(), freePort(), freePort(), freePort(), freePort()]);
    const controlUrl = `http://127.0.0.1:${control}`;
    const up = spawnProcess(process.execPath, [
      CLI,
      'up',
      '--rate',
      '2',
      '--frontend-port',
      String(frontend),
      '--control-port',
      String(control),
      '--pharos-http-port',
      String(http),
      '--pharos-otlp-http-port',
      String(otlpHttp),
      '--pharos-otlp-grpc-port',
      String(otlpGrpc),
    ]);
    await waitForOutput(up, 'The Pharos demo shop is up', 90_000);
    expect(up.output()).toContain(`http://localhost:${frontend}`);
    expect(up.output()).toContain(`http://localhost:${http}`);

    const status = (await (await fetch(`${controlUrl}/status`)).json()) as StatusJson;
    const pids = [...status.services, ...status.infrastructure].map((p) => p.pid).filter((pid): pid is number => pid !== undefined);
    expect(status.services.map((s) => s.name).sort()).toEqual(['cart', 'catalog', 'frontend', 'inventory', 'order', 'payment', 'shipping']);
    expect(status.services.every((s) => s.state === 'up')).toBe(true);
    expect(pids.length).toBeGreaterThanOrEqual(status.services.length + 4); // + postgres, redis, rabbitmq, pharos
    expect(pids.every(isAlive)).toBe(true);

    // The shop is served, and the fault command reaches the control API.
    expect((await fetch(`http://127.0.0.1:${frontend}/api/products`)).status).toBe(200);
    const fault = spawnProcess(process.execPath, [CLI, 'fault', 'payment-failures=0.3:amex', '--control', controlUrl]);
    expect((await withTimeout(fault.closed, 15_000, 'fault command')).code).toBe(0);
    const faults = (await (await fetch(`${controlUrl}/faults`)).json()) as { active: Record<string, { value: string }> };
    expect(faults.active['payment-failures']?.value).toBe('0.3:amex');
    const bad = spawnProcess(process.execPath, [CLI, 'fault', 'payment-failures=2', '--control', controlUrl]);
    const badExit = await withTimeout(bad.closed, 15_000, 'bad fault command');
    expect(badExit.code).toBe(1);
    expect(bad.stderr()).toMatch(/payment-failures=2/);

    signalGroup(up, 'SIGINT');
    const exit = await withTimeout(up.closed, 45_000, 'the shop to stop on SIGINT');
    expect(exit, up.output()).toEqual({ code: 0, signal: null });
    const survivors = pids.filter(isAlive);
    expect(survivors, `still running: ${survivors.join(', ')}`).toEqual([]);
  }, 150_000);
});
