/**
 * The `pcap` and `pcapng` transports: send appends a record to a capture file (no privileges,
 * nothing leaves the host: for CI artifacts and dry runs). Every packet is written exactly as
 * built. They cannot receive.
 */
import type { Writable } from 'node:stream';
import { createCaptureWriter, type PcapWriter, type PcapngWriter } from '../../capture/writers.js';
import { LinkType, linkTypeForLayer } from '../../capture/link-types.js';
import { TransportArgumentError, TransportClosedError, TransportUnsupportedError } from '../errors.js';
import { nowNs, outgoing, type Outgoing } from './outgoing.js';
import { appendPcap, appendPcapng, existingCapture, PcapAppender } from './capture-append.js';
import type { ReceivedPacket, Sendable, SendManyResult, SendResult, Transport } from '../transport.js';

/** Where a capture transport writes: the format, the file or stream, appending or not, the link type. */
export interface CaptureTransportOptions {
  readonly kind: 'pcap' | 'pcapng';
  /** File to create (or truncate; with `append`, to add to). Give this or `stream`. */
  readonly path?: string;
  /**
   * Add to the file at `path` when it exists (default false: truncate): pcapng as a new
   * section, pcap as records of the file's link type. A file of the other format is refused.
   */
  readonly append?: boolean;
  /** Or any Writable (ended by close()). */
  readonly stream?: Writable;
  /**
   * pcap: the file's link type (one per file). Default: from the first packet (RAW for IP,
   * ETHERNET, LINUX_SLL), RAW when nothing is sent.
   */
  readonly linkType?: number;
}

/** The capture link type of a packet starting with `layer`. */
export function linkTypeOf(layer: string): number {
  return linkTypeForLayer(layer);
}

/**
 * A transport that writes what it sends to a pcap or pcapng file: no privileges, nothing on the network.
 * @throws {@link TransportUnsupportedError} `receive()`: a capture file only takes packets.
 * @throws {@link CaptureWriteError} the file cannot be written.
 * @throws {@link TransportArgumentError} a bad option.
 * @example
 * {@includeCode ../../../examples/api-transport.ts#capture-transport}
 */
export class CaptureTransport implements Transport {
  readonly kind: 'pcap' | 'pcapng';
  readonly #options: CaptureTransportOptions;
  #writer: PcapWriter | PcapngWriter | PcapAppender | undefined;
  #pcapLinkType: number | undefined;
  #closed = false;
  /** Sends are appended in call order, even when the caller does not await each one. */
  #queue: Promise<unknown> = Promise.resolve();

  constructor(options: CaptureTransportOptions) {
    if (options.kind !== 'pcap' && options.kind !== 'pcapng') throw new TransportArgumentError('kind', options.kind, "'pcap' or 'pcapng'");
    if ((options.path === undefined) === (options.stream === undefined)) {
      throw new TransportArgumentError('path', options.path, 'a file path, or a stream (exactly one of path and stream)');
    }
    this.kind = options.kind;
    this.#options = options;
    // Refuse a file of the other format now, before anything is sent or written.
    if (options.append && options.path !== undefined) {
      const found = existingCapture(options.path);
      if (found.kind !== 'none' && found.kind !== options.kind) {
        const other = found.kind === 'other' ? 'it is not a capture file: give a new path' : `it holds a ${found.kind} file: use the ${found.kind} transport`;
        throw new TransportArgumentError('path', options.path, `a ${options.kind} file to append to (${other})`);
      }
    }
  }

  get closed(): boolean {
    return this.#closed;
  }

  send(packet: Sendable): Promise<SendResult> {
    if (this.#closed) return Promise.reject(new TransportClosedError(this.kind, 'send'));
    let out: Outgoing;
    try {
      out = outgoing(packet);
    } catch (error) {
      return Promise.reject(error);
    }
    const result = this.#queue.then(() => this.#write(out));
    this.#queue = result.catch(() => undefined);
    return result;
  }

  async sendMany(packets: Iterable<Sendable>): Promise<SendManyResult> {
    const startedAt = nowNs();
    let sent = 0;
    let bytes = 0;
    for (const p of packets) {
      const r = await this.send(p);
      sent++;
      bytes += r.sentBytes;
    }
    return { sent, bytes, retries: 0, calls: sent, notHonoured: [], startedAt, endedAt: nowNs() };
  }

  receive(): AsyncIterable<ReceivedPacket> {
    const where = this.#options.path ?? 'its stream';
    throw new TransportUnsupportedError(
      this.kind,
      'receive',
      `it only writes packets to ${where}; read them back with readCapture(), or use the raw or memory transport to receive`,
    );
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#queue;
    // Appending nothing leaves the file as it was.
    if (this.#writer === undefined && this.#options.append && this.#options.path !== undefined && existingCapture(this.#options.path).kind !== 'none') return;
    // A file with no packets is still a valid, empty capture.
    const writer = this.#writer ?? this.#open(this.#options.linkType ?? LinkType.RAW);
    await writer.close();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  async #write(out: Outgoing): Promise<SendResult> {
    const linkType = linkTypeOf(out.firstLayer);
    const writer = this.#writer ?? this.#open(this.#options.linkType ?? linkType);
    if (this.kind === 'pcap' && linkType !== this.#pcapLinkType) {
      throw new TransportArgumentError(
        'packet',
        `a packet starting with ${out.firstLayer} (link type ${linkType})`,
        `link type ${this.#pcapLinkType} (${this.#options.append ? "the file's" : "the first packet's"}): a pcap file holds one link type; use the pcapng transport for mixed packets`,
      );
    }
    const sentAt = nowNs();
    await writer.write({ data: out.bytes, timestampNs: sentAt, linkType });
    return {
      bytes: out.bytes,
      sentBytes: out.bytes.length,
      destination: out.ip?.dst,
      family: out.ip?.family,
      sentAt,
      retries: 0,
      notHonoured: [],
    };
  }

  #open(linkType: number): PcapWriter | PcapngWriter | PcapAppender {
    const destination = this.#options.path ?? this.#options.stream!;
    if (this.#options.append && this.#options.path !== undefined) {
      const appender = this.kind === 'pcap' ? appendPcap(this.#options.path) : appendPcapng(this.#options.path);
      if (appender !== undefined) {
        if (appender instanceof PcapAppender) this.#pcapLinkType = appender.linkType;
        this.#writer = appender;
        return appender;
      }
    }
    if (this.kind === 'pcap') {
      this.#pcapLinkType = linkType;
      this.#writer = createCaptureWriter(destination, { format: 'pcap', linkType });
    } else {
      this.#writer = createCaptureWriter(destination, { format: 'pcapng' });
    }
    return this.#writer;
  }
}
