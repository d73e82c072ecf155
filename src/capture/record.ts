import type { SnapLengthError } from './errors.js';

/**
 * One packet read from a capture file.
 * @example
 * {@includeCode ../../examples/api-capture.ts#capture-record}
 */
export interface CaptureRecord {
  /** LINKTYPE_* value of the interface the packet was captured on (see `LinkType`). */
  linkType: number;
  /** Capture time in nanoseconds since the Unix epoch (0n when the format stores none, e.g. pcapng SPB). */
  timestampNs: bigint;
  /** The captured bytes (a copy, owned by the record). May be shorter than `originalLength`. */
  data: Buffer;
  /** Length of the packet on the wire; larger than `data.length` when the capture was truncated. */
  originalLength: number;
  /** pcapng interface id within its section; always 0 for pcap. */
  interfaceId: number;
  /** pcapng opt_comment (the first one, when a block has several). */
  comment?: string;
  /** What the file says about the record that contradicts the file (more bytes than the snap length); absent when nothing. */
  issues?: SnapLengthError[];
}

/** A packet to write. A `CaptureRecord` read from any file is accepted as is. */
export interface CaptureRecordInput {
  /** Packet bytes, starting with the link-layer header of the link type. */
  data: Uint8Array;
  /** Capture time in nanoseconds since the Unix epoch. */
  timestampNs: bigint;
  /** Wire length; defaults to `data.length`. Must not be smaller than `data.length`. */
  originalLength?: number;
  /** pcap: must equal the file's link type when given. pcapng: picks (or adds) an interface when `interfaceId` is absent. */
  linkType?: number;
  /** pcapng interface to write on; must have been registered. Ignored by pcap. */
  interfaceId?: number;
  /** pcapng opt_comment. Ignored by pcap, which has no place for it. */
  comment?: string;
}
