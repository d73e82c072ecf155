import type { Writable } from 'node:stream';
import { InputError, formatValue } from '../codec/errors.js';
import { PcapEncoder, type PcapWriteOptions } from './pcap-encoder.js';
import { PcapngEncoder, type PcapngInterfaceOptions, type PcapngWriteOptions } from './pcapng-encoder.js';
import type { CaptureRecordInput } from './record.js';
import { StreamSink } from './stream-sink.js';
import { AtomicFile } from './atomic-file.js';

/**
 * Streams a classic pcap file to a Writable. The file header is written at construction.
 * @throws {@link CaptureWriteError} the destination failed, or a write after `close()`.
 * @throws {@link InputError} a record of another link type than the file's.
 * @example
 * {@includeCode ../../examples/api-capture.ts#writers}
 */
export class PcapWriter {
  private readonly encoder: PcapEncoder;
  private readonly sink: StreamSink;

  /** `file`: the atomic file `destination` writes to, committed by close() and discarded by abort(). */
  constructor(destination: Writable, options: PcapWriteOptions, private readonly file?: AtomicFile) {
    this.encoder = new PcapEncoder(options);
    this.sink = new StreamSink(destination);
    this.sink.writeNow(this.encoder.fileHeader());
  }

  get linkType(): number {
    return this.encoder.linkType;
  }

  /** Append one packet. Resolves when the destination can take more (waits for 'drain' if needed). */
  async write(record: CaptureRecordInput): Promise<void> {
    await this.sink.write(this.encoder.record(record));
  }

  /** Flush and end the destination; resolves when the file is complete (and, for a path, in place). */
  close(): Promise<void> {
    return closeWriter(this.sink, this.file);
  }

  /** Give up: a file created for a path is removed (nothing is left behind); a stream is destroyed. */
  abort(): void {
    this.sink.abort();
    this.file?.discard();
  }
}

/** Bytes of packet blocks gathered before one write to the destination (writePacket). */
const CHUNK = 256 * 1024;

/**
 * Streams a single-section pcapng file to a Writable. The SHB (and any given IDBs) are written at construction.
 * @throws {@link CaptureWriteError} the destination failed, or a write after `close()`.
 * @throws {@link InputError} a record for an interface that was not declared.
 * @example
 * {@includeCode ../../examples/api-capture.ts#writers}
 */
export class PcapngWriter {
  private readonly encoder: PcapngEncoder;
  private readonly sink: StreamSink;
  /** Packet blocks from writePacket not yet handed to the destination: chunk[0, used). */
  private chunk: Buffer | undefined = undefined;
  private used = 0;

  /** `file`: the atomic file `destination` writes to, committed by close() and discarded by abort(). */
  constructor(destination: Writable, options: PcapngWriteOptions = {}, private readonly file?: AtomicFile) {
    this.encoder = new PcapngEncoder(options);
    this.sink = new StreamSink(destination);
    this.sink.writeNow(this.encoder.sectionHeader());
    for (const iface of options.interfaces ?? []) this.addInterface(iface.linkType, iface);
  }

  /** Register an interface and write its IDB now; returns its id for `record.interfaceId`. */
  addInterface(linkType: number, options: PcapngInterfaceOptions = {}): number {
    const { id, block } = this.encoder.addInterface(linkType, options);
    // Not awaited (this method is sync): any backpressure is waited for by the next write() or close().
    this.flushChunk();
    this.sink.writeNow(block);
    return id;
  }

  /** Append one packet. Resolves when the destination can take more (waits for 'drain' if needed). */
  async write(record: CaptureRecordInput): Promise<void> {
    const block = this.encoder.record(record);
    this.flushChunk();
    await this.sink.write(block);
  }

  /**
   * Append one packet without options, its timestamp in nanoseconds as two 32-bit halves, for
   * writers of millions of packets: blocks are gathered into large chunks written at once.
   * Returns a promise only when the destination is full (await it before the next packet), else
   * undefined. Interfaces with another if_tsresol or a snap length take the `write` path.
   */
  writePacket(interfaceId: number, tsHigh: number, tsLow: number, data: Uint8Array): Promise<void> | undefined {
    if (!this.encoder.canWritePacketsOf(interfaceId)) {
      return this.write({ data, timestampNs: BigInt(tsHigh) * 0x100000000n + BigInt(tsLow), interfaceId });
    }
    const need = 32 + ((data.length + 3) & ~3);
    let chunk = this.chunk;
    if (chunk === undefined || this.used + need > chunk.length) {
      this.flushChunk();
      chunk = this.chunk = Buffer.allocUnsafe(Math.max(CHUNK, need));
    }
    this.used = this.encoder.packetInto(chunk, this.used, interfaceId, tsHigh, tsLow, data);
    return this.sink.pending ?? undefined;
  }

  /** Hand the gathered packet blocks to the destination (not waiting: the next write waits). */
  private flushChunk(): void {
    if (this.chunk === undefined || this.used === 0) return;
    const full = this.chunk.subarray(0, this.used);
    this.chunk = undefined;
    this.used = 0;
    this.sink.writeNow(full);
  }

  /** Flush and end the destination; resolves when the file is complete (and, for a path, in place). */
  close(): Promise<void> {
    try {
      this.flushChunk();
    } catch (error) {
      this.file?.discard();
      return Promise.reject(error);
    }
    return closeWriter(this.sink, this.file);
  }

  /** Give up: a file created for a path is removed (nothing is left behind); a stream is destroyed. */
  abort(): void {
    this.chunk = undefined;
    this.sink.abort();
    this.file?.discard();
  }
}

async function closeWriter(sink: StreamSink, file: AtomicFile | undefined): Promise<void> {
  try {
    await sink.close();
    await file?.commit();
  } catch (error) {
    file?.discard();
    throw error;
  }
}

/** A capture file format: `pcap` or `pcapng`. */
export type CaptureFormat = 'pcap' | 'pcapng';

/** Options of `createCaptureWriter()`: the format and that format's write options. */
export type CreateCaptureWriterOptions =
  | ({ format: 'pcap' } & PcapWriteOptions)
  | ({ format: 'pcapng'; /** Registered as interface 0 when given. */ linkType?: number } & PcapngWriteOptions);

/**
 * A writer for a file path or a Writable. A path is written to a temporary file next to it and
 * renamed into place by `close()`: the file appears complete or not at all (`abort()`, or a
 * process that ends first, removes it). Throws CaptureWriteError at once when the path cannot be written.
 *
 * @throws {@link CaptureWriteError} at once, when the path cannot be written.
 * @throws {@link InputError} a format other than 'pcap' or 'pcapng'.
 * @example
 * {@includeCode ../../examples/api-tour.ts#capture-write}
 */
export function createCaptureWriter(destination: string | Writable, options: { format: 'pcap' } & PcapWriteOptions): PcapWriter;
export function createCaptureWriter(
  destination: string | Writable,
  options: { format: 'pcapng'; linkType?: number } & PcapngWriteOptions,
): PcapngWriter;
export function createCaptureWriter(
  destination: string | Writable,
  options: CreateCaptureWriterOptions,
): PcapWriter | PcapngWriter;
export function createCaptureWriter(
  destination: string | Writable,
  options: CreateCaptureWriterOptions,
): PcapWriter | PcapngWriter {
  if (options.format !== 'pcap' && options.format !== 'pcapng') {
    throw new InputError(`createCaptureWriter: format ${formatValue((options as { format: unknown }).format)} is not 'pcap' or 'pcapng'`);
  }
  const file = typeof destination === 'string' ? new AtomicFile(destination) : undefined;
  const stream = file ? file.stream : (destination as Writable);
  try {
    if (options.format === 'pcap') return new PcapWriter(stream, options, file);
    const interfaces =
      options.linkType === undefined ? options.interfaces : [{ linkType: options.linkType }, ...(options.interfaces ?? [])];
    return new PcapngWriter(stream, { ...options, interfaces }, file);
  } catch (error) {
    // Bad options: leave neither a file nor a descriptor behind the exception.
    file?.discard();
    throw error;
  }
}
