import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isPharosError } from '@pharos/core';
import { describeStoreConformance } from '../conformance/conformance-suite.js';
import { hexId, makeSpan } from '../conformance/fixtures.js';
import { openDuckDbStore } from './duckdb-store.js';

async function freshStore() {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'pharos-duckdb-'));
  const store = await openDuckDbStore({ dataDir });
  return { store, dataDir, dispose: async () => { await store.close(); await rm(dataDir, { recursive: true, force: true }); } };
}

describeStoreConformance('duckdb', freshStore);

describe('DuckDB store', () => {
  it('keeps committed data across close and reopen', async () => {
    const { store, dataDir, dispose } = await freshStore();
    const traceId = hexId(16);
    await store.append({ spans: [makeSpan({ traceId, service: 's', name: 'n', startUnixNano: BigInt(Date.now()) * 1_000_000n, durationNs: 5n })], logs: [], points: [] });
    await store.close();
    const reopened = await openDuckDbStore({ dataDir });
    expect((await reopened.getTraces([traceId], { timeoutMs: 5000 })).get(traceId)).toHaveLength(1);
    await reopened.close();
    await dispose();
  });

  it('cancels a query that runs past its timeout', async () => {
    const { store, dispose } = await freshStore();
    const now = BigInt(Date.now()) * 1_000_000n;
    // One trace whose spans all name each other as parents: the dependency self-join explodes.
    const traceId = hexId(16);
    const spans = Array.from({ length: 100_000 }, (_, i) => {
      const id = ((i % 100) + 1).toString(16).padStart(16, '0');
      return makeSpan({ traceId, spanId: id, parentSpanId: id, service: `s${i % 7}`, name: 'n', startUnixNano: now - BigInt(i), durationNs: 1n });
    });
    await store.append({ spans, logs: [], points: [] });
    const range = { startUnixNano: now - 1_000_000_000n, endUnixNano: now + 1n };
    await expect(
      store.getDependencies(range, { timeoutMs: 50 }),
    ).rejects.toSatisfy((e) => isPharosError(e, 'PHAROS_ERR_QUERY_TIMEOUT'));
    // The timeout also covers waiting for a connection: with every reader busy, a quick query still times out.
    const busy = [1, 2, 3].map(() => store.getDependencies(range, { timeoutMs: 2000 }).catch(() => undefined));
    const started = Date.now();
    await expect(store.listServices(range, { timeoutMs: 100 })).rejects.toSatisfy((e) => isPharosError(e, 'PHAROS_ERR_QUERY_TIMEOUT'));
    expect(Date.now() - started).toBeLessThan(1500);
    await Promise.all(busy);
    await dispose();
  });
});
