/**
 * Offset-prefixed hex dumps read by text2pcap's rules: `xxd`, `od -Ax -tx1`, `tcpdump -xx` /
 * `-XX`, `hexdump -C` and rawcraft's own `--dump`. A line starting with a hex offset of three or
 * more digits carries bytes; offset 0 starts a new packet; other lines (tcpdump's summary
 * lines, decoded trees) are ignored. Bytes end at the first token that is not a hex group of the
 * line's group width (a narrower one is the line's last), or at a gap of two spaces or more (the ASCII column), except hexdump -C's
 * gap after eight single bytes. An offset below the bytes read so far drops the excess (an
 * ASCII column that looked like hex); od's `*` (repeated lines) is expanded. Like text2pcap,
 * a plain hex line whose first group is three or more zeros (`0000 4500 ...`) reads as a dump.
 */
import { CliError } from './cli-error.js';

const OFFSET = /^\s*(?:0x)?([0-9a-fA-F]{3,12}):?(?=\s|$)/;

/** Whether a line is the first line of a dump: an offset of zero, then bytes. */
export function isDumpStart(line: string): boolean {
  const m = OFFSET.exec(line);
  return m !== null && /^0+$/.test(m[1]) && lineBytes(line.slice(m[0].length)).length > 0;
}

/** The byte groups after a line's offset, up to the ASCII column. */
function lineBytes(rest: string): number[] {
  const bytes: number[] = [];
  let width = 0;
  let groups = 0;
  for (const m of rest.matchAll(/(\s*)(\S+)/g)) {
    const [, gap, token] = m;
    const hexdumpMiddle = gap.length === 2 && width === 2 && groups === 8;
    if (groups > 0 && gap.length >= 2 && !hexdumpMiddle) break;
    if (!/^[0-9a-fA-F]+$/.test(token) || token.length % 2 !== 0 || token.length > 16) break;
    if (width === 0) width = token.length;
    else if (token.length > width) break;
    for (let i = 0; i < token.length; i += 2) bytes.push(parseInt(token.slice(i, i + 2), 16));
    groups++;
    // A narrower group ends the line: the odd byte of tcpdump's and xxd's 2-byte groups.
    if (token.length < width) break;
  }
  return bytes;
}

/** Packets of a hex dump, fed one line at a time. */
export class HexDumpReader {
  private packet: number[] | undefined;
  private previous: number[] = [];
  private repeated = false;

  /** Read one line; returns the previous packet when this line starts a new one. */
  line(text: string, lineNumber: number): Buffer | undefined {
    if (text.trim() === '*') {
      this.repeated = true;
      return undefined;
    }
    const m = OFFSET.exec(text);
    if (!m) return undefined;
    const offset = parseInt(m[1], 16);
    const bytes = lineBytes(text.slice(m[0].length));
    let done: Buffer | undefined;
    if (offset === 0) {
      done = this.finish();
      this.packet = [];
    } else if (this.packet === undefined) {
      throw new CliError(`line ${lineNumber}: hex dump offset 0x${m[1]} before any offset 0 (each packet's dump starts at offset 0)`);
    }
    const packet = this.packet!;
    if (offset > packet.length && this.repeated && this.previous.length) {
      // od prints `*` for lines equal to the one before: repeat it up to this offset.
      for (let i = 0; packet.length < offset; i++) packet.push(this.previous[i % this.previous.length]);
    }
    if (offset > packet.length) {
      throw new CliError(`line ${lineNumber}: hex dump offset 0x${m[1]} (${offset}) but the packet has ${packet.length} bytes so far: a line is missing`);
    }
    // An offset below the bytes read: the excess was an ASCII column that looked like hex.
    packet.length = offset;
    packet.push(...bytes);
    this.previous = bytes;
    this.repeated = false;
    return done;
  }

  /** The input is over: the last packet, if any. */
  finish(): Buffer | undefined {
    const packet = this.packet;
    this.packet = undefined;
    this.previous = [];
    this.repeated = false;
    return packet && packet.length ? Buffer.from(packet) : undefined;
  }
}
