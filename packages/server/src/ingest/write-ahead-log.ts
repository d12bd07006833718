import { mkdir, open, readdir, readFile, rm, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { crc32 } from 'node:zlib';

/**
 * The ingest write-ahead log: what a 2xx acknowledges. Each accepted export request is
 * appended as one record and fsynced (many requests share one fsync: group commit)
 * before it is acknowledged; storage then takes the requests in large batches, which
 * DuckDB writes compressed straight to its file instead of through its own WAL.
 * After a crash, records past the position storage committed are replayed.
 *
 * On disk: `<dir>/<first sequence, 20 digits>.wal` segments of records
 *   u32 payload length | u32 CRC-32 of the rest | u64 sequence | u8 kind |
 *   f64 received-at (Unix ms) | payload
 * A torn record at the end of the last segment (a crash mid-write) ends the log there.
 */
export interface WalRecord {
  /** Caller-defined tag of the payload (Pharos: the OTLP signal and encoding). */
  kind: number;
  /** When the request was received (Unix ms): replay judges it as of then. */
  receivedAtUnixMs: number;
  payload: Uint8Array;
}

export interface StoredWalRecord extends WalRecord {
  sequence: bigint;
}

const HEADER_BYTES = 25;

export interface WriteAheadLogOptions {
  /** Told how long each write + fsync took, in seconds. */
  onSync?: (seconds: number) => void;
  /** A segment is closed and a new one started past this size. */
  segmentMaxBytes?: number;
}
const SEGMENT_NAME = /^(\d{20})\.wal$/;

interface Waiter {
  sequence: bigint;
  resolve: () => void;
  reject: (error: unknown) => void;
}

export class WriteAheadLog {
  private buffered: Buffer[] = [];
  private waiters: Waiter[] = [];
  private flushing = false;
  private closed = false;
  /** Set when a write or fsync failed: the log's tail is then unknown, so it takes no more records. */
  private failure: Error | undefined;
  /** Highest sequence handed out. */
  private lastSequence: bigint;
  /** Highest sequence known to be on disk (fsynced). */
  private syncedSequence: bigint;

  private constructor(
    private readonly dir: string,
    private segments: bigint[],
    private handle: FileHandle,
    private segmentBytes: number,
    lastSequence: bigint,
    private readonly onSync: (seconds: number) => void,
    private readonly segmentMaxBytes: number,
  ) {
    this.lastSequence = lastSequence;
    this.syncedSequence = lastSequence;
  }

  /** Opens the log in `dir`, cutting off a torn record at its end. */
  static async open(dir: string, options: WriteAheadLogOptions = {}): Promise<WriteAheadLog> {
    await mkdir(dir, { recursive: true });
    const segments = await listSegments(dir);
    let lastSequence = 0n;
    let validBytes = 0;
    if (segments.length > 0) {
      const last = segments[segments.length - 1];
      const scan = parseSegment(await readFile(segmentPath(dir, last)));
      validBytes = scan.validBytes;
      lastSequence = scan.records.length > 0 ? scan.records[scan.records.length - 1].sequence : last - 1n;
    } else {
      segments.push(1n);
    }
    const handle = await open(segmentPath(dir, segments[segments.length - 1]), 'a+');
    await handle.truncate(validBytes);
    await syncDirectory(dir);
    return new WriteAheadLog(dir, segments, handle, validBytes, lastSequence, options.onSync ?? (() => undefined), options.segmentMaxBytes ?? 64 * 1024 * 1024);
  }

  /** The highest sequence known to be on disk. */
  get syncedSequenceNumber(): bigint {
    return this.syncedSequence;
  }

  /** The highest sequence appended so far (durable or not). */
  get lastAppendedSequence(): bigint {
    return this.lastSequence;
  }

  /**
   * Appends a record and returns its sequence at once; `durable` resolves when it is on
   * disk. Sequences are handed out in call order.
   */
  append(record: WalRecord): { sequence: bigint; durable: Promise<void> } {
    if (this.closed) throw new Error('the write-ahead log is closed');
    if (this.failure !== undefined) throw new Error(`an earlier write failed (${this.failure.message}); restart Pharos`);
    const sequence = ++this.lastSequence;
    const header = Buffer.alloc(HEADER_BYTES);
    header.writeUInt32LE(record.payload.byteLength, 0);
    header.writeBigUInt64LE(sequence, 8);
    header.writeUInt8(record.kind, 16);
    header.writeDoubleLE(record.receivedAtUnixMs, 17);
    const payload = Buffer.from(record.payload.buffer, record.payload.byteOffset, record.payload.byteLength);
    header.writeUInt32LE(crc32(payload, crc32(header.subarray(8))), 4);
    this.buffered.push(header, payload);
    const durable = new Promise<void>((resolve, reject) => this.waiters.push({ sequence, resolve, reject }));
    if (!this.flushing) void this.flushLoop();
    return { sequence, durable };
  }

  /** Writes and fsyncs whatever is buffered, over and over, until nothing is. */
  private async flushLoop(): Promise<void> {
    this.flushing = true;
    while (this.buffered.length > 0) {
      const buffers = this.buffered;
      const waiters = this.waiters;
      this.buffered = [];
      this.waiters = [];
      try {
        const bytes = buffers.reduce((n, b) => n + b.length, 0);
        if (this.segmentBytes > 0 && this.segmentBytes + bytes > this.segmentMaxBytes) await this.rotate(waiters[0].sequence);
        const started = performance.now();
        await this.handle.writev(buffers);
        await this.handle.datasync();
        this.onSync((performance.now() - started) / 1000);
        this.segmentBytes += bytes;
        this.syncedSequence = waiters[waiters.length - 1].sequence;
        for (const w of waiters) w.resolve();
      } catch (error) {
        this.failure = error as Error;
        for (const w of [...waiters, ...this.waiters.splice(0)]) w.reject(error);
        this.buffered = [];
      }
    }
    this.flushing = false;
  }

  private async rotate(firstSequence: bigint): Promise<void> {
    await this.handle.close();
    this.segments.push(firstSequence);
    this.handle = await open(segmentPath(this.dir, firstSequence), 'a+');
    await syncDirectory(this.dir);
    this.segmentBytes = 0;
  }

  /**
   * Continues numbering after `sequence` when the log is behind it: storage has data up
   * to there, so the log must have been lost or wiped, and reusing those numbers would
   * make new records look already stored. Call before appending.
   */
  async continueAfter(sequence: bigint): Promise<void> {
    if (this.lastSequence >= sequence) return;
    this.lastSequence = sequence;
    this.syncedSequence = sequence;
    await this.rotate(sequence + 1n);
  }

  /** Every durable record with a sequence above `afterSequence`, in order. */
  async *readAfter(afterSequence: bigint): AsyncGenerator<StoredWalRecord> {
    for (let i = 0; i < this.segments.length; i++) {
      const next = this.segments[i + 1];
      if (next !== undefined && next - 1n <= afterSequence) continue;
      const { records } = parseSegment(await readFile(segmentPath(this.dir, this.segments[i])));
      for (const record of records) {
        if (record.sequence > afterSequence && record.sequence <= this.syncedSequence) yield record;
      }
    }
  }

  /** Deletes the segments whose records all have sequences at or below `sequence` (they are in storage). */
  async releaseUpTo(sequence: bigint): Promise<void> {
    let removed = false;
    while (this.segments.length > 1 && this.segments[1] - 1n <= sequence) {
      const first = this.segments.shift()!;
      await rm(segmentPath(this.dir, first), { force: true });
      removed = true;
    }
    if (removed) await syncDirectory(this.dir);
  }

  /** Waits for buffered records to be synced, then closes the file. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    while (this.flushing || this.buffered.length > 0) await new Promise((r) => setTimeout(r, 5));
    await this.handle.close();
  }
}

/** Makes a file's creation or removal in `dir` durable (the entry lives in the directory). */
async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

function segmentPath(dir: string, firstSequence: bigint): string {
  return path.join(dir, `${firstSequence.toString().padStart(20, '0')}.wal`);
}

async function listSegments(dir: string): Promise<bigint[]> {
  const names = await readdir(dir);
  return names
    .map((name) => SEGMENT_NAME.exec(name)?.[1])
    .filter((first): first is string => first !== undefined)
    .map((first) => BigInt(first))
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** Reads records until the end or the first torn or corrupt one. */
function parseSegment(bytes: Buffer): { records: StoredWalRecord[]; validBytes: number } {
  const records: StoredWalRecord[] = [];
  let offset = 0;
  while (offset + HEADER_BYTES <= bytes.length) {
    const length = bytes.readUInt32LE(offset);
    const end = offset + HEADER_BYTES + length;
    if (end > bytes.length) break;
    const expected = bytes.readUInt32LE(offset + 4);
    const payload = bytes.subarray(offset + HEADER_BYTES, end);
    if (crc32(payload, crc32(bytes.subarray(offset + 8, offset + HEADER_BYTES))) !== expected) break;
    records.push({
      sequence: bytes.readBigUInt64LE(offset + 8),
      kind: bytes.readUInt8(offset + 16),
      receivedAtUnixMs: bytes.readDoubleLE(offset + 17),
      payload,
    });
    offset = end;
  }
  return { records, validBytes: offset };
}
