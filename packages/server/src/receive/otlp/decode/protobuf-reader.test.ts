import { describe, expect, it } from 'vitest';
import protobuf from 'protobufjs';
import { isPharosError } from '@pharos/core';
import { ProtobufReader, WIRE_EGROUP, WIRE_I32, WIRE_I64, WIRE_LEN, WIRE_SGROUP, WIRE_VARINT, makeTag } from './protobuf-reader.js';

/** A small deterministic PRNG (mulberry32), so that failures can be replayed. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomBigUint64(next: () => number): bigint {
  // Mix magnitudes so that every varint length (1..10 bytes) occurs.
  const bits = BigInt(Math.floor(next() * 65));
  const hi = BigInt(Math.floor(next() * 2 ** 32));
  const lo = BigInt(Math.floor(next() * 2 ** 32));
  return ((hi << 32n) | lo) & ((1n << bits) - 1n);
}

/** protobufjs takes 64-bit values as decimal strings. */
function decimal(value: bigint): string {
  return value.toString();
}

function expectMalformed(fn: () => unknown, message?: RegExp): void {
  let thrown: unknown;
  try {
    fn();
  } catch (error) {
    thrown = error;
  }
  expect(isPharosError(thrown, 'PHAROS_ERR_OTLP_MALFORMED'), String(thrown)).toBe(true);
  if (message !== undefined) expect((thrown as Error).message).toMatch(message);
}

describe('ProtobufReader scalars agree with the protobufjs writer', () => {
  it('reads varints, zigzag, fixed and double values of every size', () => {
    const next = random(42);
    const writer = protobuf.Writer.create();
    const expected: Array<[string, bigint | number | boolean]> = [];
    for (let i = 0; i < 2000; i++) {
      const u = randomBigUint64(next);
      const s = BigInt.asIntN(64, u);
      const i32 = Number(BigInt.asIntN(32, u));
      const u32 = Number(BigInt.asUintN(32, u));
      const d = (next() - 0.5) * 10 ** Math.floor(next() * 40 - 20);
      writer.int64(decimal(s)).uint64(decimal(u)).uint32(u32).int32(i32).sint32(i32).fixed32(u32).fixed64(decimal(u)).sfixed64(decimal(s)).double(d).bool(i % 2 === 0);
      expected.push(['int64', s], ['uint64', Number(u)], ['uint32', u32], ['int32', i32], ['sint32', i32], ['fixed32', u32], ['fixed64', u], ['fixed64n', Number(u)], ['sfixed64', s], ['double', d], ['bool', i % 2 === 0]);
    }
    const r = new ProtobufReader(writer.finish());
    for (let i = 0; i < expected.length; i += 11) {
      expect(r.readInt64()).toBe(expected[i][1]);
      expect(r.readUint64Number()).toBe(expected[i + 1][1]);
      expect(r.readVarint32()).toBe(expected[i + 2][1]);
      expect(r.readInt32()).toBe(expected[i + 3][1]);
      expect(r.readSint32()).toBe(expected[i + 4][1]);
      expect(r.readFixed32()).toBe(expected[i + 5][1]);
      const start = r.pos;
      expect(r.readFixed64()).toBe(expected[i + 6][1]);
      r.pos = start;
      expect(r.readFixed64Number()).toBe(expected[i + 7][1]);
      expect(r.readSfixed64()).toBe(expected[i + 8][1]);
      expect(r.readDouble()).toBe(expected[i + 9][1]);
      expect(r.readBool()).toBe(expected[i + 10][1]);
    }
    expect(r.atEnd()).toBe(true);
  });

  it('reads the int64 and uint64 extremes', () => {
    const writer = protobuf.Writer.create()
      .int64('-9223372036854775808')
      .int64('9223372036854775807')
      .int64(-1)
      .uint64('18446744073709551615')
      .uint32(0xffffffff)
      .int32(-2147483648);
    const r = new ProtobufReader(writer.finish());
    expect(r.readInt64()).toBe(-(2n ** 63n));
    expect(r.readInt64()).toBe(2n ** 63n - 1n);
    expect(r.readInt64()).toBe(-1n);
    expect(r.readUint64Number()).toBe(2 ** 64);
    expect(r.readVarint32()).toBe(0xffffffff);
    expect(r.readInt32()).toBe(-2147483648);
  });

  it('reads strings, bytes, hex and packed runs', () => {
    const writer = protobuf.Writer.create()
      .string('grüße 🌍')
      .string('')
      .bytes(Buffer.from([1, 2, 3]))
      .bytes(Buffer.from('0102ff', 'hex'))
      .fork().fixed64(5).fixed64(2 ** 40).ldelim()
      .fork().double(1.5).double(-Infinity).ldelim()
      .fork().uint64(0).uint64(300).uint64('18446744073709551615').ldelim();
    const bytes = writer.finish();
    const r = new ProtobufReader(bytes);
    expect(r.readString()).toBe('grüße 🌍');
    expect(r.readString()).toBe('');
    const copied = r.readBytes();
    expect(copied).toEqual(new Uint8Array([1, 2, 3]));
    expect(Buffer.isBuffer(copied)).toBe(false);
    expect(copied.buffer).not.toBe(bytes.buffer);
    expect(r.readBytesHex()).toBe('0102ff');
    const counts: number[] = [];
    r.readPackedFixed64Numbers(counts);
    expect(counts).toEqual([5, 2 ** 40]);
    const doubles: number[] = [];
    r.readPackedDoubles(doubles);
    expect(doubles).toEqual([1.5, -Infinity]);
    const varints: number[] = [];
    r.readPackedUint64Numbers(varints);
    expect(varints).toEqual([0, 300, 2 ** 64]);
    expect(r.atEnd()).toBe(true);
  });
});

describe('ProtobufReader structure', () => {
  it('narrows to embedded messages and restores the outer limit', () => {
    const bytes = protobuf.Writer.create().uint32(makeTag(1, WIRE_LEN)).fork().uint32(makeTag(2, WIRE_VARINT)).uint32(7).ldelim().uint32(makeTag(3, WIRE_VARINT)).uint32(9).finish();
    const r = new ProtobufReader(bytes);
    expect(r.readTag()).toBe(makeTag(1, WIRE_LEN));
    const outer = r.enterMessage();
    expect(r.limit).toBe(4);
    expect(r.readTag()).toBe(makeTag(2, WIRE_VARINT));
    expect(r.readVarint32()).toBe(7);
    expect(r.atEnd()).toBe(true);
    expectMalformed(() => r.readVarint32(), /truncated varint/);
    r.leaveMessage(outer);
    expect(r.readTag()).toBe(makeTag(3, WIRE_VARINT));
    expect(r.readVarint32()).toBe(9);
    expect(r.atEnd()).toBe(true);
  });

  it('skips fields of every wire type, including nested groups', () => {
    const writer = protobuf.Writer.create()
      .uint32(makeTag(1, WIRE_VARINT)).uint64('18446744073709551615')
      .uint32(makeTag(2, WIRE_I64)).fixed64(1)
      .uint32(makeTag(3, WIRE_LEN)).string('skip me')
      .uint32(makeTag(4, WIRE_I32)).fixed32(1)
      .uint32(makeTag(5, WIRE_SGROUP))
      .uint32(makeTag(1, WIRE_VARINT)).uint32(1)
      .uint32(makeTag(6, WIRE_SGROUP)).uint32(makeTag(2, WIRE_I32)).fixed32(3).uint32(makeTag(6, WIRE_EGROUP))
      .uint32(makeTag(5, WIRE_EGROUP))
      .uint32(makeTag(9, WIRE_VARINT)).uint32(99);
    const r = new ProtobufReader(writer.finish());
    for (let i = 0; i < 5; i++) r.skipField(r.readTag());
    expect(r.readTag()).toBe(makeTag(9, WIRE_VARINT));
    expect(r.readVarint32()).toBe(99);
    expect(r.atEnd()).toBe(true);
  });

  it('throws PHAROS_ERR_OTLP_MALFORMED on broken wire data', () => {
    expectMalformed(() => new ProtobufReader(new Uint8Array([])).readVarint32(), /truncated varint at offset 0/);
    expectMalformed(() => new ProtobufReader(new Uint8Array([0x80, 0x80])).readVarint32(), /truncated varint/);
    expectMalformed(() => new ProtobufReader(new Uint8Array(11).fill(0xff)).readInt64(), /longer than 10 bytes/);
    expectMalformed(() => new ProtobufReader(new Uint8Array(11).fill(0xff)).readVarint32(), /longer than 10 bytes/);
    expectMalformed(() => new ProtobufReader(new Uint8Array([0x00])).readTag(), /field number 0/);
    expectMalformed(() => new ProtobufReader(new Uint8Array([0x0e])).readTag(), /wire type 6/);
    expectMalformed(() => new ProtobufReader(new Uint8Array([0x0f])).readTag(), /wire type 7/);
    expectMalformed(() => new ProtobufReader(new Uint8Array([1, 2, 3])).readFixed32(), /truncated fixed32/);
    expectMalformed(() => new ProtobufReader(new Uint8Array(7)).readFixed64(), /truncated fixed64/);
    expectMalformed(() => new ProtobufReader(new Uint8Array(7)).readFixed64Number(), /truncated fixed64/);
    expectMalformed(() => new ProtobufReader(new Uint8Array(7)).readSfixed64(), /truncated sfixed64/);
    expectMalformed(() => new ProtobufReader(new Uint8Array(7)).readDouble(), /truncated double/);
    expectMalformed(() => new ProtobufReader(new Uint8Array([5, 1, 2])).readString(), /length 5 at offset 0 runs past/);
    expectMalformed(() => new ProtobufReader(new Uint8Array([0xff, 0xff, 0xff, 0xff, 0x0f])).readBytes(), /length 4294967295/);
    expectMalformed(() => new ProtobufReader(new Uint8Array([0x81, 0x80, 0x80, 0x80, 0x10, 0])).readBytes(), /length over 2\^32/);
    expectMalformed(() => new ProtobufReader(new Uint8Array([3, 1, 2, 3])).readPackedFixed64Numbers([]), /not a multiple of 8/);
    expectMalformed(() => new ProtobufReader(new Uint8Array([3, 1, 2, 3])).readPackedDoubles([]), /not a multiple of 8/);
    expectMalformed(() => new ProtobufReader(new Uint8Array([2, 0x80, 0x80])).readPackedUint64Numbers([]), /truncated varint/);
    // An embedded message cannot claim more than its parent has left.
    const nested = new ProtobufReader(new Uint8Array([2, 5, 0, 0, 0, 0, 0]));
    nested.enterMessage();
    expectMalformed(() => nested.enterMessage(), /runs past the end of its message/);
    // Groups: unterminated, mismatched, stray end, too deep.
    const skip = (bytes: number[]): void => {
      const r = new ProtobufReader(new Uint8Array(bytes));
      r.skipField(r.readTag());
    };
    expectMalformed(() => skip([makeTag(1, WIRE_SGROUP)]), /truncated group/);
    expectMalformed(() => skip([makeTag(1, WIRE_SGROUP), makeTag(2, WIRE_EGROUP)]), /does not match/);
    expectMalformed(() => skip([makeTag(1, WIRE_EGROUP)]), /unexpected end of group/);
    expectMalformed(() => skip(new Array<number>(40).fill(makeTag(1, WIRE_SGROUP))), /groups nested deeper/);
    expectMalformed(() => skip([makeTag(1, WIRE_I64), 1, 2]), /truncated fixed64/);
    expectMalformed(() => skip([makeTag(1, WIRE_I32), 1]), /truncated fixed32/);
    expectMalformed(() => skip([makeTag(1, WIRE_LEN), 9, 1]), /runs past/);
  });

  it('never reads out of bounds or throws anything but PharosError on random bytes', () => {
    const next = random(7);
    for (let round = 0; round < 3000; round++) {
      const bytes = new Uint8Array(Math.floor(next() * 40));
      for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(next() * 256);
      const r = new ProtobufReader(bytes);
      try {
        while (!r.atEnd()) {
          r.skipField(r.readTag());
          expect(r.pos).toBeLessThanOrEqual(bytes.length);
        }
      } catch (error) {
        expect(isPharosError(error, 'PHAROS_ERR_OTLP_MALFORMED'), String(error)).toBe(true);
      }
    }
  });
});
