/** Something that happened to the shop, for the launcher's caller to show. */
export interface ShopProgressEvent {
  kind: 'starting' | 'ready' | 'exited' | 'restarting' | 'gave-up' | 'deployed' | 'fault' | 'warning' | 'load' | 'stopping' | 'stopped';
  /** The part concerned: `postgres`, `payment`, `faults`, `load`, `shop`, ... */
  component: string;
  /** One line for people. */
  message: string;
  /** The end of the component's log, for an unexpected exit. */
  logTail?: string;
  /** ISO 8601 time of the event. */
  at: string;
}

/** Receives progress events; must not throw. */
export type ProgressListener = (event: ShopProgressEvent) => void;

/** Returns a function that emits events to `listener` (if any), filling in the time and swallowing listener errors. */
export function createProgressEmitter(listener: ProgressListener | undefined): (event: Omit<ShopProgressEvent, 'at'>) => void {
  return (event) => {
    if (!listener) return;
    try {
      listener({ ...event, at: new Date().toISOString() });
    } catch {
      // A broken listener must not break the shop.
    }
  };
}
