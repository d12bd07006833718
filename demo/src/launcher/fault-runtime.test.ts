import { describe, expect, it } from 'vitest';
import type { ActiveFaults } from '../faults/index.js';
import { FaultRuntime, type FaultEffects } from './fault-runtime.js';

function createFakeEffects(): FaultEffects & { log: string[]; broadcasts: ActiveFaults[] } {
  const log: string[] = [];
  const broadcasts: ActiveFaults[] = [];
  const versions: Record<string, string> = { catalog: '1.8.2', payment: '3.2.0', frontend: '4.6.1' };
  return {
    log,
    broadcasts,
    serviceNames: Object.keys(versions),
    broadcast: (faults) => {
      broadcasts.push(faults);
    },
    deploy: async (service, version, faults) => {
      log.push(`deploy ${service} ${version} told ${JSON.stringify(faults.badDeploy ?? null)}`);
    },
    readBaseVersion: (service) => versions[service],
    startSlowQuery: (holdMs) => {
      log.push(`lock loop ${holdMs}`);
      return { stop: async () => void log.push('lock loop stopped') };
    },
    stopCache: async () => void log.push('redis stopped'),
    startCache: async () => void log.push('redis started'),
    emit: () => undefined,
  };
}

describe('FaultRuntime', () => {
  it('tells the services what is in force and records the history', async () => {
    const effects = createFakeEffects();
    const runtime = new FaultRuntime(effects);
    await runtime.set('payment-failures', '0.2:amex');
    await runtime.set('payment-latency', '0.3');
    await runtime.set('payment-failures', 'off');
    expect(effects.broadcasts).toEqual([
      { paymentFailures: { share: 0.2, cardType: 'amex' } },
      { paymentFailures: { share: 0.2, cardType: 'amex' }, paymentLatency: { share: 0.3, extraMs: 1500 } },
      { paymentLatency: { share: 0.3, extraMs: 1500 } },
    ]);
    const view = runtime.readView();
    expect(Object.keys(view.active)).toEqual(['payment-latency']);
    expect(view.active['payment-latency']).toMatchObject({ value: '0.3', effect: '30% of charges take 1.5 s longer' });
    expect(view.history.map(({ name, value, action }) => `${action} ${name}=${value}`)).toEqual([
      'set payment-failures=0.2:amex',
      'set payment-latency=0.3',
      'cleared payment-failures=0.2:amex',
    ]);
  });

  it('refuses bad values before changing anything', async () => {
    const effects = createFakeEffects();
    const runtime = new FaultRuntime(effects);
    expect(() => runtime.set('payment-failures', '7')).toThrow(/at most 1/);
    expect(() => runtime.set('memory-leak', 'warehouse')).toThrow(/unknown service "warehouse"/);
    expect(() => runtime.clear('nonsense')).toThrow(/unknown fault/);
    expect(effects.broadcasts).toEqual([]);
    expect(runtime.readView().history).toEqual([]);
  });

  it('ignores a change to the value already in force, and clearing what is not set', async () => {
    const effects = createFakeEffects();
    const runtime = new FaultRuntime(effects);
    await runtime.set('cpu-hog', '0.5');
    await runtime.set('cpu-hog', '50%');
    await runtime.clear('cache-outage');
    expect(runtime.readView().history).toHaveLength(1);
  });

  it('rolls a bad release out and back, one service at a time', async () => {
    const effects = createFakeEffects();
    const runtime = new FaultRuntime(effects);
    await runtime.set('payment-latency', '0.3');
    await runtime.set('bad-deploy', 'catalog');
    expect(runtime.readActiveFaults().badDeploy).toEqual({ service: 'catalog', version: '1.9.0', errorShare: 0.3 });
    await runtime.set('bad-deploy', 'payment');
    await runtime.set('bad-deploy', 'off');
    expect(effects.log).toEqual([
      'deploy catalog 1.9.0 told {"service":"catalog","version":"1.9.0","errorShare":0.3}',
      'deploy catalog 1.8.2 told null',
      'deploy payment 3.3.0 told {"service":"payment","version":"3.3.0","errorShare":0.3}',
      'deploy payment 3.2.0 told null',
    ]);
    expect(runtime.readActiveFaults()).toEqual({ paymentLatency: { share: 0.3, extraMs: 1500 } });
  });

  it('keeps the state when a rollout fails', async () => {
    const effects = createFakeEffects();
    effects.deploy = async () => {
      throw new Error('catalog: did not report ready within 30 s');
    };
    const runtime = new FaultRuntime(effects);
    await expect(runtime.set('bad-deploy', 'catalog')).rejects.toThrow(/did not report ready/);
    expect(runtime.readView().active).toEqual({});
    expect(runtime.readActiveFaults()).toEqual({});
  });

  it('carries out the cache outage and the lock loop itself', async () => {
    const effects = createFakeEffects();
    const runtime = new FaultRuntime(effects);
    await runtime.set('cache-outage', 'on');
    await runtime.set('inventory-slow-query', 'on');
    await runtime.set('inventory-slow-query', '2s');
    const view = await runtime.clearAll();
    expect(view.active).toEqual({});
    expect(effects.log).toEqual(['redis stopped', 'lock loop 1200', 'lock loop stopped', 'lock loop 2000', 'redis started', 'lock loop stopped']);
    // Neither reaches the services: they see only the symptoms.
    expect(effects.broadcasts.every((faults) => Object.keys(faults).length === 0)).toBe(true);
  });

  it('refuses changes once stopped', async () => {
    const effects = createFakeEffects();
    const runtime = new FaultRuntime(effects);
    await runtime.set('inventory-slow-query', 'on');
    await runtime.stop();
    expect(effects.log).toEqual(['lock loop 1200', 'lock loop stopped']);
    await expect(runtime.set('cpu-hog', '0.5')).rejects.toThrow(/stopping/);
  });
});
