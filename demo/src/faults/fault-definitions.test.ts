import { describe, expect, it } from 'vitest';
import {
  FAULT_DEFINITIONS,
  FAULT_NAMES,
  FaultValueError,
  buildActiveFaults,
  bumpMinorVersion,
  parseFaultAssignment,
  parseFaultName,
  parseFaultValue,
  type FaultName,
  type FaultSetting,
} from './fault-definitions.js';

const services = ['frontend', 'catalog', 'inventory', 'cart', 'order', 'payment', 'shipping'];

describe('parseFaultValue', () => {
  const cases: Array<[FaultName, string, FaultSetting]> = [
    ['payment-latency', '0.3', { name: 'payment-latency', share: 0.3, extraMs: 1500 }],
    ['payment-latency', '30%:2s', { name: 'payment-latency', share: 0.3, extraMs: 2000 }],
    ['payment-latency', '1:800ms', { name: 'payment-latency', share: 1, extraMs: 800 }],
    ['payment-failures', '0.2', { name: 'payment-failures', share: 0.2 }],
    ['payment-failures', '0.2:AMEX', { name: 'payment-failures', share: 0.2, cardType: 'amex' }],
    ['payment-failures', '.5:any', { name: 'payment-failures', share: 0.5 }],
    ['cpu-hog', '0.5', { name: 'cpu-hog', share: 0.5, cpuMs: 250 }],
    ['cpu-hog', '0.5:100', { name: 'cpu-hog', share: 0.5, cpuMs: 100 }],
    ['memory-leak', 'cart', { name: 'memory-leak', service: 'cart', bytesPerRequest: 256 * 1024 }],
    ['memory-leak', 'cart:1MiB', { name: 'memory-leak', service: 'cart', bytesPerRequest: 1024 * 1024 }],
    ['memory-leak', 'order:4096', { name: 'memory-leak', service: 'order', bytesPerRequest: 4096 }],
    ['bad-deploy', 'Catalog', { name: 'bad-deploy', service: 'catalog' }],
    ['inventory-slow-query', 'on', { name: 'inventory-slow-query', holdMs: 1200 }],
    ['inventory-slow-query', '2500', { name: 'inventory-slow-query', holdMs: 2500 }],
    ['inventory-slow-query', '3s', { name: 'inventory-slow-query', holdMs: 3000 }],
    ['cache-outage', 'on', { name: 'cache-outage' }],
  ];
  it.each(cases)('%s=%s', (name, value, expected) => {
    expect(parseFaultValue(name, value, services)).toEqual(expected);
  });

  it.each(['off', 'OFF', '0', '', '  ', 'none', undefined])('clears with %j', (value) => {
    for (const name of FAULT_NAMES) expect(parseFaultValue(name, value, services)).toBeUndefined();
  });

  const bad: Array<[FaultName, string, RegExp]> = [
    ['payment-latency', '2', /share must be above 0 and at most 1/],
    ['payment-latency', 'lots', /expected a share/],
    ['payment-latency', '0.3:forever', /expected a duration/],
    ['payment-latency', '0.3:2h', /between/],
    ['payment-latency', '0.3:1:2', /too many/],
    ['payment-failures', '0.2:diners', /unknown card type "diners"; one of visa, mastercard, amex/],
    ['payment-failures', '-0.1', /share must be above 0/],
    ['payment-failures', '0:amex', /share must be above 0/],
    ['cpu-hog', '150%', /at most 1/],
    ['memory-leak', 'database', /unknown service "database"; one of frontend/],
    ['memory-leak', 'cart:lots', /expected a size/],
    ['memory-leak', 'cart:1GiB', /between 1 and 64 MiB/],
    ['bad-deploy', 'catalog:2.0.0', /only a service name/],
    ['inventory-slow-query', 'maybe', /expected a duration/],
    ['cache-outage', 'partial', /only value is "on"/],
  ];
  it.each(bad)('%s=%s is refused', (name, value, message) => {
    expect(() => parseFaultValue(name, value, services)).toThrow(FaultValueError);
    expect(() => parseFaultValue(name, value, services)).toThrow(message);
  });

  it('names the fault and its syntax in errors', () => {
    expect(() => parseFaultValue('payment-failures', 'x', services)).toThrow(
      /^payment-failures=x: .*\(syntax: payment-failures=SHARE\[:CARDTYPE\], or payment-failures=off\)$/,
    );
  });
});

describe('parseFaultName and parseFaultAssignment', () => {
  it('accepts known names in any case', () => {
    expect(parseFaultName(' Payment-Failures ')).toBe('payment-failures');
  });

  it('lists the known faults for an unknown name', () => {
    expect(() => parseFaultName('disk-full')).toThrow(/unknown fault "disk-full"; known faults: payment-latency, payment-failures/);
  });

  it('splits NAME=VALUE at the first =', () => {
    expect(parseFaultAssignment('payment-failures=0.3:visa', services)).toEqual({
      name: 'payment-failures',
      value: '0.3:visa',
      setting: { name: 'payment-failures', share: 0.3, cardType: 'visa' },
    });
    expect(parseFaultAssignment('cpu-hog=off', services)).toEqual({ name: 'cpu-hog', value: 'off', setting: undefined });
  });

  it('refuses an assignment without =', () => {
    expect(() => parseFaultAssignment('payment-failures', services)).toThrow(/expected NAME=VALUE/);
  });
});

describe('buildActiveFaults', () => {
  it('maps settings to what the services are told', () => {
    const settings: FaultSetting[] = [
      { name: 'payment-latency', share: 0.3, extraMs: 1500 },
      { name: 'payment-failures', share: 0.2, cardType: 'amex' },
      { name: 'cpu-hog', share: 0.5, cpuMs: 250 },
      { name: 'memory-leak', service: 'cart', bytesPerRequest: 1024 },
      { name: 'bad-deploy', service: 'catalog' },
      { name: 'inventory-slow-query', holdMs: 1200 },
      { name: 'cache-outage' },
    ];
    expect(buildActiveFaults(settings, '1.9.0')).toEqual({
      paymentLatency: { share: 0.3, extraMs: 1500 },
      paymentFailures: { share: 0.2, cardType: 'amex' },
      cpuHog: { share: 0.5, cpuMs: 250 },
      memoryLeak: { service: 'cart', bytesPerRequest: 1024 },
      badDeploy: { service: 'catalog', version: '1.9.0', errorShare: 0.3 },
    });
  });

  it('tells nothing of a bad deploy before it was rolled out', () => {
    expect(buildActiveFaults([{ name: 'bad-deploy', service: 'catalog' }])).toEqual({});
  });

  it('leaves cardType out when every card fails', () => {
    expect(buildActiveFaults([{ name: 'payment-failures', share: 0.2 }]).paymentFailures).toStrictEqual({ share: 0.2 });
  });
});

describe('bumpMinorVersion', () => {
  it.each([
    ['1.8.2', '1.9.0'],
    ['3.2.0', '3.3.0'],
    ['0.9.13', '0.10.0'],
    ['2024.1', '2024.1-next'],
  ])('%s → %s', (version, next) => {
    expect(bumpMinorVersion(version)).toBe(next);
  });
});

describe('FAULT_DEFINITIONS', () => {
  it('describes every fault once, with an example that parses', () => {
    expect(FAULT_DEFINITIONS.map((definition) => definition.name)).toEqual([...FAULT_NAMES]);
    for (const definition of FAULT_DEFINITIONS) {
      expect(parseFaultValue(definition.name, definition.example, services)).toBeDefined();
    }
  });
});
