import type { ByteQueue } from './byte-queue.js';
import { hex32, pad4, readI64, readU16, readU32 } from './bytes.js';
import { truncatedError, type FormatDecoder, type Shortfall } from './decoder.js';
import { CaptureFormatError, SnapLengthError } from './errors.js';
import {
  BLOCK_OVERHEAD,
  BYTE_ORDER_MAGIC,
  BlockType,
  DEFAULT_TSRESOL,
  MIN_BLOCK_LENGTH,
  Option,
  optionString,
  parseOptions,
  unitsToNs,
  type RawOption,
} from './pcapng-format.js';
import type { CaptureRecord } from './record.js';

interface Interface {
  linkType: number;
  snapLen: number;
  tsresol: number;
  tsoffsetNs: bigint;
}

const blockNames: Record<number, string> = {
  [BlockType.SECTION_HEADER]: 'section header block',
  [BlockType.INTERFACE_DESCRIPTION]: 'interface description block',
  [BlockType.OBSOLETE_PACKET]: 'packet block',
  [BlockType.SIMPLE_PACKET]: 'simple packet block',
  [BlockType.ENHANCED_PACKET]: 'enhanced packet block',
};

function blockName(type: number): string {
  return blockNames[type] ?? `block of type 0x${hex32(type)}`;
}

/** Where the block being parsed sits, for error messages. */
interface Position {
  offset: number;
  index: number;
}

/** Incremental reader of a pcapng file (see pcapng-format.ts for the spec reference). */
export class PcapngDecoder implements FormatDecoder {
  /** Byte order of the current section; every SHB sets it anew. */
  private le = true;
  /** Interfaces of the current section, indexed by interface id. */
  private interfaces: Interface[] = [];
  private blockIndex = 0;
  private shortfall: Shortfall = { what: 'section header block', needed: BLOCK_OVERHEAD, recordIndex: 0 };

  constructor(private readonly maxRecordBytes: number) {}

  next(queue: ByteQueue): CaptureRecord | null {
    for (;;) {
      const at: Position = { offset: queue.offset, index: this.blockIndex };
      const head = queue.peek(8);
      if (head === null) {
        this.shortfall = { what: 'block header', needed: 8, recordIndex: at.index };
        return null;
      }
      // The SHB type reads the same in both byte orders, so it can be spotted before the order is known.
      const type = readU32(head, 0, this.le);
      if (type === BlockType.SECTION_HEADER) {
        const shbHead = queue.peek(BLOCK_OVERHEAD);
        if (shbHead === null) {
          this.shortfall = { what: 'section header block', needed: BLOCK_OVERHEAD, recordIndex: at.index };
          return null;
        }
        this.le = this.sectionByteOrder(shbHead, at);
      }

      const length = readU32(head, 4, this.le);
      this.checkLength(type, length, at);
      const block = queue.take(length);
      if (block === null) {
        this.shortfall = { what: blockName(type), needed: length, recordIndex: at.index };
        return null;
      }
      this.blockIndex++;
      const trailer = readU32(block, length - 4, this.le);
      if (trailer !== length) {
        fail(at, `trailing block length ${trailer} does not match the leading block length ${length}`);
      }

      switch (type) {
        case BlockType.SECTION_HEADER:
          this.readSectionHeader(block, at);
          break;
        case BlockType.INTERFACE_DESCRIPTION:
          this.readInterface(block, at);
          break;
        case BlockType.ENHANCED_PACKET:
          return this.readPacket(block, at, readU32(block, 8, this.le));
        case BlockType.OBSOLETE_PACKET:
          // Same layout as the EPB except a 16-bit interface id followed by a 16-bit drops count.
          return this.readPacket(block, at, readU16(block, 8, this.le));
        case BlockType.SIMPLE_PACKET:
          return this.readSimplePacket(block, at);
        default:
          // Unknown or uninteresting block (NRB, ISB, DSB, custom...): its length lets us skip it.
          break;
      }
    }
  }

  end(queue: ByteQueue): void {
    if (queue.available > 0) throw truncatedError(this.shortfall, queue);
  }

  private sectionByteOrder(shbHead: Buffer, at: Position): boolean {
    if (shbHead.readUInt32LE(8) === BYTE_ORDER_MAGIC) return true;
    if (shbHead.readUInt32BE(8) === BYTE_ORDER_MAGIC) return false;
    fail(at, `byte-order magic 0x${hex32(shbHead.readUInt32BE(8))} is neither 1a2b3c4d nor 4d3c2b1a`);
  }

  private checkLength(type: number, length: number, at: Position): void {
    const minimum = MIN_BLOCK_LENGTH[type] ?? BLOCK_OVERHEAD;
    if (length < minimum) fail(at, `block length ${length} is smaller than the ${minimum}-byte minimum`);
    if (length % 4 !== 0) fail(at, `block length ${length} is not a multiple of 4`);
    if (length > this.maxRecordBytes) fail(at, `block length ${length} exceeds the ${this.maxRecordBytes}-byte limit`);
  }

  private readSectionHeader(block: Buffer, at: Position): void {
    const major = readU16(block, 12, this.le);
    const minor = readU16(block, 14, this.le);
    if (major !== 1) fail(at, `pcapng version ${major}.${minor} is not supported (expected 1.x)`);
    this.options(block, 24, at); // validated, none of them is needed
    this.interfaces = []; // interface ids are local to a section
  }

  private readInterface(block: Buffer, at: Position): void {
    const iface: Interface = {
      linkType: readU16(block, 8, this.le),
      snapLen: readU32(block, 12, this.le),
      tsresol: DEFAULT_TSRESOL,
      tsoffsetNs: 0n,
    };
    for (const option of this.options(block, 16, at)) {
      if (option.code === Option.IF_TSRESOL) {
        if (option.value.length !== 1) fail(at, `if_tsresol option has length ${option.value.length}, expected 1`);
        iface.tsresol = option.value[0];
      } else if (option.code === Option.IF_TSOFFSET) {
        if (option.value.length !== 8) fail(at, `if_tsoffset option has length ${option.value.length}, expected 8`);
        iface.tsoffsetNs = readI64(option.value, 0, this.le) * 1_000_000_000n;
      }
    }
    this.interfaces.push(iface);
  }

  /** EPB and obsolete PB: timestamp, captured length, original length, data, options from offset 12 on. */
  private readPacket(block: Buffer, at: Position, interfaceId: number): CaptureRecord {
    const iface = this.interfaceAt(interfaceId, at);
    const units = (BigInt(readU32(block, 12, this.le)) << 32n) | BigInt(readU32(block, 16, this.le));
    const capturedLength = readU32(block, 20, this.le);
    const originalLength = readU32(block, 24, this.le);
    const room = block.length - 32;
    if (capturedLength > room) {
      fail(at, `captured length ${capturedLength} runs past the end of the block (${room} bytes of room)`);
    }
    const comment = this.options(block, 28 + pad4(capturedLength), at).find((o) => o.code === Option.COMMENT);
    const record: CaptureRecord = {
      linkType: iface.linkType,
      timestampNs: unitsToNs(units, iface.tsresol) + iface.tsoffsetNs,
      data: Buffer.from(block.subarray(28, 28 + capturedLength)),
      originalLength,
      interfaceId,
    };
    if (comment) record.comment = optionString(comment.value);
    if (iface.snapLen > 0 && capturedLength > iface.snapLen) {
      record.issues = [new SnapLengthError('pcapng', at.index, capturedLength, iface.snapLen)];
    }
    return record;
  }

  /** SPB: no timestamp, interface 0, captured length = min(original length, snaplen) (section 4.4). */
  private readSimplePacket(block: Buffer, at: Position): CaptureRecord {
    const iface = this.interfaceAt(0, at);
    const originalLength = readU32(block, 8, this.le);
    const capturedLength = iface.snapLen === 0 ? originalLength : Math.min(originalLength, iface.snapLen);
    const room = block.length - 16;
    if (capturedLength > room) {
      fail(at, `captured length ${capturedLength} runs past the end of the block (${room} bytes of room)`);
    }
    return {
      linkType: iface.linkType,
      timestampNs: 0n,
      data: Buffer.from(block.subarray(12, 12 + capturedLength)),
      originalLength,
      interfaceId: 0,
    };
  }

  private interfaceAt(id: number, at: Position): Interface {
    const iface = this.interfaces[id];
    if (iface === undefined) {
      const count = this.interfaces.length;
      fail(at, `interface ${id} is not defined (the section has ${count} interface${count === 1 ? '' : 's'})`);
    }
    return iface;
  }

  /** Options run from `start` to the trailing block length. */
  private options(block: Buffer, start: number, at: Position): RawOption[] {
    const parsed = parseOptions(block, start, block.length - 4, this.le);
    if (typeof parsed === 'string') fail(at, parsed);
    return parsed;
  }
}

function fail(at: Position, problem: string): never {
  throw new CaptureFormatError(problem, at.offset, at.index);
}
