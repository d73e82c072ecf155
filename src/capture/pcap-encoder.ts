import { InputError } from '../codec/errors.js';
import { writeU16, writeU32, type ByteOrder } from './bytes.js';
import {
  PCAP_DEFAULT_SNAPLEN,
  PCAP_FILE_HEADER_LENGTH,
  PCAP_MAGIC_MICRO,
  PCAP_MAGIC_NANO,
  PCAP_RECORD_HEADER_LENGTH,
  PCAP_VERSION_MAJOR,
  PCAP_VERSION_MINOR,
  type PcapResolution,
} from './pcap-format.js';
import { roundedDivide } from './pcapng-format.js';
import type { CaptureRecordInput } from './record.js';
import { checkInteger, checkRecord } from './validate.js';

/** How a pcap file is written: link type, byte order, timestamp resolution, snap length. */
export interface PcapWriteOptions {
  /** LINKTYPE_* of every packet in the file (see `LinkType`). */
  linkType: number;
  /** Default `'little'`, as libpcap writes on x86. */
  byteOrder?: ByteOrder;
  /** Timestamp resolution: `'us'` (magic a1b2c3d4, the default) or `'ns'` (magic a1b23c4d). */
  resolution?: PcapResolution;
  /** Snapshot length; longer packets are cut to it (keeping their original length). Default 262144. */
  snapLen?: number;
}

/** Turns records into pcap bytes (draft-ietf-opsawg-pcap sections 4 and 5). Keeps a record count for errors. */
export class PcapEncoder {
  readonly linkType: number;
  readonly byteOrder: ByteOrder;
  readonly resolution: PcapResolution;
  readonly snapLen: number;
  private readonly le: boolean;
  private count = 0;

  constructor(options: PcapWriteOptions) {
    this.linkType = checkInteger('pcap writer', 'linkType', options.linkType, 0, 0xffff);
    this.byteOrder = options.byteOrder ?? 'little';
    if (this.byteOrder !== 'little' && this.byteOrder !== 'big') {
      throw new InputError(`pcap writer: byteOrder must be 'little' or 'big'`);
    }
    this.resolution = options.resolution ?? 'us';
    if (this.resolution !== 'us' && this.resolution !== 'ns') {
      throw new InputError(`pcap writer: resolution must be 'us' or 'ns'`);
    }
    this.snapLen = checkInteger('pcap writer', 'snapLen', options.snapLen ?? PCAP_DEFAULT_SNAPLEN, 1, 0xffffffff);
    this.le = this.byteOrder === 'little';
  }

  fileHeader(): Buffer {
    const out = Buffer.alloc(PCAP_FILE_HEADER_LENGTH); // reserved fields (ex thiszone/sigfigs) stay 0
    writeU32(out, 0, this.resolution === 'ns' ? PCAP_MAGIC_NANO : PCAP_MAGIC_MICRO, this.le);
    writeU16(out, 4, PCAP_VERSION_MAJOR, this.le);
    writeU16(out, 6, PCAP_VERSION_MINOR, this.le);
    writeU32(out, 16, this.snapLen, this.le);
    writeU32(out, 20, this.linkType, this.le);
    return out;
  }

  record(record: CaptureRecordInput): Buffer {
    const index = this.count;
    const originalLength = checkRecord('pcap', record, index);
    if (record.linkType !== undefined && record.linkType !== this.linkType) {
      throw new InputError(
        `pcap record ${index}: link type ${record.linkType} differs from the file's link type ${this.linkType}`,
        index,
      );
    }
    // Microsecond files round to the nearest microsecond (carrying into the seconds when needed).
    const perSecond = this.resolution === 'ns' ? 1_000_000_000n : 1_000_000n;
    const units = this.resolution === 'ns' ? record.timestampNs : roundedDivide(record.timestampNs, 1000n);
    const seconds = units / perSecond;
    const fraction = units % perSecond;
    if (seconds > 0xffffffffn) {
      throw new InputError(`pcap record ${index}: timestamp ${record.timestampNs}ns is past 2106, beyond pcap's 32-bit seconds`, index);
    }
    const capturedLength = Math.min(record.data.length, this.snapLen);

    const out = Buffer.alloc(PCAP_RECORD_HEADER_LENGTH + capturedLength);
    writeU32(out, 0, Number(seconds), this.le);
    writeU32(out, 4, Number(fraction), this.le);
    writeU32(out, 8, capturedLength, this.le);
    writeU32(out, 12, originalLength, this.le);
    out.set(record.data.subarray(0, capturedLength), PCAP_RECORD_HEADER_LENGTH);
    this.count++;
    return out;
  }
}

/**
 * A whole pcap file in memory, for records of one link type (`createCaptureWriter` streams instead).
 *
 * @throws {@link InputError} a record of another link type than the file's.
 * @example
 * {@includeCode ../../examples/api-capture.ts#writers}
 */
export function encodePcap(records: Iterable<CaptureRecordInput>, options: PcapWriteOptions): Buffer {
  const encoder = new PcapEncoder(options);
  const parts = [encoder.fileHeader()];
  for (const record of records) parts.push(encoder.record(record));
  return Buffer.concat(parts);
}
