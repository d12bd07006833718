import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { spawnSupervised } from './supervisor.js';

const dir = mkdtempSync(join(tmpdir(), 'supervisor-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// A killed orphan stays a zombie until init reaps it: only a process that still runs counts.
function isRunning(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

function listGroup(pgid: number): number[] {
  try {
    return execFileSync('pgrep', ['-g', String(pgid)], { encoding: 'utf8' })
      .split('\n')
      .filter(Boolean)
      .map(Number)
      .filter(isRunning);
  } catch {
    return [];
  }
}

describe('SupervisedProcess', () => {
  it('captures output to the log file and the tail', async () => {
    const logFile = join(dir, 'echo.log');
    const child = spawnSupervised({ name: 'echo', command: 'sh', args: ['-c', 'echo one; echo two >&2; exit 3'], env: { PATH: process.env.PATH }, cwd: dir, logFile });
    const exit = await child.exited;
    expect(exit.code).toBe(3);
    expect(child.readLogTail()).toBe('one\ntwo');
    await new Promise((resolve) => setTimeout(resolve, 300));
    const log = readFileSync(logFile, 'utf8');
    expect(log).toContain('one\ntwo\n');
    expect(log).toMatch(/launcher: exited with code 3/);
  });

  it('stops the whole process group', async () => {
    const child = spawnSupervised({ name: 'group', command: 'sh', args: ['-c', 'sleep 60 & sleep 60 & wait'], env: { PATH: process.env.PATH }, cwd: dir, logFile: join(dir, 'group.log') });
    await new Promise((resolve) => setTimeout(resolve, 200));
    const members = listGroup(child.pid);
    expect(members.length).toBeGreaterThanOrEqual(3);
    await child.stop(2_000);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(members.filter(isRunning)).toEqual([]);
  });

  it('kills with SIGKILL after the grace period, and stop is idempotent', async () => {
    const child = spawnSupervised({ name: 'stubborn', command: 'sh', args: ['-c', "trap '' TERM; echo ready; while :; do sleep 0.05; done"], env: { PATH: process.env.PATH }, cwd: dir, logFile: join(dir, 'stubborn.log') });
    await new Promise((resolve) => setTimeout(resolve, 200));
    const startedAt = Date.now();
    const [first, second] = await Promise.all([child.stop(300), child.stop(300)]);
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(290);
    expect(first).toBe(second);
    expect(first.signal).toBe('SIGKILL');
    expect(listGroup(child.pid)).toEqual([]);
  });

  it('reports a program that cannot be started', async () => {
    const child = spawnSupervised({ name: 'missing', command: join(dir, 'no-such-program'), args: [], env: {}, cwd: dir, logFile: join(dir, 'missing.log') });
    const exit = await child.exited;
    expect(exit.error?.message).toMatch(/ENOENT/);
    await child.stop();
  });

  it('exchanges IPC messages with a Node child', async () => {
    const child = spawnSupervised({
      name: 'ipc',
      command: process.execPath,
      args: ['-e', "process.send({type:'ready'}); process.on('message', (m) => { process.send(m); process.exit(0); });"],
      env: {},
      cwd: dir,
      logFile: join(dir, 'ipc.log'),
      ipc: true,
    });
    const messages: unknown[] = [];
    child.onMessage((message) => messages.push(message));
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(child.send({ type: 'faults', faults: {} })).toBe(true);
    await child.exited;
    expect(messages).toEqual([{ type: 'ready' }, { type: 'faults', faults: {} }]);
  });
});
