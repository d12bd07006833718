import { appendFile, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { WriteAheadLog, type StoredWalRecord } from './write-ahead-log.js';

const dirs: string[] = [];
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'pharos-wal-'));
  dirs.push(dir);
  return dir;
}
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

async function readAll(wal: WriteAheadLog, after = 0n): Promise<StoredWalRecord[]> {
  const out: StoredWalRecord[] = [];
  for await (const record of wal.readAfter(after)) out.push(record);
  return out;
}

/** Bytes before each record's payload. */
const HEADER = 25;
const payload = (i: number) => Buffer.from(`record ${i} `.repeat(1 + (i % 7)));

describe('WriteAheadLog', () => {
  it('hands out sequences in order, syncs groups, and reads everything back after a reopen', async () => {
    const dir = await tempDir();
    const syncs: number[] = [];
    const wal = await WriteAheadLog.open(dir, { onSync: (s) => syncs.push(s) });
    const appended = Array.from({ length: 50 }, (_, i) => wal.append({ kind: i % 4, receivedAtUnixMs: 1_700_000_000_000 + i, payload: payload(i) }));
    expect(appended.map((a) => a.sequence)).toEqual(Array.from({ length: 50 }, (_, i) => BigInt(i + 1)));
    await Promise.all(appended.map((a) => a.durable));
    expect(syncs.length).toBeLessThan(50); // group commit: many records per fsync
    expect(wal.syncedSequenceNumber).toBe(50n);
    await wal.close();

    const reopened = await WriteAheadLog.open(dir);
    const records = await readAll(reopened);
    expect(records.map((r) => r.sequence)).toEqual(appended.map((a) => a.sequence));
    expect(records.map((r) => Buffer.from(r.payload).toString())).toEqual(appended.map((_, i) => payload(i).toString()));
    expect(records.map((r) => r.kind)).toEqual(appended.map((_, i) => i % 4));
    expect(records.map((r) => r.receivedAtUnixMs)).toEqual(appended.map((_, i) => 1_700_000_000_000 + i));
    expect((await readAll(reopened, 45n)).map((r) => r.sequence)).toEqual([46n, 47n, 48n, 49n, 50n]);
    const next = reopened.append({ kind: 0, receivedAtUnixMs: 0, payload: payload(0) });
    expect(next.sequence).toBe(51n);
    await next.durable;
    await reopened.close();
  });

  it('cuts off a torn or corrupt tail and goes on from the last whole record', async () => {
    const dir = await tempDir();
    const wal = await WriteAheadLog.open(dir);
    await Promise.all([1, 2, 3].map((i) => wal.append({ kind: 1, receivedAtUnixMs: 0, payload: payload(i) }).durable));
    await wal.close();
    const [segment] = await readdir(dir);
    const file = path.join(dir, segment);
    const whole = await readFile(file);
    // A crash in the middle of writing record 4: its header and half its payload.
    await appendFile(file, Buffer.concat([whole.subarray(0, HEADER + 3)]));
    const reopened = await WriteAheadLog.open(dir);
    expect((await readAll(reopened)).map((r) => r.sequence)).toEqual([1n, 2n, 3n]);
    await reopened.append({ kind: 1, receivedAtUnixMs: 0, payload: payload(9) }).durable;
    await reopened.close();

    // Flip a byte inside record 2: replay stops before it.
    const bytes = await readFile(file);
    const secondPayloadAt = HEADER + payload(1).length + HEADER;
    bytes[secondPayloadAt] ^= 0xff;
    await writeFile(file, bytes);
    const corrupt = await WriteAheadLog.open(dir);
    expect((await readAll(corrupt)).map((r) => r.sequence)).toEqual([1n]);
    await corrupt.close();
  });

  it('rotates segments and deletes those storage no longer needs', async () => {
    const dir = await tempDir();
    const wal = await WriteAheadLog.open(dir, { segmentMaxBytes: 200 });
    for (let i = 0; i < 20; i++) await wal.append({ kind: 0, receivedAtUnixMs: 0, payload: Buffer.alloc(60, i) }).durable;
    const before = await readdir(dir);
    expect(before.length).toBeGreaterThan(5);
    await wal.releaseUpTo(15n);
    const records = await readAll(wal, 15n);
    expect(records.map((r) => r.sequence)).toEqual([16n, 17n, 18n, 19n, 20n]);
    const after = await readdir(dir);
    expect(after.length).toBeLessThan(before.length);
    await wal.close();
    // Everything still needed survives a reopen.
    const reopened = await WriteAheadLog.open(dir);
    expect((await readAll(reopened, 15n)).map((r) => r.sequence)).toEqual([16n, 17n, 18n, 19n, 20n]);
    await reopened.close();
  });
});
