import {
  FAULT_DEFINITIONS,
  FAULT_NAMES,
  buildActiveFaults,
  bumpMinorVersion,
  describeFaultSetting,
  parseFaultName,
  parseFaultValue,
  type ActiveFaults,
  type FaultName,
  type FaultSetting,
} from '../faults/index.js';
import type { ShopProgressEvent } from './progress.js';
import type { SlowQueryLoop } from './slow-query-loop.js';

/*
 * The faults in force, their history, and carrying them out. Most faults are only told to the
 * services; three are carried out here: bad-deploy (a rollout of one service), cache-outage
 * (Redis stopped) and inventory-slow-query (a lock loop). Changes run one at a time, in order.
 */

/** A fault in force, as the control API shows it. */
export interface ActiveFaultView {
  /** The value as set, e.g. "0.3:1500". */
  value: string;
  /** ISO 8601 time it was set. */
  since: string;
  /** What it does, e.g. "30% of charges take 1.5 s longer". */
  effect: string;
}

/** One change of a fault. */
export interface FaultHistoryEntry {
  name: FaultName;
  /** The value set, or the value that was cleared. */
  value: string;
  /** ISO 8601 time of the change. */
  at: string;
  action: 'set' | 'cleared';
}

/** The ground truth: what is in force, what changed when, and what could be set. */
export interface FaultsView {
  active: Partial<Record<FaultName, ActiveFaultView>>;
  history: FaultHistoryEntry[];
  available: Array<{ name: FaultName; syntax: string; description: string }>;
}

/** What carrying out faults needs from the rest of the shop. */
export interface FaultEffects {
  serviceNames: readonly string[];
  broadcast(faults: ActiveFaults): void;
  /** Rolls service `service` to `version`; the new process is told `faults` before it serves. */
  deploy(service: string, version: string, faults: ActiveFaults): Promise<void>;
  /** The version `service` was released as at start-up. */
  readBaseVersion(service: string): string;
  startSlowQuery(holdMs: number): SlowQueryLoop;
  stopCache(): Promise<void>;
  startCache(): Promise<void>;
  emit(event: Omit<ShopProgressEvent, 'at'>): void;
}

interface ActiveFault {
  setting: FaultSetting;
  value: string;
  sinceMs: number;
}

const maxHistoryEntries = 1_000;

/** The faults of one shop. */
export class FaultRuntime {
  private readonly effects: FaultEffects;
  private readonly active = new Map<FaultName, ActiveFault>();
  private readonly history: FaultHistoryEntry[] = [];
  private badDeployVersion: string | undefined;
  private slowQuery: SlowQueryLoop | undefined;
  private queue: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(effects: FaultEffects) {
    this.effects = effects;
  }

  /**
   * Validates `value` for fault `name` and returns the setting (undefined when it clears), or
   * throws a FaultValueError. Changes nothing.
   */
  parse(name: string, value: string | undefined): { name: FaultName; setting: FaultSetting | undefined } {
    const faultName = parseFaultName(name);
    return { name: faultName, setting: parseFaultValue(faultName, value, this.effects.serviceNames) };
  }

  /**
   * Sets fault `name` to `value` (a clearing value such as `off` clears it) and resolves once it
   * is in force, with the new view. Throws a FaultValueError for a bad name or value (nothing
   * changed), or the error of carrying it out (e.g. a rollout whose new release did not start).
   */
  set(name: string, value: string | undefined): Promise<FaultsView> {
    const parsed = this.parse(name, value);
    return this.enqueue(() => this.apply(parsed.name, parsed.setting, (value ?? '').trim()));
  }

  /** Clears fault `name` (no change when it is not active). Throws a FaultValueError for an unknown name. */
  clear(name: string): Promise<FaultsView> {
    const faultName = parseFaultName(name);
    return this.enqueue(() => this.apply(faultName, undefined, ''));
  }

  /** Clears every active fault. */
  clearAll(): Promise<FaultsView> {
    return this.enqueue(async () => {
      for (const name of [...this.active.keys()]) await this.apply(name, undefined, '');
    });
  }

  /** What the services are told now. */
  readActiveFaults(): ActiveFaults {
    return buildActiveFaults(
      [...this.active.values()].map((fault) => fault.setting),
      this.badDeployVersion,
    );
  }

  /** The ground truth as the control API shows it. */
  readView(): FaultsView {
    const active: FaultsView['active'] = {};
    for (const name of FAULT_NAMES) {
      const fault = this.active.get(name);
      if (fault) active[name] = { value: fault.value, since: new Date(fault.sinceMs).toISOString(), effect: describeFaultSetting(fault.setting) };
    }
    return {
      active,
      history: [...this.history],
      available: FAULT_DEFINITIONS.map(({ name, syntax, description }) => ({ name, syntax, description })),
    };
  }

  /**
   * Ends what the runtime runs itself (the lock loop) and refuses further changes. Redis and
   * services are left to the shop's own stop. Idempotent.
   */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.queue;
    await this.slowQuery?.stop();
    this.slowQuery = undefined;
  }

  private enqueue(work: () => Promise<void>): Promise<FaultsView> {
    if (this.stopped) return Promise.reject(new Error('the shop is stopping; faults can no longer change'));
    const result = this.queue.then(async () => {
      if (this.stopped) throw new Error('the shop is stopping; faults can no longer change');
      await work();
      return this.readView();
    });
    this.queue = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }

  private async apply(name: FaultName, setting: FaultSetting | undefined, value: string): Promise<void> {
    const previous = this.active.get(name);
    if (!setting && !previous) return;
    if (setting && previous && JSON.stringify(setting) === JSON.stringify(previous.setting)) return;

    switch (name) {
      case 'bad-deploy':
        await this.applyBadDeploy(previous, setting, value);
        return; // records and broadcasts as it goes
      case 'inventory-slow-query':
        await this.slowQuery?.stop();
        this.slowQuery = setting?.name === 'inventory-slow-query' ? this.effects.startSlowQuery(setting.holdMs) : undefined;
        break;
      case 'cache-outage':
        if (setting && !previous) await this.effects.stopCache();
        if (!setting && previous) await this.effects.startCache();
        break;
      default:
        break;
    }
    this.commit(name, setting, value, previous);
  }

  private async applyBadDeploy(previous: ActiveFault | undefined, setting: FaultSetting | undefined, value: string): Promise<void> {
    if (previous?.setting.name === 'bad-deploy') {
      const service = previous.setting.service;
      // The rolled-back process must not hear of the bad release at all, so it is told the faults without it.
      const faults = buildActiveFaults([...this.active.values()].filter((fault) => fault.setting.name !== 'bad-deploy').map((fault) => fault.setting));
      await this.effects.deploy(service, this.effects.readBaseVersion(service), faults);
      this.badDeployVersion = undefined;
      this.commit('bad-deploy', undefined, '', previous);
    }
    if (setting?.name === 'bad-deploy') {
      const version = bumpMinorVersion(this.effects.readBaseVersion(setting.service));
      const others = [...this.active.values()].map((fault) => fault.setting).filter((other) => other.name !== 'bad-deploy');
      // Only the new process learns of the bad release before it serves: the old one keeps serving as it was until stopped.
      await this.effects.deploy(setting.service, version, buildActiveFaults([...others, setting], version));
      this.badDeployVersion = version;
      this.commit('bad-deploy', setting, value, undefined);
    }
  }

  private commit(name: FaultName, setting: FaultSetting | undefined, value: string, previous: ActiveFault | undefined): void {
    const nowMs = Date.now();
    if (setting) {
      this.active.set(name, { setting, value, sinceMs: nowMs });
      this.record({ name, value, at: new Date(nowMs).toISOString(), action: 'set' });
      this.effects.emit({ kind: 'fault', component: 'faults', message: `${name}=${value}: ${describeFaultSetting(setting)}` });
    } else {
      this.active.delete(name);
      this.record({ name, value: previous?.value ?? '', at: new Date(nowMs).toISOString(), action: 'cleared' });
      this.effects.emit({ kind: 'fault', component: 'faults', message: `${name} cleared` });
    }
    this.effects.broadcast(this.readActiveFaults());
  }

  private record(entry: FaultHistoryEntry): void {
    this.history.push(entry);
    if (this.history.length > maxHistoryEntries) this.history.splice(0, this.history.length - maxHistoryEntries);
  }
}
