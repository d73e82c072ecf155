import { InputError } from '../codec/errors.js';
import { pad4, writeI64, writeU16, writeU32, type ByteOrder } from './bytes.js';
import {
  BYTE_ORDER_MAGIC,
  BlockType,
  Option,
  encodeOptions,
  nsToUnits,
  type RawOption,
} from './pcapng-format.js';
import type { CaptureRecordInput } from './record.js';
import { checkInteger, checkRecord } from './validate.js';

/** The options of a pcapng interface: name, timestamp resolution, snap length. */
export interface PcapngInterfaceOptions {
  /** if_name option. */
  name?: string;
  /**
   * if_tsresol value, as the spec encodes it: n means 10^-n seconds, 0x80 | n means 2^-n seconds.
   * Default 9 (nanoseconds). The option is always written, so readers never fall back to their default.
   */
  tsresol?: number;
  /** SnapLen field; longer packets are cut to it (keeping their original length). Default 0 = no limit. */
  snapLen?: number;
}

/** One interface of a pcapng file (an Interface Description Block): its link type and options. */
export interface PcapngInterface extends PcapngInterfaceOptions {
  linkType: number;
}

/** How a pcapng file is written: its byte order and interfaces. */
export interface PcapngWriteOptions {
  /** Default `'little'`. */
  byteOrder?: ByteOrder;
  /** Interfaces to register up front, getting ids 0, 1, ... in this order. */
  interfaces?: PcapngInterface[];
}

/** rawcraft's if_tsresol default: nanoseconds, matching `CaptureRecord.timestampNs`. */
export const PCAPNG_DEFAULT_TSRESOL = 9;
const USER_APPLICATION = 'rawcraft';

interface Registered {
  linkType: number;
  tsresol: number;
  snapLen: number;
}

/**
 * Turns records into pcapng blocks (draft-ietf-opsawg-pcapng sections 4.1 SHB, 4.2 IDB, 4.3 EPB).
 * Writes one section; keeps the registered interfaces so records can name them.
 */
export class PcapngEncoder {
  readonly byteOrder: ByteOrder;
  private readonly le: boolean;
  private readonly interfaces: Registered[] = [];
  private count = 0;

  constructor(options: PcapngWriteOptions = {}) {
    this.byteOrder = options.byteOrder ?? 'little';
    if (this.byteOrder !== 'little' && this.byteOrder !== 'big') {
      throw new InputError(`pcapng writer: byteOrder must be 'little' or 'big'`);
    }
    this.le = this.byteOrder === 'little';
  }

  get interfaceCount(): number {
    return this.interfaces.length;
  }

  /** The Section Header Block: version 1.0, unknown section length, shb_userappl "rawcraft". */
  sectionHeader(): Buffer {
    const fixed = Buffer.alloc(16);
    writeU32(fixed, 0, BYTE_ORDER_MAGIC, this.le);
    writeU16(fixed, 4, 1, this.le);
    writeU16(fixed, 6, 0, this.le);
    writeI64(fixed, 8, -1n, this.le); // -1: section length not given, so we can stream
    const options = this.options([{ code: Option.SHB_USERAPPL, value: Buffer.from(USER_APPLICATION) }]);
    return this.block(BlockType.SECTION_HEADER, [fixed, options]);
  }

  /** Register an interface; returns its id and the Interface Description Block to write before its packets. */
  addInterface(linkType: number, options: PcapngInterfaceOptions = {}): { id: number; block: Buffer } {
    const registered = this.newInterface(linkType, options);
    const fixed = Buffer.alloc(8);
    writeU16(fixed, 0, registered.linkType, this.le);
    writeU32(fixed, 4, registered.snapLen, this.le);
    const list: RawOption[] = [];
    if (options.name !== undefined) list.push(stringOption(Option.IF_NAME, options.name, 'pcapng interface: name'));
    list.push({ code: Option.IF_TSRESOL, value: Buffer.from([registered.tsresol]) });
    this.interfaces.push(registered);
    return { id: this.interfaces.length - 1, block: this.block(BlockType.INTERFACE_DESCRIPTION, [fixed, this.options(list)]) };
  }

  /**
   * An Enhanced Packet Block for the record, preceded by an IDB when the record's link type needed
   * a new interface. Interface choice: `interfaceId` if given (must be registered), else the first
   * interface with the record's `linkType` (added if none), else interface 0.
   */
  record(record: CaptureRecordInput): Buffer {
    const index = this.count;
    const where = `pcapng record ${index}`;
    const originalLength = checkRecord('pcapng', record, index);
    const id = this.interfaceFor(record, where, index);
    // A new interface is only registered once the record is known to be writable.
    const iface = this.interfaces[id] ?? this.newInterface(record.linkType ?? 0, {});

    const units = nsToUnits(record.timestampNs, iface.tsresol);
    if (units > 0xffffffffffffffffn) {
      throw new InputError(`${where}: timestamp ${record.timestampNs}ns does not fit 64 bits at if_tsresol ${iface.tsresol}`, index);
    }
    const capturedLength = iface.snapLen === 0 ? record.data.length : Math.min(record.data.length, iface.snapLen);
    const body = Buffer.alloc(20 + pad4(capturedLength)); // zero-filled, so the data padding is 0
    writeU32(body, 0, id, this.le);
    writeU32(body, 4, Number(units >> 32n), this.le);
    writeU32(body, 8, Number(units & 0xffffffffn), this.le);
    writeU32(body, 12, capturedLength, this.le);
    writeU32(body, 16, originalLength, this.le);
    body.set(record.data.subarray(0, capturedLength), 20);
    const list: RawOption[] = [];
    if (record.comment !== undefined) list.push(stringOption(Option.COMMENT, record.comment, `${where}: comment`, index));
    const epb = this.block(BlockType.ENHANCED_PACKET, [body, this.options(list)]);

    this.count++;
    if (id < this.interfaces.length) return epb;
    const idb = this.addInterface(iface.linkType).block;
    return Buffer.concat([idb, epb]);
  }

  /**
   * Whether `packetInto` may write packets of interface `id`: registered, nanosecond timestamps
   * (if_tsresol 9) and no snap length, so a packet block is a plain copy.
   */
  canWritePacketsOf(id: number): boolean {
    const iface = this.interfaces[id];
    return iface !== undefined && iface.tsresol === PCAPNG_DEFAULT_TSRESOL && iface.snapLen === 0;
  }

  /**
   * Write an Enhanced Packet Block without options into `target` at `at` (the caller made room
   * for `32 + pad4(data.length)` bytes), for an interface `canWritePacketsOf` accepts; the
   * timestamp is in nanoseconds as two 32-bit halves. Returns the offset after the block: the same
   * bytes `record()` gives, without its allocations (traffic files write millions of them).
   */
  packetInto(target: Buffer, at: number, id: number, tsHigh: number, tsLow: number, data: Uint8Array): number {
    const length = data.length;
    const padded = (length + 3) & ~3;
    const total = 32 + padded;
    const le = this.le;
    put32(target, at, BlockType.ENHANCED_PACKET, le);
    put32(target, at + 4, total, le);
    put32(target, at + 8, id, le);
    put32(target, at + 12, tsHigh, le);
    put32(target, at + 16, tsLow, le);
    put32(target, at + 20, length, le);
    put32(target, at + 24, length, le);
    target.set(data, at + 28);
    for (let k = at + 28 + length; k < at + 28 + padded; k++) target[k] = 0;
    put32(target, at + 28 + padded, total, le);
    this.count++;
    return at + total;
  }

  /** The interface id for a record; `interfaceCount` means "a new interface for record.linkType". */
  private interfaceFor(record: CaptureRecordInput, where: string, index: number): number {
    if (record.interfaceId !== undefined) {
      const iface = this.interfaces[record.interfaceId];
      if (!Number.isInteger(record.interfaceId) || iface === undefined) {
        throw new InputError(
          `${where}: interfaceId ${record.interfaceId} is not registered (${this.interfaces.length} registered; use addInterface)`,
          index,
        );
      }
      if (record.linkType !== undefined && record.linkType !== iface.linkType) {
        throw new InputError(
          `${where}: link type ${record.linkType} differs from interface ${record.interfaceId}'s link type ${iface.linkType}`,
          index,
        );
      }
      return record.interfaceId;
    }
    if (record.linkType !== undefined) {
      const existing = this.interfaces.findIndex((i) => i.linkType === record.linkType);
      return existing >= 0 ? existing : this.interfaces.length;
    }
    if (this.interfaces.length === 0) {
      throw new InputError(`${where}: no interface registered; call addInterface(linkType) or give the record a linkType`, index);
    }
    return 0;
  }

  /** Validate interface settings (no side effects). */
  private newInterface(linkType: number, options: PcapngInterfaceOptions): Registered {
    const context = 'pcapng interface';
    return {
      linkType: checkInteger(context, 'linkType', linkType, 0, 0xffff),
      tsresol: checkInteger(context, 'tsresol', options.tsresol ?? PCAPNG_DEFAULT_TSRESOL, 0, 0xff),
      snapLen: checkInteger(context, 'snapLen', options.snapLen ?? 0, 0, 0xffffffff),
    };
  }

  private options(list: RawOption[]): Buffer {
    return encodeOptions(list, this.le);
  }

  /** Frame a block: type, total length, body (already 32-bit aligned), total length again. */
  private block(type: number, body: Buffer[]): Buffer {
    const bodyLength = body.reduce((sum, part) => sum + part.length, 0);
    const total = 12 + bodyLength;
    const head = Buffer.alloc(8);
    writeU32(head, 0, type, this.le);
    writeU32(head, 4, total, this.le);
    const tail = Buffer.alloc(4);
    writeU32(tail, 0, total, this.le);
    return Buffer.concat([head, ...body, tail], total);
  }
}

/** A 32-bit value in the file's byte order, byte by byte (no range checks: the callers' values fit). */
function put32(b: Buffer, at: number, v: number, le: boolean): void {
  if (le) {
    b[at] = v & 255;
    b[at + 1] = (v >>> 8) & 255;
    b[at + 2] = (v >>> 16) & 255;
    b[at + 3] = v >>> 24;
  } else {
    b[at] = v >>> 24;
    b[at + 1] = (v >>> 16) & 255;
    b[at + 2] = (v >>> 8) & 255;
    b[at + 3] = v & 255;
  }
}

/** A UTF-8 option; its length field is 16 bits, so longer text is refused rather than cut. */
function stringOption(code: number, text: string, what: string, index?: number): RawOption {
  const value = Buffer.from(String(text), 'utf8');
  if (value.length > 0xffff) {
    throw new InputError(`${what} is ${value.length} bytes of UTF-8; a pcapng option holds at most 65535`, index);
  }
  return { code, value };
}

/**
 * A whole pcapng file in memory (one section; interfaces of any link types; comments).
 *
 * @throws {@link InputError} a record for an interface that was not declared.
 * @example
 * {@includeCode ../../examples/api-tour.ts#capture-write}
 */
export function encodePcapng(records: Iterable<CaptureRecordInput>, options: PcapngWriteOptions = {}): Buffer {
  const encoder = new PcapngEncoder(options);
  const parts = [encoder.sectionHeader()];
  for (const iface of options.interfaces ?? []) parts.push(encoder.addInterface(iface.linkType, iface).block);
  for (const record of records) parts.push(encoder.record(record));
  return Buffer.concat(parts);
}
