/**
 * Appending to a capture file that exists (the pcap and pcapng transports with `append`):
 * - pcapng: a new section (SHB and its interfaces) after the last block; readers (Wireshark,
 *   tshark, readCapture) read every section of a file.
 * - pcap: records in the file's byte order, timestamp resolution and snapshot length, refused
 *   for a packet of another link type than the file's.
 * A file of the other format, or not a capture file, is refused: nothing is written to it.
 */
import { createWriteStream, openSync, readSync, closeSync, statSync } from 'node:fs';
import { createCaptureWriter, type PcapngWriter } from '../../capture/writers.js';
import { PcapEncoder } from '../../capture/pcap-encoder.js';
import { pcapMagicInfo } from '../../capture/pcap-format.js';
import { StreamSink } from '../../capture/stream-sink.js';
import type { CaptureRecordInput } from '../../capture/record.js';
import { TransportArgumentError } from '../errors.js';

const PCAPNG_MAGIC = 0x0a0d0d0a;

/** A pcap file's header, as read. */
interface PcapHeader {
  readonly le: boolean;
  readonly resolution: 'us' | 'ns';
  readonly snapLen: number;
  readonly linkType: number;
}

/** Appends records to a pcap file whose header is there already. */
export class PcapAppender {
  readonly linkType: number;
  readonly #encoder: PcapEncoder;
  readonly #sink: StreamSink;

  constructor(path: string, header: PcapHeader) {
    this.linkType = header.linkType;
    this.#encoder = new PcapEncoder({ linkType: header.linkType, byteOrder: header.le ? 'little' : 'big', resolution: header.resolution, snapLen: header.snapLen });
    this.#sink = new StreamSink(createWriteStream(path, { flags: 'a' }));
  }

  async write(record: CaptureRecordInput): Promise<void> {
    await this.#sink.write(this.#encoder.record(record));
  }

  close(): Promise<void> {
    return this.#sink.close();
  }
}

/** What is at `path`: nothing (missing or empty), a pcap file (with its header), a pcapng file, or something else. */
export function existingCapture(path: string): { kind: 'none' } | { kind: 'pcap'; header: PcapHeader } | { kind: 'pcapng' } | { kind: 'other' } {
  let size: number;
  try {
    size = statSync(path).size;
  } catch {
    return { kind: 'none' };
  }
  if (size === 0) return { kind: 'none' };
  const head = Buffer.alloc(24);
  const fd = openSync(path, 'r');
  let read: number;
  try {
    read = readSync(fd, head, 0, 24, 0);
  } finally {
    closeSync(fd);
  }
  if (read >= 4 && head.readUInt32BE(0) === PCAPNG_MAGIC) return { kind: 'pcapng' };
  const magic = read >= 24 ? pcapMagicInfo(head.readUInt32LE(0)) : null;
  if (!magic) return { kind: 'other' };
  const u32 = (at: number) => (magic.le ? head.readUInt32LE(at) : head.readUInt32BE(at));
  return { kind: 'pcap', header: { le: magic.le, resolution: magic.resolution, snapLen: u32(16) || 262144, linkType: u32(20) & 0xffff } };
}

/** A pcapng writer that appends a new section to `path` (which holds a pcapng file, or nothing). */
export function appendPcapng(path: string): PcapngWriter {
  const found = existingCapture(path);
  if (found.kind === 'pcap') throw new TransportArgumentError('path', path, 'a pcapng file to append to (it holds a pcap file: use the pcap transport, --transport pcap:PATH)');
  if (found.kind === 'other') throw new TransportArgumentError('path', path, 'a pcapng file to append to (it is not a capture file: give a new path)');
  return createCaptureWriter(found.kind === 'none' ? path : createWriteStream(path, { flags: 'a' }), { format: 'pcapng' });
}

/** A pcap writer for `path`: a PcapAppender when it holds a pcap file, undefined when it holds nothing. */
export function appendPcap(path: string): PcapAppender | undefined {
  const found = existingCapture(path);
  if (found.kind === 'pcapng') throw new TransportArgumentError('path', path, 'a pcap file to append to (it holds a pcapng file: use the pcapng transport, --transport pcapng:PATH)');
  if (found.kind === 'other') throw new TransportArgumentError('path', path, 'a pcap file to append to (it is not a capture file: give a new path)');
  return found.kind === 'pcap' ? new PcapAppender(path, found.header) : undefined;
}
