/**
 * Apple's PKTAP header (LINKTYPE_PKTAP, 258): what macOS writes for `tcpdump -i pktap` and other
 * captures with per-packet interface and process metadata. A little-endian header of `length`
 * bytes (108 in the original layout, longer in later ones) naming the inner frame's DLT, the
 * interface and the process; then the frame. Layout as libpcap and tcpdump read it
 * (print-pktap.c): length, record type, DLT, interface name (24), flags, protocol family,
 * link-layer header and trailer lengths, pid, command (20), service class, interface type and
 * unit, effective pid, effective command (20).
 * The header bytes after the DLT are kept whole in `rest`; the fields are decoded from it and,
 * when given, written over it (strings with one NUL after them), so re-encoding is exact.
 */
import { uint } from '../field.js';
import type { BindingTypes, LayerBinding } from '../types.js';
import { bytesInput } from '../bytes.js';
import { ContentError, FieldValueError, LengthError } from '../errors.js';
import type { LayerCodec, NextLayer } from '../layer.js';
import { decodeStep } from '../layer.js';
import { checkUint } from '../option-list.js';
import { FIRST_LAYERS, le32, putLe32 } from './link-layers.js';

/** The fields of a decoded Apple's PKTAP capture header, as `decode()` gives them. */
export interface PktapFields {
  /** Header length. */
  length: number;
  /** 1: a packet follows; 0: nothing does. */
  recordType: number;
  /** DLT of the frame after the header (0 NULL, 1 Ethernet, 12 raw IP...). */
  dlt: number;
  /** Every header byte after the DLT (hex in JSON). */
  rest: Uint8Array;
  interfaceName: string;
  flags: number;
  protocolFamily: number;
  preLength: number;
  postLength: number;
  pid: number;
  command: string;
  serviceClass: number;
  interfaceType: number;
  interfaceUnit: number;
  effectivePid: number;
  effectiveCommand: string;
}

/** What the builders and `encodeLayers` take for Apple's PKTAP capture: any field may be left out (defaults, computed lengths and checksums). */
export type PktapInput = Partial<Omit<PktapFields, 'rest'>> & { rest?: Uint8Array | string };

declare module '../types.js' {
  interface LayerTypes {
    pktap: { fields: PktapFields; input: PktapInput } & BindingTypes<typeof binding>;
  }
}

/** The original header's size: tcpdump refuses shorter ones. */
const MIN_LENGTH = 108;
type Named = Exclude<keyof PktapFields, 'length' | 'recordType' | 'dlt' | 'rest'>;
/** The fields after the DLT: offset in the header, kind and size. */
const LAYOUT: readonly { name: Named; at: number; kind: 'u32' | 'u16' | 'text'; size: number }[] = [
  { name: 'interfaceName', at: 12, kind: 'text', size: 24 },
  { name: 'flags', at: 36, kind: 'u32', size: 4 },
  { name: 'protocolFamily', at: 40, kind: 'u32', size: 4 },
  { name: 'preLength', at: 44, kind: 'u32', size: 4 },
  { name: 'postLength', at: 48, kind: 'u32', size: 4 },
  { name: 'pid', at: 52, kind: 'u32', size: 4 },
  { name: 'command', at: 56, kind: 'text', size: 20 },
  { name: 'serviceClass', at: 76, kind: 'u32', size: 4 },
  { name: 'interfaceType', at: 80, kind: 'u16', size: 2 },
  { name: 'interfaceUnit', at: 82, kind: 'u16', size: 2 },
  { name: 'effectivePid', at: 84, kind: 'u32', size: 4 },
  { name: 'effectiveCommand', at: 88, kind: 'text', size: 20 },
];
/** macOS DLT numbers of the layers that can follow, for the default (raw IP is DLT_RAW, 12, there). */
const DLT_OF: Record<string, number> = { 'bsd-null': 0, ethernet: 1, ppp: 9, ipv4: 12, ipv6: 12, 'cisco-hdlc': 104, ieee80211: 105, 'bsd-loop': 108, radiotap: 127 };

/** The DLT a following layer implies: raw IP for raw data or nothing; no guess for a layer without one (it would name the wrong frame). */
function defaultDlt(next: string | undefined): number {
  if (next === undefined || next === 'raw') return 12;
  const dlt = DLT_OF[next];
  if (dlt === undefined) fail('dlt', undefined, `a value: no DLT is known for a following ${next} layer (give dlt explicitly)`);
  return dlt;
}

function fail(field: string, value: unknown, allowed: string): never {
  throw new FieldValueError('pktap', field, value, allowed);
}

/** A NUL-terminated name, one byte per character (latin1), so any bytes read back unchanged. */
function readText(buf: Uint8Array, at: number, size: number): string {
  let end = at;
  while (end < at + size && buf[end] !== 0) end++;
  return Buffer.from(buf.subarray(at, end)).toString('latin1');
}

function restOf(f: PktapInput): Uint8Array {
  const rest = f.rest === undefined ? new Uint8Array(MIN_LENGTH - 12) : Uint8Array.from(bytesInput('pktap', 'rest', f.rest));
  for (const field of LAYOUT) {
    const value = f[field.name];
    if (value === undefined) continue;
    const at = field.at - 12;
    if (at + field.size > rest.length) fail(field.name, value, `no value: the header's rest is ${rest.length} bytes, too short to hold it`);
    if (field.kind === 'text') {
      if (typeof value !== 'string' || !/^[\x01-\xff]*$/.test(value) || value.length > field.size) fail(field.name, value, `text of up to ${field.size} characters (one byte each, no NUL)`);
      rest.set(Buffer.from(value as string, 'latin1'), at);
      // A NUL ends a shorter name; what follows it in `rest` stays as it was.
      if ((value as string).length < field.size) rest[at + (value as string).length] = 0;
    } else if (field.kind === 'u16') {
      const v = checkUint(value, 16, field.name, fail);
      rest[at] = v & 255;
      rest[at + 1] = v >>> 8;
    } else {
      putLe32(rest, at, checkUint(value, 32, field.name, fail));
    }
  }
  return rest;
}

/** What follows the header: the layer of its DLT, IPv4 or IPv6 by version for raw IP. */
function nextFor(dlt: number, recordType: number, buf: Uint8Array, at: number, end: number): NextLayer {
  const layer = recordType === 1 ? FIRST_LAYERS.get(dlt) : undefined;
  if (layer !== 'auto') return layer ?? 'raw';
  const version = at < end ? buf[at] >> 4 : 0;
  return version === 4 ? 'ipv4' : version === 6 ? 'ipv6' : 'raw';
}

const binding = { follows: ['start'] } as const satisfies LayerBinding;

export const pktap: LayerCodec = {
  name: 'pktap',
  title: 'Apple PKTAP header',
  rfc: 'LINKTYPE_PKTAP (258), libpcap and tcpdump print-pktap.c',
  fields: [
    uint('length', 32, { doc: 'Header length, little-endian (108 or more)', role: 'auto' }),
    uint('recordType', 32, { doc: '1: a packet follows', default: 1 }),
    uint('dlt', 32, { doc: 'DLT of the frame that follows (auto from the next layer)', role: 'auto' }),
  ],
  extraFields: [
    { name: 'rest', doc: 'The header bytes after the DLT (default: 96 zero bytes)' },
    { name: 'interfaceName, command, effectiveCommand', doc: 'Text fields (24, 20, 20 bytes, NUL-terminated)' },
    { name: 'flags, protocolFamily, preLength, postLength, pid, serviceClass, effectivePid', doc: '32-bit fields' },
    { name: 'interfaceType, interfaceUnit', doc: '16-bit fields' },
  ],
  ...binding,
  writesEveryByte: true,

  measure(frame) {
    const rest = restOf(frame.fields as PktapInput);
    frame.state = rest;
    return 12 + rest.length;
  },

  write(buf, frames, index) {
    const frame = frames[index];
    const f = frame.fields as PktapInput;
    const rest = frame.state as Uint8Array;
    putLe32(buf, frame.offset, checkUint(f.length ?? 12 + rest.length, 32, 'length', fail));
    putLe32(buf, frame.offset + 4, checkUint(f.recordType ?? 1, 32, 'recordType', fail));
    putLe32(buf, frame.offset + 8, checkUint(f.dlt ?? defaultDlt(frames[index + 1]?.codec.name), 32, 'dlt', fail));
    buf.set(rest, frame.offset + 12);
  },

  decode(ctx, off, end) {
    const buf = ctx.buf;
    if (end - off < 12) throw new LengthError('pktap', off, 12, end - off, 'buffer');
    const length = le32(buf, off);
    if (length < MIN_LENGTH) throw new ContentError('pktap', off, 'length', length, `at least ${MIN_LENGTH} (the original header)`);
    if (length > end - off) throw new LengthError('pktap', off, length, end - off, 'pktap.length');
    const recordType = le32(buf, off + 4);
    const dlt = le32(buf, off + 8);
    const fields: Record<string, unknown> = { length, recordType, dlt, rest: Buffer.from(buf.subarray(off + 12, off + length)) };
    for (const field of LAYOUT) {
      const at = off + field.at;
      fields[field.name] = field.kind === 'text' ? readText(buf, at, field.size) : field.kind === 'u16' ? buf[at] | (buf[at + 1] << 8) : le32(buf, at);
    }
    return decodeStep(fields, off + length, end, nextFor(dlt, recordType, buf, off + length, end));
  },

  summary: (f) => `PKTAP ${f.interfaceName as string}${f.command ? ` ${f.command as string}[${f.pid as number}]` : ''} dlt ${f.dlt as number}`,
};
