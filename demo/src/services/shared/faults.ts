import type { ActiveFaults, FaultsMessage, ReadyMessage } from '../../faults/active-faults.js';

/*
 * The launcher drives runtime conditions over the IPC channel it spawned us with. Those
 * conditions are ground truth for the exercise and must never surface in telemetry, so this
 * module logs nothing about what it receives.
 */

let active: ActiveFaults = {};

/** Returns the conditions the launcher set last (an empty object until it sends any). */
export function currentFaults(): ActiveFaults {
  return active;
}

/** Replaces the active set; for tests and for services run without a launcher. */
export function setFaults(faults: ActiveFaults): void {
  active = faults;
}

/** True with probability `share` (clamped to 0..1). */
export function rollShare(share: number | undefined): boolean {
  if (share === undefined || !(share > 0)) return false;
  return Math.random() < Math.min(share, 1);
}

function isFaultsMessage(message: unknown): message is FaultsMessage {
  if (!message || typeof message !== 'object') return false;
  const candidate = message as { type?: unknown; faults?: unknown };
  return candidate.type === 'faults' && !!candidate.faults && typeof candidate.faults === 'object';
}

/**
 * Listens on the IPC channel (when the process has one) for the launcher's messages and calls
 * `onDisconnect` when the launcher goes away. Does not keep the event loop alive. Unknown
 * messages are ignored. Safe to call once per process.
 */
export function listenToLauncher(onDisconnect: () => void, onFaultsChanged?: (faults: ActiveFaults) => void): void {
  if (!process.send) return;
  if (!process.connected) {
    // The launcher died while we were still loading: its 'disconnect' has already fired.
    setImmediate(onDisconnect);
    return;
  }
  process.on('message', (message: unknown) => {
    if (!isFaultsMessage(message)) return;
    active = message.faults;
    onFaultsChanged?.(active);
  });
  process.once('disconnect', onDisconnect);
  // Adding the listeners refs the channel; the servers and consumers keep us alive, not IPC.
  process.channel?.unref();
}

/** Tells the launcher the service is serving (HTTP services pass the port they listen on). */
export function sendReady(port?: number): void {
  if (!process.send || !process.connected) return;
  const message: ReadyMessage = port === undefined ? { type: 'ready' } : { type: 'ready', port };
  process.send(message, (error: Error | null) => {
    // The launcher may die between the check and the send; nothing useful to do then.
    void error;
  });
}
