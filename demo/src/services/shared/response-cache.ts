import { currentFaults } from './faults.js';

/*
 * A cache of rendered responses that is only ever appended to: the memory leak the exercise
 * can switch on (ActiveFaults.memoryLeak). Entries are never read nor evicted, which is the bug.
 */
const renderedResponses: Buffer[] = [];

// One oversized request must not crash the process outright; the leak is meant to build up.
const maxEntryBytes = 16 * 1024 * 1024;

/**
 * Keeps a snapshot of the response to `cacheKey` when `serviceName` is configured to, sized by
 * the configured bytes per request. The bytes are written (not just reserved) so resident
 * memory really grows.
 */
export function cacheRenderedResponse(serviceName: string, cacheKey: string): void {
  const leak = currentFaults().memoryLeak;
  if (leak?.service !== serviceName || !(leak.bytesPerRequest > 0)) return;
  const sizeBytes = Math.min(Math.floor(leak.bytesPerRequest), maxEntryBytes);
  renderedResponses.push(Buffer.alloc(sizeBytes, `${cacheKey}\n`));
}

/** Number of snapshots kept so far. */
export function countCachedResponses(): number {
  return renderedResponses.length;
}
