import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { InputError } from '../codec/errors.js';
import { ByteQueue } from './byte-queue.js';
import { hex32 } from './bytes.js';
import { DEFAULT_MAX_RECORD_BYTES, type FormatDecoder, type ReadCaptureOptions } from './decoder.js';
import { CaptureFormatError } from './errors.js';
import { PcapDecoder } from './pcap-decoder.js';
import { pcapMagicInfo } from './pcap-format.js';
import { PcapngDecoder } from './pcapng-decoder.js';
import { BlockType } from './pcapng-format.js';
import type { CaptureRecord } from './record.js';
import { checkInteger } from './validate.js';

/**
 * Push-style reader of pcap or pcapng, detected from the first 4 bytes. Feed it chunks of any size
 * with `push()`, pull records with `next()` until it returns null, and call `end()` at end of input.
 * @throws {@link CaptureFormatError} from `next()` or `end()`: not a pcap or pcapng file, a damaged record, a file cut inside a record (with its byte offset).
 * @example
 * {@includeCode ../../examples/api-capture.ts#capture-decoder}
 */
export class CaptureDecoder {
  private readonly queue = new ByteQueue();
  private decoder: FormatDecoder | null = null;
  private readonly maxRecordBytes: number;

  constructor(options: ReadCaptureOptions = {}) {
    this.maxRecordBytes = checkInteger(
      'capture reader',
      'maxRecordBytes',
      options.maxRecordBytes ?? DEFAULT_MAX_RECORD_BYTES,
      1,
      0xffffffff,
    );
  }

  /** The detected format, once the first 4 bytes have arrived. */
  get format(): 'pcap' | 'pcapng' | undefined {
    if (this.decoder === null) return undefined;
    return this.decoder instanceof PcapDecoder ? 'pcap' : 'pcapng';
  }

  push(chunk: Uint8Array): void {
    this.queue.push(chunk);
  }

  /** The next complete record, or null until more bytes are pushed. Throws CaptureFormatError on bad data. */
  next(): CaptureRecord | null {
    if (this.decoder === null) {
      const magic = this.queue.peek(4);
      if (magic === null) return null;
      this.decoder = this.detect(magic);
    }
    return this.decoder.next(this.queue);
  }

  /** Input is over: throws CaptureFormatError if it was empty or stopped inside a header or record. */
  end(): void {
    if (this.decoder === null) {
      const got = this.queue.available;
      throw new CaptureFormatError(
        got === 0 ? 'the input is empty' : `the input has only ${got} byte${got === 1 ? '' : 's'}, too short for a magic number`,
        0,
        -1,
      );
    }
    this.decoder.end(this.queue);
  }

  private detect(magic: Buffer): FormatDecoder {
    if (pcapMagicInfo(magic.readUInt32LE(0)) !== null) return new PcapDecoder(this.maxRecordBytes);
    if (magic.readUInt32LE(0) === BlockType.SECTION_HEADER) return new PcapngDecoder(this.maxRecordBytes);
    throw new CaptureFormatError(
      `magic 0x${hex32(magic.readUInt32BE(0))} is neither pcap (a1b2c3d4, a1b23c4d, either byte order) nor pcapng (0a0d0d0a)`,
      0,
      -1,
    );
  }
}

/**
 * Every packet of a pcap or pcapng file held in memory.
 *
 * @throws {@link CaptureFormatError} not a pcap or pcapng file, or a damaged record (with its byte offset).
 * @example
 * {@includeCode ../../examples/api-tour.ts#capture-write}
 */
export function parseCapture(buf: Uint8Array, options: ReadCaptureOptions = {}): CaptureRecord[] {
  const decoder = new CaptureDecoder(options);
  decoder.push(buf);
  const records: CaptureRecord[] = [];
  for (let record = decoder.next(); record !== null; record = decoder.next()) records.push(record);
  decoder.end();
  return records;
}

/** Anything readCapture can read from: a file path, a byte stream, or any async iterable of byte chunks. */
export type CaptureSource = string | Readable | AsyncIterable<Uint8Array>;

/**
 * Stream the packets of a pcap or pcapng file. Reads chunk by chunk, so memory stays bounded by
 * one record plus one chunk. A bad record throws CaptureFormatError when it is reached, after all
 * earlier records have been yielded. Breaking out of the loop destroys the stream.
 *
 * @throws {@link CaptureFormatError} when a bad record is reached, after all earlier records were yielded.
 * @throws {@link InputError} a stream that yields strings instead of bytes; Node's file errors (ENOENT...) for a path.
 * @example
 * {@includeCode ../../examples/api-tour.ts#capture-read}
 */
export async function* readCapture(
  source: CaptureSource,
  options: ReadCaptureOptions = {},
): AsyncGenerator<CaptureRecord, void, undefined> {
  const decoder = new CaptureDecoder(options);
  const input: AsyncIterable<unknown> = typeof source === 'string' ? createReadStream(source) : source;
  for await (const chunk of input) {
    if (!(chunk instanceof Uint8Array)) {
      throw new InputError('readCapture: the stream yields strings, not bytes; do not set an encoding on it');
    }
    decoder.push(chunk);
    for (let record = decoder.next(); record !== null; record = decoder.next()) yield record;
  }
  decoder.end();
}
