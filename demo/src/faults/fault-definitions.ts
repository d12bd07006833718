import type { ActiveFaults } from './active-faults.js';
import { formatByteSize, formatDurationMs, parseByteSize, parseDurationMs, parseShare } from './parse-units.js';

/*
 * The faults an operator can switch on, how their values are written, and what each turns
 * into. This is the ground truth of the exercise; it is known to the launcher and the control
 * API only, and reaches the services as ActiveFaults over IPC, never through telemetry.
 */

/** Every fault name, in the order they are listed to people. */
export const FAULT_NAMES = [
  'payment-latency',
  'payment-failures',
  'cpu-hog',
  'memory-leak',
  'bad-deploy',
  'inventory-slow-query',
  'cache-outage',
] as const;

/** The name of one fault, e.g. `payment-failures`. */
export type FaultName = (typeof FAULT_NAMES)[number];

/** Card types the shop accepts; `payment-failures` can target one of them. */
export const CARD_TYPES = ['visa', 'mastercard', 'amex'] as const;

/** One accepted card type. */
export type CardType = (typeof CARD_TYPES)[number];

/** Share of requests a badly deployed release fails. */
export const BAD_DEPLOY_ERROR_SHARE = 0.3;

/** A fault as parsed from its value: what the launcher acts on. */
export type FaultSetting =
  | { name: 'payment-latency'; share: number; extraMs: number }
  | { name: 'payment-failures'; share: number; cardType?: CardType }
  | { name: 'cpu-hog'; share: number; cpuMs: number }
  | { name: 'memory-leak'; service: string; bytesPerRequest: number }
  | { name: 'bad-deploy'; service: string }
  | { name: 'inventory-slow-query'; holdMs: number }
  | { name: 'cache-outage' };

/** How a fault is written and what it does, for help texts and the control API. */
export interface FaultDefinition {
  name: FaultName;
  /** Value syntax, e.g. `SHARE[:MS]`. */
  syntax: string;
  description: string;
  /** A value to show in examples. */
  example: string;
}

/** Thrown for an unknown fault name or a malformed value; the message is meant for people. */
export class FaultValueError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FaultValueError';
  }
}

const defaultPaymentLatencyMs = 1_500;
const defaultCpuHogMs = 250;
const defaultLeakBytesPerRequest = 256 * 1024;
const defaultSlowQueryHoldMs = 1_200;

/** The definitions of every fault, in FAULT_NAMES order. */
export const FAULT_DEFINITIONS: readonly FaultDefinition[] = [
  {
    name: 'payment-latency',
    syntax: 'SHARE[:MS]',
    description: `payment: a share of charges take MS longer (default ${defaultPaymentLatencyMs} ms)`,
    example: '0.3:1500',
  },
  {
    name: 'payment-failures',
    syntax: 'SHARE[:CARDTYPE]',
    description: `payment: a share of charges fail, only for one card type (${CARD_TYPES.join(', ')}) when given`,
    example: '0.2:amex',
  },
  {
    name: 'cpu-hog',
    syntax: 'SHARE[:MS]',
    description: `catalog: a share of searches burn MS of CPU in the handler (default ${defaultCpuHogMs} ms)`,
    example: '0.5:250',
  },
  {
    name: 'memory-leak',
    syntax: 'SERVICE[:BYTES]',
    description: `SERVICE keeps BYTES of every request it serves forever (default ${formatByteSize(defaultLeakBytesPerRequest)})`,
    example: 'cart:256KiB',
  },
  {
    name: 'bad-deploy',
    syntax: 'SERVICE',
    description: `roll out a new release of SERVICE that fails ${BAD_DEPLOY_ERROR_SHARE * 100}% of its requests; clearing rolls back`,
    example: 'catalog',
  },
  {
    name: 'inventory-slow-query',
    syntax: 'on|MS',
    description: `inventory: the stock table is locked for MS at a time (default ${defaultSlowQueryHoldMs} ms), so reservations queue`,
    example: 'on',
  },
  {
    name: 'cache-outage',
    syntax: 'on',
    description: 'cart: the Redis cache goes down until cleared',
    example: 'on',
  },
];

const clearingValues = new Set(['', 'off', '0', 'false', 'no', 'none']);

/** True when `raw` is a value that clears a fault (`off`, `0`, empty, ...). */
export function isClearingValue(raw: string | undefined): boolean {
  return raw === undefined || clearingValues.has(raw.trim().toLowerCase());
}

/** Narrows `name` to a FaultName, or throws a FaultValueError listing the known names. */
export function parseFaultName(name: string): FaultName {
  const normalized = name.trim().toLowerCase();
  if ((FAULT_NAMES as readonly string[]).includes(normalized)) return normalized as FaultName;
  throw new FaultValueError(`unknown fault ${JSON.stringify(name)}; known faults: ${FAULT_NAMES.join(', ')}`);
}

/**
 * Parses the value of fault `name`. Returns undefined for a clearing value (`off`, `0`,
 * empty), else the setting. `serviceNames` are the services `memory-leak` and `bad-deploy`
 * may name. Throws a FaultValueError that names the fault and its syntax.
 */
export function parseFaultValue(name: FaultName, raw: string | undefined, serviceNames: readonly string[]): FaultSetting | undefined {
  if (isClearingValue(raw)) return undefined;
  const definition = FAULT_DEFINITIONS.find((candidate) => candidate.name === name);
  const text = (raw ?? '').trim();
  try {
    return parseSetting(name, text, serviceNames);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new FaultValueError(`${name}=${text}: ${reason} (syntax: ${name}=${definition?.syntax ?? '?'}, or ${name}=off)`);
  }
}

/**
 * Parses `NAME=VALUE` as written on the command line. Returns the fault name and the setting
 * (undefined when the value clears it). Throws a FaultValueError.
 */
export function parseFaultAssignment(assignment: string, serviceNames: readonly string[]): { name: FaultName; setting: FaultSetting | undefined; value: string } {
  const separator = assignment.indexOf('=');
  if (separator < 0) {
    throw new FaultValueError(`expected NAME=VALUE (e.g. payment-failures=0.3), got ${JSON.stringify(assignment)}`);
  }
  const name = parseFaultName(assignment.slice(0, separator));
  const value = assignment.slice(separator + 1).trim();
  return { name, setting: parseFaultValue(name, value, serviceNames), value };
}

function parseSetting(name: FaultName, text: string, serviceNames: readonly string[]): FaultSetting {
  const [first = '', second, ...rest] = text.split(':').map((part) => part.trim());
  if (rest.length > 0) throw new Error('too many ":"-separated parts');
  switch (name) {
    case 'payment-latency':
      return { name, share: parseShare(first), extraMs: parseBoundedMs(second, defaultPaymentLatencyMs, 1, 60_000) };
    case 'payment-failures': {
      const share = parseShare(first);
      if (second === undefined || second === '' || second === 'any') return { name, share };
      return { name, share, cardType: parseCardType(second) };
    }
    case 'cpu-hog':
      return { name, share: parseShare(first), cpuMs: parseBoundedMs(second, defaultCpuHogMs, 1, 10_000) };
    case 'memory-leak': {
      const service = parseServiceName(first, serviceNames);
      const bytesPerRequest = second === undefined || second === '' ? defaultLeakBytesPerRequest : parseByteSize(second);
      if (bytesPerRequest < 1 || bytesPerRequest > 64 * 1024 ** 2) throw new Error('BYTES must be between 1 and 64 MiB');
      return { name, service, bytesPerRequest };
    }
    case 'bad-deploy':
      if (second !== undefined) throw new Error('takes only a service name');
      return { name, service: parseServiceName(first, serviceNames) };
    case 'inventory-slow-query': {
      if (second !== undefined) throw new Error('takes "on" or a duration');
      const holdMs = ['on', 'true', 'yes'].includes(first.toLowerCase()) ? defaultSlowQueryHoldMs : parseBoundedMs(first, defaultSlowQueryHoldMs, 10, 60_000);
      return { name, holdMs };
    }
    case 'cache-outage':
      if (!['on', 'true', 'yes', '1'].includes(text.toLowerCase())) throw new Error('the only value is "on"');
      return { name };
  }
}

function parseBoundedMs(raw: string | undefined, fallbackMs: number, minMs: number, maxMs: number): number {
  if (raw === undefined || raw === '') return fallbackMs;
  const durationMs = parseDurationMs(raw);
  if (durationMs < minMs || durationMs > maxMs) {
    throw new Error(`the duration must be between ${formatDurationMs(minMs)} and ${formatDurationMs(maxMs)}`);
  }
  return durationMs;
}

function parseCardType(raw: string): CardType {
  const cardType = raw.toLowerCase();
  if ((CARD_TYPES as readonly string[]).includes(cardType)) return cardType as CardType;
  throw new Error(`unknown card type ${JSON.stringify(raw)}; one of ${CARD_TYPES.join(', ')}`);
}

function parseServiceName(raw: string, serviceNames: readonly string[]): string {
  const service = raw.toLowerCase();
  if (serviceNames.includes(service)) return service;
  throw new Error(`unknown service ${JSON.stringify(raw)}; one of ${serviceNames.join(', ')}`);
}

/**
 * Builds what the services are told from the settings in force. `badDeployVersion` is the
 * version the launcher rolled out for the `bad-deploy` service; without it no badDeploy is
 * sent (the rollout has not happened yet, or was rolled back). Faults the launcher carries
 * out itself (inventory-slow-query, cache-outage) have no counterpart here.
 */
export function buildActiveFaults(settings: Iterable<FaultSetting>, badDeployVersion?: string): ActiveFaults {
  const faults: ActiveFaults = {};
  for (const setting of settings) {
    switch (setting.name) {
      case 'payment-latency':
        faults.paymentLatency = { share: setting.share, extraMs: setting.extraMs };
        break;
      case 'payment-failures':
        faults.paymentFailures = setting.cardType ? { share: setting.share, cardType: setting.cardType } : { share: setting.share };
        break;
      case 'cpu-hog':
        faults.cpuHog = { share: setting.share, cpuMs: setting.cpuMs };
        break;
      case 'memory-leak':
        faults.memoryLeak = { service: setting.service, bytesPerRequest: setting.bytesPerRequest };
        break;
      case 'bad-deploy':
        if (badDeployVersion) faults.badDeploy = { service: setting.service, version: badDeployVersion, errorShare: BAD_DEPLOY_ERROR_SHARE };
        break;
      case 'inventory-slow-query':
      case 'cache-outage':
        break;
    }
  }
  return faults;
}

/** Describes a setting for people, e.g. "30% of charges +1.5 s". */
export function describeFaultSetting(setting: FaultSetting): string {
  switch (setting.name) {
    case 'payment-latency':
      return `${formatShare(setting.share)} of charges take ${formatDurationMs(setting.extraMs)} longer`;
    case 'payment-failures':
      return `${formatShare(setting.share)} of ${setting.cardType ?? 'all'} charges fail`;
    case 'cpu-hog':
      return `${formatShare(setting.share)} of catalog searches burn ${formatDurationMs(setting.cpuMs)} of CPU`;
    case 'memory-leak':
      return `${setting.service} keeps ${formatByteSize(setting.bytesPerRequest)} per request`;
    case 'bad-deploy':
      return `${setting.service} runs a release failing ${formatShare(BAD_DEPLOY_ERROR_SHARE)} of requests`;
    case 'inventory-slow-query':
      return `inventory's stock table is locked for ${formatDurationMs(setting.holdMs)} at a time`;
    case 'cache-outage':
      return 'Redis is down';
  }
}

/**
 * Returns the next minor version of a semantic version: "1.8.2" → "1.9.0". A version that is
 * not MAJOR.MINOR.PATCH gets "-next" appended.
 */
export function bumpMinorVersion(version: string): string {
  const match = /^(\d+)\.(\d+)\.(\d+)$/.exec(version);
  if (!match) return `${version}-next`;
  return `${match[1]}.${Number(match[2]) + 1}.0`;
}

function formatShare(share: number): string {
  return `${Math.round(share * 1000) / 10}%`;
}
