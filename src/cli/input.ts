/**
 * Reading packets for the CLI from a file or stdin: pcap, pcapng (detected by magic number), or
 * text with one hex packet per line. Capture files stream; text is read line by line.
 */
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { readCapture, type CaptureSource } from '../capture/index.js';
import { layerForLinkType } from '../codec/decode.js';
import { parseHex } from '../codec/bytes.js';
import { CliError } from './cli-error.js';
import { expressionPacket, isExpressionArg } from './expr-input.js';

export interface InputPacket {
  readonly index: number;
  readonly bytes: Buffer;
  /** First layer to decode with. */
  readonly from: string;
  readonly timestampNs?: bigint;
  readonly linkType?: number;
}

const CAPTURE_MAGICS = new Set([0xa1b2c3d4, 0xd4c3b2a1, 0xa1b23c4d, 0x4d3cb2a1, 0x0a0d0d0a]);

function isCaptureMagic(head: Buffer): boolean {
  return head.length >= 4 && CAPTURE_MAGICS.has(head.readUInt32BE(0));
}

/** Parse one line of hex text (spaces, colons and a leading 0x allowed); undefined for blank or comment lines. */
export function hexLine(line: string, index: number): Buffer | undefined {
  const text = line.replace(/#.*/, '').trim();
  if (!text) return undefined;
  const clean = text.replace(/^0x/i, '').replace(/[\s:]/g, '');
  const bytes = parseHex(clean);
  if (!bytes) {
    const bad = clean.search(/[^0-9a-fA-F]/);
    throw new CliError(`packet ${index}: not hex${bad >= 0 ? ` (character ${JSON.stringify(clean[bad])})` : ' (odd number of digits)'}`);
  }
  return bytes;
}

async function peek(path: string): Promise<Buffer> {
  const handle = await open(path, 'r').catch((e: NodeJS.ErrnoException) => {
    throw new CliError(`cannot open ${path}: ${e.code === 'ENOENT' ? 'no such file' : e.message}`);
  });
  try {
    const head = Buffer.alloc(4);
    const { bytesRead } = await handle.read(head, 0, 4, 0);
    return head.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

async function* fromCapture(source: CaptureSource, startIndex: number): AsyncGenerator<InputPacket> {
  let index = startIndex;
  for await (const record of readCapture(source)) {
    const from = layerForLinkType(record.linkType);
    if (!from) throw new CliError(`packet ${index}: link type ${record.linkType} is not supported (RAW 101, IPV4 228, IPV6 229, ETHERNET 1, LINUX_SLL 113 are)`);
    yield { index, bytes: record.data, from, timestampNs: record.timestampNs, linkType: record.linkType };
    index++;
  }
}

/** One text line to a packet (its bytes and first layer); undefined for a line without one. */
export type LineReader = (line: string, index: number) => { readonly bytes: Buffer; readonly from: string } | undefined;

/** A hex line (see hexLine) as a packet whose first layer is found from its bytes. */
export const hexPacketLine: LineReader = (line, index) => {
  const bytes = hexLine(line, index);
  return bytes && { bytes, from: 'auto' };
};

async function* fromLines(lines: AsyncIterable<string>, startIndex: number, readLine: LineReader): AsyncGenerator<InputPacket> {
  let index = startIndex;
  for await (const line of lines) {
    const packet = readLine(line, index);
    if (packet) yield { index: index++, ...packet };
  }
}

/** Packets from `--hex` arguments, then from a file or stdin (`-`) when given. */
export function readPackets(file: string | undefined, hexArgs: readonly string[], stdin: Readable): AsyncGenerator<InputPacket> {
  return readInput(file, hexArgs, stdin, hexPacketLine);
}

/**
 * Packets from `--hex` arguments, then from a file or stdin (`-`) when given: an expression,
 * a capture file (by magic number), or text whose lines `readLine` reads.
 */
export async function* readInput(file: string | undefined, hexArgs: readonly string[], stdin: Readable, readLine: LineReader): AsyncGenerator<InputPacket> {
  let index = 0;
  for (const hex of hexArgs) {
    const bytes = hexLine(hex, index);
    if (bytes) yield { index: index++, bytes, from: 'auto' };
  }
  if (file === undefined) return;
  if (isExpressionArg(file)) {
    yield { index: index++, ...expressionPacket(file) };
    return;
  }
  if (file === '-') {
    // stdin cannot be peeked and rewound: read it whole (captures piped in are small enough).
    const chunks: Buffer[] = [];
    for await (const chunk of stdin) chunks.push(chunk as Buffer);
    const all = Buffer.concat(chunks);
    if (isCaptureMagic(all)) yield* fromCapture((async function* () { yield all; })(), index);
    else yield* fromLines((async function* () { yield* all.toString('utf8').split(/\r?\n/); })(), index, readLine);
    return;
  }
  if (isCaptureMagic(await peek(file))) yield* fromCapture(file, index);
  else yield* fromLines(createInterface({ input: createReadStream(file), crlfDelay: Infinity }), index, readLine);
}

/** Lines of text from a file or stdin. */
export function readLines(file: string | undefined, stdin: Readable): AsyncIterable<string> {
  const input = file === undefined || file === '-' ? stdin : createReadStream(file);
  return createInterface({ input, crlfDelay: Infinity });
}
