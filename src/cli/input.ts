/**
 * Reading packets for the CLI from a file or stdin: pcap, pcapng (detected by magic number), or
 * text: one hex packet per line, or an offset-prefixed hex dump (see hex-dump.ts). Everything
 * streams. Anything a user can get wrong (a directory, a missing or unreadable file, an empty
 * or binary input) ends in a one-line CliError.
 */
import type { Readable } from 'node:stream';
import { firstLayerFor, readCapture, UnsupportedLinkTypeError, type CaptureSource } from '../capture/index.js';
import { parseHex } from '../codec/bytes.js';
import type { PacketError } from '../codec/errors.js';
import { CliError } from './cli-error.js';
import { expressionPackets, isExpressionArg } from './expr-input.js';
import { HexDumpReader, isDumpStart } from './hex-dump.js';
import { firstBytes, linesOf, looksLikeText, openInput, type OpenedInput } from './open-input.js';

export interface InputPacket {
  readonly index: number;
  readonly bytes: Buffer;
  /** First layer to decode with. */
  readonly from: string;
  readonly timestampNs?: bigint;
  readonly linkType?: number;
  /** What the capture file says is wrong with the record (lax mode only; strict mode throws). */
  readonly issues?: readonly PacketError[];
  /** pcapng interface id of a packet read from a capture. */
  readonly interfaceId?: number;
}

export interface ReadOptions {
  /** A capture record that contradicts its file (longer than the snap length) is an error; else an issue. Default true. */
  readonly strict?: boolean;
  /** Yield packets of link types rawcraft cannot decode (first layer `raw`) instead of failing. */
  readonly keepUnsupportedLinkTypes?: boolean;
  /** First layer of hex input (--hex, hex lines, hex dumps): `--from`. Default: guessed (`auto`, or Ethernet for a dump that looks like a frame). */
  readonly textFrom?: string;
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
  if (!bytes.length) throw new CliError(`packet ${index}: ${JSON.stringify(text)} has no hex digits: an empty packet, nothing to read`);
  return bytes;
}

async function* fromCapture(source: CaptureSource, startIndex: number, options: ReadOptions): AsyncGenerator<InputPacket> {
  let index = startIndex;
  for await (const record of readCapture(source)) {
    const from = firstLayerFor(record.linkType, record.data);
    if (!from && !options.keepUnsupportedLinkTypes) throw new CliError(`packet ${index}: ${new UnsupportedLinkTypeError(record.linkType, record.interfaceId).message}`);
    const issues = record.issues ?? [];
    if ((options.strict ?? true) && issues.length) throw new CliError(`packet ${index}: ${issues[0].message} (use --lax to read it anyway)`);
    yield { index, bytes: record.data, from: from ?? 'raw', timestampNs: record.timestampNs, linkType: record.linkType, interfaceId: record.interfaceId, ...(issues.length && { issues }) };
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

/**
 * Prose lines allowed before the first packet line: text a hex dump comes with (tcpdump's
 * summary line, the tree `decode --dump` prints before its dump). Beyond that the first one is an error.
 */
const MAX_LEADING_PROSE = 1000;

const isBlank = (line: string): boolean => !line.replace(/#.*/, '').trim();
/** Prose rather than a packet line: not JSON, not hex digits with spaces, colons and 0x. */
const isProse = (line: string): boolean => !line.trim().startsWith('{') && /[^0-9a-fA-Fx\s:]/.test(line.replace(/#.*/, ''));

/** EtherTypes a dumped Ethernet frame carries first: IPv4, ARP, 802.1Q, IPv6. */
const ETHER_TYPES = new Set([0x0800, 0x0806, 0x8100, 0x86dd]);

/**
 * A dump has no link type: tcpdump -xx prints the link-layer header. A frame that does not
 * start with an IP version and has an IP, ARP or VLAN EtherType at byte 12 is Ethernet.
 */
function dumpFirstLayer(bytes: Buffer): string {
  const version = bytes[0] >> 4;
  if (version !== 4 && version !== 6 && bytes.length >= 14 && ETHER_TYPES.has(bytes.readUInt16BE(12))) return 'ethernet';
  return 'auto';
}

/**
 * Packets of text: one per line (read by `readLine`), or an offset-prefixed hex dump when the
 * first packet line is a dump's offset 0 (prose lines before it are skipped, as text2pcap does).
 */
async function* fromText(lines: AsyncIterable<string>, startIndex: number, readLine: LineReader, textFrom: string | undefined): AsyncGenerator<InputPacket> {
  let index = startIndex;
  // Hex lines come back as 'auto' (JSON lines name their own first layer); --from replaces the guess.
  const named = (packet: { bytes: Buffer; from: string }) => (textFrom !== undefined && packet.from === 'auto' ? { ...packet, from: textFrom } : packet);
  let mode: 'undecided' | 'lines' | 'dump' = 'undecided';
  let firstProse: string | undefined;
  let prose = 0;
  const dump = new HexDumpReader();
  let lineNumber = 0;
  for await (const line of lines) {
    lineNumber++;
    if (mode === 'undecided') {
      if (isBlank(line)) continue;
      if (isDumpStart(line)) mode = 'dump';
      else if (isProse(line) && prose < MAX_LEADING_PROSE) {
        firstProse ??= line;
        prose++;
        continue;
      } else {
        mode = 'lines';
        if (firstProse !== undefined) readLine(firstProse, index); // throws: prose is not a packet
      }
    }
    if (mode === 'dump') {
      const bytes = dump.line(line, lineNumber);
      if (bytes) yield { index: index++, bytes, from: textFrom ?? dumpFirstLayer(bytes) };
    } else {
      const packet = readLine(line, index);
      if (packet) yield { index: index++, ...named(packet) };
    }
  }
  if (mode === 'undecided' && firstProse !== undefined) readLine(firstProse, index);
  const last = dump.finish();
  if (last) yield { index: index++, bytes: last, from: textFrom ?? dumpFirstLayer(last) };
}

/** Packets from `--hex` arguments, then from a file or stdin (`-`) when given. */
export function readPackets(file: string | undefined, hexArgs: readonly string[], stdin: Readable, options: ReadOptions = {}): AsyncGenerator<InputPacket> {
  return readInput(file, hexArgs, stdin, hexPacketLine, options);
}

/**
 * Packets from `--hex` arguments, then from a file or stdin (`-`) when given: an expression,
 * a capture file (by magic number), or text whose lines `readLine` reads. An input with no
 * packet at all is an error: there is nothing to do.
 */
export async function* readInput(file: string | undefined, hexArgs: readonly string[], stdin: Readable, readLine: LineReader, options: ReadOptions = {}): AsyncGenerator<InputPacket> {
  let index = 0;
  for (const hex of hexArgs) {
    const bytes = hexLine(hex, index);
    if (!bytes) throw new CliError(`--hex ${JSON.stringify(hex)}: no bytes, nothing to read`);
    yield { index: index++, bytes, from: options.textFrom ?? 'auto' };
  }
  if (file === undefined) return;
  if (isExpressionArg(file)) {
    for await (const packet of expressionPackets(file)) yield { index: index++, ...packet };
    return;
  }
  const input = await openInput(file, stdin);
  for await (const packet of packetsOf(input, index, readLine, options)) {
    yield packet;
    index++;
  }
  if (index === 0) throw new CliError(`${input.name}: no packets in the input${input.head.length ? '' : ' (it is empty)'}: nothing to read`);
}

function packetsOf(input: OpenedInput, index: number, readLine: LineReader, options: ReadOptions): AsyncGenerator<InputPacket> {
  if (isCaptureMagic(input.head)) return fromCapture(input.chunks, index, options);
  if (!looksLikeText(input.head)) {
    input.close();
    throw new CliError(`${input.name}: not a pcap, pcapng or hex file (first bytes: ${firstBytes(input.head)})`);
  }
  return fromText(linesOf(input.chunks), index, readLine, options.textFrom);
}

/** The non-blank lines of a text file or stdin; none at all is an input error. */
export async function* readLines(file: string | undefined, stdin: Readable): AsyncGenerator<string> {
  const input = await openInput(file ?? '-', stdin);
  if (!looksLikeText(input.head)) {
    input.close();
    throw new CliError(`${input.name}: not a text file (first bytes: ${firstBytes(input.head)})`);
  }
  let lines = 0;
  for await (const line of linesOf(input.chunks)) {
    if (!line.trim()) continue;
    lines++;
    yield line;
  }
  // As the packet readers: an input with nothing in it is a mistake (a wrong file, a filter that kept nothing), not success.
  if (lines === 0) throw new CliError(`${input.name}: no packets in the input${input.head.length ? '' : ' (it is empty)'}: nothing to read`);
}
