import { PharosError } from '@pharos/core';

/** Protobuf wire types (https://protobuf.dev/programming-guides/encoding/). */
export const WIRE_VARINT = 0;
export const WIRE_I64 = 1;
export const WIRE_LEN = 2;
export const WIRE_SGROUP = 3;
export const WIRE_EGROUP = 4;
export const WIRE_I32 = 5;

/** Deepest nesting of groups skipped as unknown fields; OTLP never uses groups. */
const MAX_GROUP_DEPTH = 32;
const TWO_POW_32 = 4294967296;

/** Builds the tag (field number and wire type) the way it appears on the wire. */
export function makeTag(fieldNumber: number, wireType: number): number {
  return ((fieldNumber << 3) | wireType) >>> 0;
}

/** Returns the PharosError for a structurally broken protobuf body. */
export function malformedProtobuf(message: string): PharosError {
  return new PharosError('PHAROS_ERR_OTLP_MALFORMED', `invalid OTLP protobuf: ${message}`);
}

/**
 * A minimal protobuf wire reader over one buffer. It never reads past the end of the
 * innermost message being read (`limit`): every read is bounds-checked and a short or
 * garbled body throws PharosError('PHAROS_ERR_OTLP_MALFORMED'). Nested messages do not
 * allocate readers: `enterMessage()` narrows `limit` and `leaveMessage()` restores it.
 *
 * The reader does not copy the input; strings and ids are decoded from it directly.
 */
export class ProtobufReader {
  /** The whole input, viewed as a Buffer (no copy). */
  readonly buf: Buffer;
  /** Offset of the next byte to read. */
  pos: number;
  /** Offset one past the last byte of the message being read. */
  limit: number;
  /** The high 32 bits of the last 64-bit varint read by readVarint64Parts (unsigned). */
  private hi = 0;

  constructor(bytes: Uint8Array) {
    this.buf = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.pos = 0;
    this.limit = this.buf.length;
  }

  /** True when the message being read has no bytes left. */
  atEnd(): boolean {
    return this.pos >= this.limit;
  }

  /** Reads a field tag; throws on field number 0 or a wire type that does not exist. */
  readTag(): number {
    const at = this.pos;
    const tag = this.readVarint32();
    const wireType = tag & 7;
    if (tag >>> 3 === 0) throw malformedProtobuf(`field number 0 at offset ${at}`);
    if (wireType > 5) throw malformedProtobuf(`wire type ${wireType} at offset ${at} does not exist`);
    return tag;
  }

  /** Reads a varint and returns its low 32 bits as an unsigned number (proto uint32, enum, bool). */
  readVarint32(): number {
    const buf = this.buf;
    const limit = this.limit;
    let pos = this.pos;
    if (pos >= limit) throw this.truncated('varint', pos);
    let b = buf[pos++];
    if (b < 0x80) {
      this.pos = pos;
      return b;
    }
    let result = b & 0x7f;
    for (let shift = 7; shift < 35; shift += 7) {
      if (pos >= limit) throw this.truncated('varint', this.pos);
      b = buf[pos++];
      result |= (b & 0x7f) << shift;
      if (b < 0x80) {
        this.pos = pos;
        return result >>> 0;
      }
    }
    // Bits above 32 are dropped, as protobuf does for uint32 and enums, but the bytes must be there.
    for (let i = 5; i < 10; i++) {
      if (pos >= limit) throw this.truncated('varint', this.pos);
      b = buf[pos++];
      if (b < 0x80) {
        this.pos = pos;
        return result >>> 0;
      }
    }
    throw malformedProtobuf(`varint longer than 10 bytes at offset ${this.pos}`);
  }

  /** Reads a varint as a signed 32-bit number (proto int32; negative values take 10 bytes). */
  readInt32(): number {
    return this.readVarint32() | 0;
  }

  /** Reads a zigzag-encoded varint (proto sint32). */
  readSint32(): number {
    const n = this.readVarint32();
    return (n >>> 1) ^ -(n & 1);
  }

  /** Reads a varint bool (any non-zero value is true). */
  readBool(): boolean {
    return this.readVarint64Low() !== 0 || this.hi !== 0;
  }

  /** Reads a 64-bit varint as a signed bigint (proto int64). */
  readInt64(): bigint {
    const lo = this.readVarint64Low();
    const hi = this.hi;
    if (hi === 0) return BigInt(lo);
    return (BigInt(hi | 0) << 32n) + BigInt(lo);
  }

  /** Reads a 64-bit varint as an unsigned JS number (proto uint64 counts; exact up to 2^53). */
  readUint64Number(): number {
    const lo = this.readVarint64Low();
    return this.hi * TWO_POW_32 + lo;
  }

  /** Reads 4 bytes little-endian as an unsigned number (proto fixed32). */
  readFixed32(): number {
    const pos = this.pos;
    if (this.limit - pos < 4) throw this.truncated('fixed32', pos);
    this.pos = pos + 4;
    return this.buf.readUInt32LE(pos);
  }

  /** Reads 8 bytes little-endian as an unsigned bigint (proto fixed64, e.g. Unix nanos). */
  readFixed64(): bigint {
    const pos = this.pos;
    if (this.limit - pos < 8) throw this.truncated('fixed64', pos);
    this.pos = pos + 8;
    return this.buf.readBigUInt64LE(pos);
  }

  /** Reads 8 bytes little-endian as an unsigned JS number (proto fixed64 counts; exact up to 2^53). */
  readFixed64Number(): number {
    const pos = this.pos;
    if (this.limit - pos < 8) throw this.truncated('fixed64', pos);
    this.pos = pos + 8;
    return this.buf.readUInt32LE(pos + 4) * TWO_POW_32 + this.buf.readUInt32LE(pos);
  }

  /** Reads 8 bytes little-endian as a signed bigint (proto sfixed64). */
  readSfixed64(): bigint {
    const pos = this.pos;
    if (this.limit - pos < 8) throw this.truncated('sfixed64', pos);
    this.pos = pos + 8;
    return this.buf.readBigInt64LE(pos);
  }

  /** Reads an IEEE 754 double, little-endian (proto double). */
  readDouble(): number {
    const pos = this.pos;
    if (this.limit - pos < 8) throw this.truncated('double', pos);
    this.pos = pos + 8;
    return this.buf.readDoubleLE(pos);
  }

  /** Reads the length prefix of a length-delimited field and checks that many bytes follow. */
  readLength(): number {
    const at = this.pos;
    const length = this.readVarint64Low();
    if (this.hi !== 0 || length > this.limit - this.pos) {
      const shown = this.hi === 0 ? String(length) : 'over 2^32';
      throw malformedProtobuf(`length ${shown} at offset ${at} runs past the end of its message (${this.limit - this.pos} bytes left)`);
    }
    return length;
  }

  /** Reads a length-delimited UTF-8 string (invalid sequences become U+FFFD). */
  readString(): string {
    const length = this.readLength();
    if (length === 0) return '';
    const start = this.pos;
    this.pos = start + length;
    return this.buf.toString('utf8', start, start + length);
  }

  /** Reads length-delimited bytes into a new Uint8Array (a copy, so the request buffer is not retained). */
  readBytes(): Uint8Array {
    const length = this.readLength();
    const out = new Uint8Array(length);
    out.set(this.buf.subarray(this.pos, this.pos + length));
    this.pos += length;
    return out;
  }

  /** Reads length-delimited bytes as lowercase hex (ids: 2 characters per byte). */
  readBytesHex(): string {
    const length = this.readLength();
    if (length === 0) return '';
    const start = this.pos;
    this.pos = start + length;
    return this.buf.toString('hex', start, start + length);
  }

  /**
   * Reads the length prefix of an embedded message and narrows the reader to it.
   * Returns the outer limit, to be passed to leaveMessage() once the message is read.
   */
  enterMessage(): number {
    const length = this.readLength();
    const outer = this.limit;
    this.limit = this.pos + length;
    return outer;
  }

  /** Restores the outer limit after reading an embedded message to its end. */
  leaveMessage(outerLimit: number): void {
    this.pos = this.limit;
    this.limit = outerLimit;
  }

  /** Reads a packed (wire type 2) run of fixed64 values as numbers, appending to `out`. */
  readPackedFixed64Numbers(out: number[]): void {
    const length = this.readLength();
    if (length % 8 !== 0) throw malformedProtobuf(`packed fixed64 run of ${length} bytes at offset ${this.pos} is not a multiple of 8`);
    const buf = this.buf;
    const end = this.pos + length;
    for (let pos = this.pos; pos < end; pos += 8) out.push(buf.readUInt32LE(pos + 4) * TWO_POW_32 + buf.readUInt32LE(pos));
    this.pos = end;
  }

  /** Reads a packed (wire type 2) run of doubles, appending to `out`. */
  readPackedDoubles(out: number[]): void {
    const length = this.readLength();
    if (length % 8 !== 0) throw malformedProtobuf(`packed double run of ${length} bytes at offset ${this.pos} is not a multiple of 8`);
    const buf = this.buf;
    const end = this.pos + length;
    for (let pos = this.pos; pos < end; pos += 8) out.push(buf.readDoubleLE(pos));
    this.pos = end;
  }

  /** Reads a packed (wire type 2) run of uint64 varints as numbers, appending to `out`. */
  readPackedUint64Numbers(out: number[]): void {
    const outer = this.enterMessage();
    while (this.pos < this.limit) out.push(this.readUint64Number());
    this.leaveMessage(outer);
  }

  /** Skips the value of a field whose tag was just read (unknown fields, or a known field with an unexpected wire type). */
  skipField(tag: number): void {
    this.skipValue(tag, 0);
  }

  private skipValue(tag: number, depth: number): void {
    switch (tag & 7) {
      case WIRE_VARINT:
        this.readVarint64Low();
        return;
      case WIRE_I64:
        this.skipBytes(8, 'fixed64');
        return;
      case WIRE_LEN: {
        const length = this.readLength();
        this.pos += length;
        return;
      }
      case WIRE_I32:
        this.skipBytes(4, 'fixed32');
        return;
      case WIRE_SGROUP: {
        if (depth >= MAX_GROUP_DEPTH) throw malformedProtobuf(`groups nested deeper than ${MAX_GROUP_DEPTH}`);
        const fieldNumber = tag >>> 3;
        for (;;) {
          if (this.pos >= this.limit) throw this.truncated('group', this.pos);
          const inner = this.readTag();
          if ((inner & 7) === WIRE_EGROUP) {
            if (inner >>> 3 !== fieldNumber) throw malformedProtobuf(`end of group ${inner >>> 3} does not match group ${fieldNumber}`);
            return;
          }
          this.skipValue(inner, depth + 1);
        }
      }
      default:
        throw malformedProtobuf(`unexpected end of group (field ${tag >>> 3}) at offset ${this.pos}`);
    }
  }

  private skipBytes(count: number, what: string): void {
    if (this.limit - this.pos < count) throw this.truncated(what, this.pos);
    this.pos += count;
  }

  /** Reads a 64-bit varint, returning its low 32 bits (unsigned) and leaving the high 32 bits in `hi`. */
  private readVarint64Low(): number {
    const buf = this.buf;
    const limit = this.limit;
    const start = this.pos;
    let pos = start;
    let lo = 0;
    let hi = 0;
    let b = 0;
    for (let shift = 0; shift < 28; shift += 7) {
      if (pos >= limit) throw this.truncated('varint', start);
      b = buf[pos++];
      lo |= (b & 0x7f) << shift;
      if (b < 0x80) {
        this.pos = pos;
        this.hi = 0;
        return lo >>> 0;
      }
    }
    if (pos >= limit) throw this.truncated('varint', start);
    b = buf[pos++];
    lo |= (b & 0x7f) << 28;
    hi = (b & 0x7f) >>> 4;
    if (b < 0x80) {
      this.pos = pos;
      this.hi = hi;
      return lo >>> 0;
    }
    for (let shift = 3; shift < 38; shift += 7) {
      if (pos >= limit) throw this.truncated('varint', start);
      b = buf[pos++];
      // The tenth byte carries only bit 63; `<< 31` keeps just that bit.
      hi |= (b & 0x7f) << shift;
      if (b < 0x80) {
        this.pos = pos;
        this.hi = hi >>> 0;
        return lo >>> 0;
      }
    }
    throw malformedProtobuf(`varint longer than 10 bytes at offset ${start}`);
  }

  private truncated(what: string, at: number): PharosError {
    return malformedProtobuf(`truncated ${what} at offset ${at} (message ends at offset ${this.limit})`);
  }
}
