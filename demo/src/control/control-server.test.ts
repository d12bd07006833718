import { afterEach, describe, expect, it } from 'vitest';
import { FAULT_DEFINITIONS, FaultValueError, parseFaultName, parseFaultValue } from '../faults/index.js';
import type { FaultsView } from '../launcher/fault-runtime.js';
import { requestControl, ControlApiError } from './control-client.js';
import { startControlServer, type ControlServer, type ControlTarget } from './control-server.js';

function createFakeTarget(): ControlTarget & { calls: string[] } {
  const active: FaultsView['active'] = {};
  const calls: string[] = [];
  const view = (): FaultsView => ({
    active: { ...active },
    history: [],
    available: FAULT_DEFINITIONS.map(({ name, syntax, description }) => ({ name, syntax, description })),
  });
  return {
    calls,
    readFaults: view,
    setFault: async (name, value) => {
      calls.push(`set ${name}=${value}`);
      const faultName = parseFaultName(name);
      const setting = parseFaultValue(faultName, value, ['cart', 'catalog']);
      if (setting) active[faultName] = { value, since: '2026-01-01T00:00:00.000Z', effect: 'x' };
      else delete active[faultName];
      return view();
    },
    clearFault: async (name) => {
      calls.push(`clear ${name}`);
      delete active[parseFaultName(name)];
      return view();
    },
    clearAllFaults: async () => {
      calls.push('clear all');
      for (const name of Object.keys(active)) delete active[name as keyof typeof active];
      return view();
    },
    readStatus: () => ({ services: [] }),
    setLoadRate: (rate) => {
      calls.push(`rate ${rate}`);
    },
  };
}

describe('the control API', () => {
  let server: ControlServer | undefined;

  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  async function start(): Promise<{ url: string; target: ReturnType<typeof createFakeTarget> }> {
    const target = createFakeTarget();
    server = await startControlServer(0, target);
    return { url: server.url, target };
  }

  it('sets a fault from a JSON body and shows it', async () => {
    const { url, target } = await start();
    const answer = (await requestControl(url, 'PUT', '/faults/payment-failures', { value: '0.3' })) as FaultsView;
    expect(answer.active['payment-failures']?.value).toBe('0.3');
    expect(target.calls).toEqual(['set payment-failures=0.3']);
    const view = (await requestControl(url, 'GET', '/faults')) as FaultsView;
    expect(Object.keys(view.active)).toEqual(['payment-failures']);
    expect(view.available.map((fault) => fault.name)).toContain('cache-outage');
  });

  it('accepts a text/plain value and a JSON number', async () => {
    const { url, target } = await start();
    const text = await fetch(`${url}/faults/cpu-hog`, { method: 'PUT', headers: { 'content-type': 'text/plain' }, body: '0.5:100\n' });
    expect(text.status).toBe(200);
    const number = await fetch(`${url}/faults/payment-latency`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: '{"value":0.25}' });
    expect(number.status).toBe(200);
    expect(target.calls).toEqual(['set cpu-hog=0.5:100', 'set payment-latency=0.25']);
  });

  it('answers 400 with the reason for a bad name or value', async () => {
    const { url } = await start();
    await expect(requestControl(url, 'PUT', '/faults/payment-failures', { value: '3' })).rejects.toThrow(/share must be above 0 and at most 1/);
    const response = await fetch(`${url}/faults/disk-full`, { method: 'PUT', body: '{"value":"on"}' });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: { code: 'bad_fault', message: expect.stringMatching(/unknown fault "disk-full"/) } });
    const notJson = await fetch(`${url}/faults/cpu-hog`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: '{"value":' });
    expect(notJson.status).toBe(400);
  });

  it('clears one fault or all of them', async () => {
    const { url, target } = await start();
    await requestControl(url, 'PUT', '/faults/cpu-hog', { value: '0.5' });
    await requestControl(url, 'PUT', '/faults/cache-outage', { value: 'on' });
    const afterOne = (await requestControl(url, 'DELETE', '/faults/cpu-hog')) as FaultsView;
    expect(Object.keys(afterOne.active)).toEqual(['cache-outage']);
    const afterAll = (await requestControl(url, 'DELETE', '/faults')) as FaultsView;
    expect(afterAll.active).toEqual({});
    expect(target.calls.slice(-2)).toEqual(['clear cpu-hog', 'clear all']);
  });

  it('limits the body size, routes and methods', async () => {
    const { url } = await start();
    const large = await fetch(`${url}/faults/cpu-hog`, { method: 'PUT', body: 'x'.repeat(64 * 1024) });
    expect(large.status).toBe(413);
    expect((await fetch(`${url}/nowhere`)).status).toBe(404);
    expect((await fetch(`${url}/status`, { method: 'DELETE' })).status).toBe(405);
    expect(await (await fetch(`${url}/status`)).json()).toEqual({ services: [] });
  });

  it('changes the load rate', async () => {
    const { url, target } = await start();
    expect((await fetch(`${url}/load`, { method: 'PUT', body: '{"journeysPerSecond":8}' })).status).toBe(200);
    expect((await fetch(`${url}/load`, { method: 'PUT', body: '{"journeysPerSecond":-1}' })).status).toBe(400);
    expect(target.calls).toEqual(['rate 8']);
  });

  it('tells a client when no shop runs', async () => {
    await expect(requestControl('http://127.0.0.1:9', 'GET', '/faults')).rejects.toThrow(ControlApiError);
    await expect(requestControl('http://127.0.0.1:9', 'GET', '/faults')).rejects.toThrow(/is the shop running/);
  });

  it('keeps FaultValueError distinct for the CLI', () => {
    expect(new FaultValueError('x')).toBeInstanceOf(Error);
  });
});
