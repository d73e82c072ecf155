import type { ByteQueue } from './byte-queue.js';
import { CaptureFormatError } from './errors.js';
import type { CaptureRecord } from './record.js';

/** Limits that keep a corrupt length field from making a reader buffer the whole file. */
export interface ReadCaptureOptions {
  /** Largest pcap record or pcapng block accepted, in bytes. Default 16 MiB (Wireshark's pcapng limit). */
  maxRecordBytes?: number;
}

export const DEFAULT_MAX_RECORD_BYTES = 16 * 1024 * 1024;

/** One file format's incremental parser. Both the sync and the streaming readers drive it. */
export interface FormatDecoder {
  /** The next packet, or null when more bytes are needed. Throws CaptureFormatError on bad data. */
  next(queue: ByteQueue): CaptureRecord | null;
  /** The input has ended: throws CaptureFormatError if it stopped inside a header or record. */
  end(queue: ByteQueue): void;
}

/** What a decoder was waiting for when it returned null, so `end()` can say what was cut off. */
export interface Shortfall {
  what: string;
  needed: number;
  recordIndex: number;
}

/** The error for an input that ends part-way through what `shortfall` describes. */
export function truncatedError(shortfall: Shortfall, queue: ByteQueue): CaptureFormatError {
  const got = queue.available;
  return new CaptureFormatError(
    `${shortfall.what} needs ${shortfall.needed} bytes but the file ends after ${got} byte${got === 1 ? '' : 's'}`,
    queue.offset,
    shortfall.recordIndex,
  );
}
