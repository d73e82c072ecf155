import type { ByteQueue } from './byte-queue.js';
import { readU16, readU32 } from './bytes.js';
import { truncatedError, type FormatDecoder, type Shortfall } from './decoder.js';
import { CaptureFormatError, SnapLengthError } from './errors.js';
import {
  PCAP_FILE_HEADER_LENGTH,
  PCAP_RECORD_HEADER_LENGTH,
  PCAP_VERSION_MAJOR,
  pcapMagicInfo,
} from './pcap-format.js';
import type { CaptureRecord } from './record.js';

interface PcapHeader {
  le: boolean;
  /** Nanoseconds per unit of the fractional timestamp field. */
  fractionNs: bigint;
  linkType: number;
  /** 0: none given. */
  snapLength: number;
}

/** Incremental reader of a classic pcap file (see pcap-format.ts for the spec reference). */
export class PcapDecoder implements FormatDecoder {
  private header: PcapHeader | null = null;
  private recordIndex = 0;
  private shortfall: Shortfall = { what: 'pcap file header', needed: PCAP_FILE_HEADER_LENGTH, recordIndex: -1 };

  constructor(private readonly maxRecordBytes: number) {}

  next(queue: ByteQueue): CaptureRecord | null {
    const header = this.header ?? this.readFileHeader(queue);
    if (header === null) return null;

    const start = queue.offset;
    const index = this.recordIndex;
    const fixed = queue.peek(PCAP_RECORD_HEADER_LENGTH);
    if (fixed === null) {
      this.shortfall = { what: 'record header', needed: PCAP_RECORD_HEADER_LENGTH, recordIndex: index };
      return null;
    }
    const seconds = readU32(fixed, 0, header.le);
    const fraction = readU32(fixed, 4, header.le);
    const capturedLength = readU32(fixed, 8, header.le);
    const originalLength = readU32(fixed, 12, header.le);
    if (capturedLength > this.maxRecordBytes) {
      throw new CaptureFormatError(
        `captured length ${capturedLength} exceeds the ${this.maxRecordBytes}-byte limit`,
        start,
        index,
      );
    }

    const total = PCAP_RECORD_HEADER_LENGTH + capturedLength;
    const bytes = queue.take(total);
    if (bytes === null) {
      this.shortfall = {
        what: `record (16-byte header + ${capturedLength} captured bytes)`,
        needed: total,
        recordIndex: index,
      };
      return null;
    }
    this.recordIndex++;
    const record: CaptureRecord = {
      linkType: header.linkType,
      timestampNs: BigInt(seconds) * 1_000_000_000n + BigInt(fraction) * header.fractionNs,
      // Copy: the record must not pin (or alias) the caller's chunk.
      data: Buffer.from(bytes.subarray(PCAP_RECORD_HEADER_LENGTH)),
      originalLength,
      interfaceId: 0,
    };
    if (header.snapLength > 0 && capturedLength > header.snapLength) {
      record.issues = [new SnapLengthError('pcap', index, capturedLength, header.snapLength)];
    }
    return record;
  }

  end(queue: ByteQueue): void {
    if (queue.available > 0 || this.header === null) throw truncatedError(this.shortfall, queue);
  }

  private readFileHeader(queue: ByteQueue): PcapHeader | null {
    const bytes = queue.peek(PCAP_FILE_HEADER_LENGTH);
    if (bytes === null) return null;
    const magic = pcapMagicInfo(bytes.readUInt32LE(0));
    if (magic === null) {
      throw new CaptureFormatError(`magic 0x${bytes.readUInt32BE(0).toString(16)} is not a pcap magic`, queue.offset, -1);
    }
    const major = readU16(bytes, 4, magic.le);
    const minor = readU16(bytes, 6, magic.le);
    if (major !== PCAP_VERSION_MAJOR) {
      throw new CaptureFormatError(`pcap version ${major}.${minor} is not supported (expected 2.x)`, queue.offset, -1);
    }
    queue.take(PCAP_FILE_HEADER_LENGTH);
    this.header = {
      le: magic.le,
      fractionNs: magic.resolution === 'ns' ? 1n : 1000n,
      // The upper 16 bits carry FCS information, not the link type (draft-ietf-opsawg-pcap section 4).
      linkType: readU32(bytes, 20, magic.le) & 0xffff,
      snapLength: readU32(bytes, 16, magic.le),
    };
    return this.header;
  }
}
