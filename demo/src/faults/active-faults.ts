/**
 * The faults the demo can switch on, as the services receive them over IPC.
 *
 * This is the ground truth of an incident: it lives in the launcher's control API and in
 * the services' memory, and never in telemetry. No span attribute, log line or metric may
 * name a fault; only its symptom shows.
 */
export interface ActiveFaults {
  /** payment: a share of charges take `extraMs` longer. */
  paymentLatency?: { share: number; extraMs: number };
  /** payment: a share of charges fail; only for `cardType` (visa, mastercard, amex) when set. */
  paymentFailures?: { share: number; cardType?: string };
  /** catalog: a share of search requests burn `cpuMs` of CPU in the handler. */
  cpuHog?: { share: number; cpuMs: number };
  /** `service` keeps `bytesPerRequest` of every request it serves forever. */
  memoryLeak?: { service: string; bytesPerRequest: number };
  /** `service` runs a release with a bug: a share of its requests fail. */
  badDeploy?: { service: string; version: string; errorShare: number };
}

/** Launcher → service: the full set of active faults (replaces the previous set). */
export interface FaultsMessage {
  type: 'faults';
  faults: ActiveFaults;
}

/** Service → launcher: the service listens (HTTP services) or consumes (queue consumers). */
export interface ReadyMessage {
  type: 'ready';
  port?: number;
}
