/**
 * Generic Routing Encapsulation: RFC 2784 (header, checksum), RFC 2890 (key and sequence
 * number). The Protocol Type is an EtherType (RFC 2784 section 2.4): GRE carries IPv4, IPv6
 * and, with 0x6558 (Transparent Ethernet Bridging), whole Ethernet frames, so tunnels build:
 * `ipv4().gre().ipv6().udp()`, `ipv4().gre({ key: 7 }).ethernet().ipv4()...`.
 */
import { compileHeader } from '../header.js';
import { flags, uint } from '../field.js';
import { finishChecksum, sumWords } from '../checksum.js';
import { FieldValueError, LengthError } from '../errors.js';
import type { BindingTypes, LayerBinding } from '../types.js';
import type { LayerCodec, NextLayer } from '../layer.js';
import { decodeStep } from '../layer.js';
import { deviationRules } from '../deviation.js';
import { checkUint } from '../option-list.js';
import { IPV6_EXTENSION_LAYERS } from './ipv6-chain.js';

/** The four flag bits (RFC 2784 C; RFC 1701 R; RFC 2890 K and S), most significant first. */
export type GreFlag = 'checksum' | 'routing' | 'key' | 'sequence';

export interface GreFields {
  /** Which optional parts are present. */
  flags: GreFlag[];
  /** Bits 4-12 (RFC 2784 Reserved0 after RFC 2890's K and S): 0. */
  reserved0: number;
  /** 0 (RFC 2784 section 2.3.1). */
  version: number;
  /** EtherType of the payload: 0x0800 IPv4, 0x86dd IPv6, 0x6558 Ethernet. */
  protocolType: number;
  /** With the checksum flag: RFC 1071 sum over the GRE header and payload. */
  checksum?: number;
  /** With the checksum flag: 0 (RFC 2784 Reserved1). */
  reserved1?: number;
  /** With the key flag (RFC 2890 section 2.1). */
  key?: number;
  /** With the sequence flag (RFC 2890 section 2.2). */
  sequence?: number;
}

export interface GreInput {
  /** Default: the parts given (checksum when `checksum` or `reserved1` is, key, sequence). */
  flags?: readonly GreFlag[] | number;
  reserved0?: number;
  version?: number;
  /** Default: the next layer's EtherType; 0x6558 for Ethernet. */
  protocolType?: number;
  /** Default (with the checksum flag): computed. */
  checksum?: number;
  reserved1?: number;
  key?: number;
  sequence?: number;
}

const binding = {
  follows: ['ipv4', 'ipv6', ...IPV6_EXTENSION_LAYERS],
  carries: ['ipv4', 'ipv6', 'ethernet', 'raw'],
  ipProtocol: 47,
} as const satisfies LayerBinding;

declare module '../types.js' {
  interface LayerTypes {
    gre: { fields: GreFields; input: GreInput } & BindingTypes<typeof binding>;
  }
}

/** Transparent Ethernet Bridging: the Protocol Type of an Ethernet frame in GRE. */
const TEB = 0x6558;
const C = 0x8;
const R = 0x4;
const K = 0x2;
const S = 0x1;

const head = compileHeader<GreFields>('gre', [
  flags('flags', ['checksum', 'routing', 'key', 'sequence'], { doc: 'C, R, K, S: which optional parts follow (auto: the parts given)', role: 'auto' }),
  uint('reserved0', 9, { doc: 'Reserved0, 0 (RFC 2784 section 2.3)' }),
  uint('version', 3, { doc: 'Version, 0 (RFC 2784 section 2.3.1)' }),
  uint('protocolType', 16, { doc: 'EtherType of the payload (auto from the next layer; 0x6558 Ethernet)', role: 'auto' }),
]);

const deviations = deviationRules('gre', {
  routing: { field: 'flags', expected: 'no routing bit (RFC 1701 source routing is obsolete): a receiver discards the packet', rfc: 'RFC 2784 section 2.3' },
  reserved0: { field: 'reserved0', expected: '0: a receiver discards a packet with any of bits 1-5 set', rfc: 'RFC 2784 section 2.3' },
  version: { field: 'version', expected: '0 (1 is PPTP enhanced GRE, RFC 2637)', rfc: 'RFC 2784 section 2.3.1' },
});

const bits = (names: readonly string[]): number => names.reduce((b, n) => b | ({ checksum: C, routing: R, key: K, sequence: S } as Record<string, number>)[n], 0);
const headerLength = (b: number): number => 4 + (b & (C | R) ? 4 : 0) + (b & K ? 4 : 0) + (b & S ? 4 : 0);

/** The flag bits of the input: as given, or from the optional parts given. */
function flagBits(f: GreInput): number {
  if (f.flags === undefined) return (f.checksum !== undefined || f.reserved1 !== undefined ? C : 0) | (f.key !== undefined ? K : 0) | (f.sequence !== undefined ? S : 0);
  if (typeof f.flags === 'number') return checkUint(f.flags, 4, 'flags', fail);
  if (!Array.isArray(f.flags)) fail('flags', f.flags, 'a list of checksum, routing, key, sequence or an integer 0..15');
  for (const n of f.flags as readonly string[]) if (!['checksum', 'routing', 'key', 'sequence'].includes(n)) fail('flags', f.flags, 'a list of checksum, routing, key, sequence or an integer 0..15');
  return bits(f.flags as readonly string[]);
}

function fail(field: string, value: unknown, allowed: string): never {
  throw new FieldValueError('gre', field, value, allowed);
}

const put32 = (buf: Uint8Array, at: number, v: number): void => {
  buf[at] = v >>> 24;
  buf[at + 1] = (v >>> 16) & 0xff;
  buf[at + 2] = (v >>> 8) & 0xff;
  buf[at + 3] = v & 0xff;
};
const get32 = (buf: Uint8Array, at: number): number => ((buf[at] << 24) | (buf[at + 1] << 16) | (buf[at + 2] << 8) | buf[at + 3]) >>> 0;

export const gre: LayerCodec = {
  name: 'gre',
  title: 'Generic Routing Encapsulation',
  rfc: 'RFC 2784, RFC 2890',
  fields: head.fields,
  extraFields: [
    { name: 'checksum, reserved1', doc: 'With the checksum flag: the checksum over header and payload (auto), and Reserved1 (0)' },
    { name: 'key', doc: 'With the key flag: 32-bit key (RFC 2890 section 2.1)' },
    { name: 'sequence', doc: 'With the sequence flag: 32-bit sequence number (RFC 2890 section 2.2)' },
  ],
  ...binding,

  writesEveryByte: true,

  measure(frame) {
    const f = frame.fields as GreInput;
    const b = flagBits(f);
    if (!(b & (C | R)) && f.checksum !== undefined) fail('checksum', f.checksum, 'nothing: the flags have no checksum');
    if (!(b & (C | R)) && f.reserved1 !== undefined) fail('reserved1', f.reserved1, 'nothing: the flags have no checksum');
    if (!(b & K) && f.key !== undefined) fail('key', f.key, 'nothing: the flags have no key');
    if (!(b & S) && f.sequence !== undefined) fail('sequence', f.sequence, 'nothing: the flags have no sequence');
    frame.state = b;
    return headerLength(b);
  },

  write(buf, frames, index) {
    const frame = frames[index];
    const f = frame.fields as GreInput;
    const b = frame.state as number;
    const next = frames[index + 1]?.codec;
    const protocolType = next === undefined ? 0 : next.name === 'ethernet' ? TEB : (next.etherType ?? 0);
    head.write(buf, frame.offset, f as unknown as GreFields, { flags: b, protocolType });
    let at = frame.offset + 4;
    if (b & (C | R)) {
      const checksum = f.checksum === undefined ? 0 : checkUint(f.checksum, 16, 'checksum', fail);
      buf[at] = checksum >>> 8;
      buf[at + 1] = checksum & 0xff;
      const reserved1 = checkUint(f.reserved1 ?? 0, 16, 'reserved1', fail);
      buf[at + 2] = reserved1 >>> 8;
      buf[at + 3] = reserved1 & 0xff;
      at += 4;
    }
    if (b & K) {
      put32(buf, at, checkUint(f.key ?? 0, 32, 'key', fail));
      at += 4;
    }
    if (b & S) put32(buf, at, checkUint(f.sequence ?? 0, 32, 'sequence', fail));
  },

  fillChecksum(buf, frames, index) {
    const frame = frames[index];
    if (!((frame.state as number) & C) || (frame.fields as GreInput).checksum !== undefined) return;
    const c = finishChecksum(sumWords(buf, frame.offset, frame.payloadEnd));
    buf[frame.offset + 4] = c >>> 8;
    buf[frame.offset + 5] = c & 0xff;
  },

  decode(ctx, off, end) {
    const buf = ctx.buf;
    if (end - off < 4) throw new LengthError('gre', off, 4, end - off, 'buffer');
    const fields = head.read(buf, off) as GreFields;
    const b = buf[off] >> 4;
    const length = headerLength(b);
    if (end - off < length) throw new LengthError('gre', off, length, end - off, 'gre.flags', 'the optional fields the flags announce are cut short');
    if (b & R) ctx.report(deviations.error('routing', off, fields.flags));
    if (fields.reserved0 !== 0) ctx.report(deviations.error('reserved0', off, fields.reserved0));
    if (fields.version !== 0) ctx.report(deviations.error('version', off + 1, fields.version));
    let at = off + 4;
    if (b & (C | R)) {
      fields.checksum = (buf[at] << 8) | buf[at + 1];
      fields.reserved1 = (buf[at + 2] << 8) | buf[at + 3];
      at += 4;
    }
    if (b & K) {
      fields.key = get32(buf, at);
      at += 4;
    }
    if (b & S) fields.sequence = get32(buf, at);
    // Routing (RFC 1701) puts source route entries before the payload: not decoded, so the payload is raw.
    const next: NextLayer = b & R ? 'raw' : fields.protocolType === TEB ? 'ethernet' : { etherType: fields.protocolType };
    return decodeStep(fields as unknown as Record<string, unknown>, off + length, end, next);
  },

  verifyChecksum(ctx, off, end, fields, complete) {
    if (!(fields.flags as string[]).includes('checksum')) return undefined;
    const actual = fields.checksum as number;
    if (!complete) return { status: 'unverifiable', actual };
    const sum = ctx.sumWords(off, end);
    return { status: finishChecksum(sum) === 0 ? 'valid' : 'invalid', expected: finishChecksum(sum - actual), actual };
  },

  summary: (f) =>
    `GRE proto 0x${(f.protocolType as number).toString(16).padStart(4, '0')}${f.key !== undefined ? ` key ${f.key}` : ''}${f.sequence !== undefined ? ` seq ${f.sequence}` : ''}`,
};
