/**
 * BSD loopback encapsulation: a 4-byte address family before the datagram. LINKTYPE_NULL (0)
 * writes it in the byte order of the capturing host, LINKTYPE_LOOP (108, OpenBSD) in network
 * byte order. Every capture on macOS `lo0` is LINKTYPE_NULL.
 */
import { FieldValueError, LengthError } from '../errors.js';
import type { BindingTypes, LayerBinding } from '../types.js';
import type { LayerCodec, NextLayer } from '../layer.js';
import { decodeStep } from '../layer.js';
import { checkUint } from '../option-list.js';
import { uint } from '../field.js';

/** The fields of a BSD loopback header in host byte order (LINKTYPE_NULL: macOS lo0 captures). */
export interface BsdNullFields {
  /** Address family: 2 AF_INET; 24, 28, 30 AF_INET6 (NetBSD/OpenBSD, FreeBSD, macOS); 10 AF_INET6 on Linux. */
  family: number;
  /** Byte order of the family as the capturing host wrote it. */
  byteOrder: 'little' | 'big';
}

/** What the builders and `encodeLayers` take for a BSD NULL header: the address family, in host byte order. */
export interface BsdNullInput {
  /** Default: 2 before IPv4, 30 (macOS) before IPv6. */
  family?: number;
  /** Default `little` (x86 and ARM hosts). */
  byteOrder?: 'little' | 'big';
}

/** The fields of a BSD loopback header in network byte order (LINKTYPE_LOOP: OpenBSD). */
export interface BsdLoopFields {
  family: number;
}

/** What the builders and `encodeLayers` take for a BSD LOOP header: the address family, in network byte order. */
export interface BsdLoopInput {
  /** Default: 2 before IPv4, 24 (OpenBSD) before IPv6. */
  family?: number;
}

declare module '../types.js' {
  interface LayerTypes {
    'bsd-null': { fields: BsdNullFields; input: BsdNullInput } & BindingTypes<typeof bsdNullBinding>;
    'bsd-loop': { fields: BsdLoopFields; input: BsdLoopInput } & BindingTypes<typeof bsdLoopBinding>;
  }
}

const AF_INET = 2;
/** AF_INET6 as NetBSD/OpenBSD, FreeBSD and macOS number it (what tcpdump and tshark accept). */
const AF_INET6 = new Set([24, 28, 30]);
/** Linux's AF_INET6, in files Linux tools wrote: 10 is AF_CCITT on the BSDs, so only with an IPv6 version nibble. */
const LINUX_AF_INET6 = 10;

function nextFor(family: number, buf: Uint8Array, payload: number, end: number): NextLayer {
  if (family === AF_INET) return 'ipv4';
  if (AF_INET6.has(family)) return 'ipv6';
  return family === LINUX_AF_INET6 && payload < end && buf[payload] >> 4 === 6 ? 'ipv6' : 'raw';
}

function familyFor(layer: string, given: unknown, next: string | undefined, inet6: number): number {
  const fail = (field: string, value: unknown, allowed: string): never => {
    throw new FieldValueError(layer, field, value, allowed);
  };
  if (given !== undefined) return checkUint(given, 32, 'family', fail);
  return next === 'ipv6' ? inet6 : AF_INET;
}

const familyField = (doc: string) => uint('family', 32, { doc, role: 'auto' });

const bsdNullBinding = { follows: ['start', 'pktap'] } as const satisfies LayerBinding;

export const bsdNull: LayerCodec = {
  name: 'bsd-null',
  title: 'BSD loopback, host byte order (LINKTYPE_NULL)',
  rfc: 'tcpdump.org LINKTYPE_NULL (0)',
  fields: [familyField('Address family (2 IPv4; 24, 28, 30 or 10 IPv6), in the host byte order')],
  extraFields: [{ name: 'byteOrder', doc: '`little` (default) or `big`: how the capturing host wrote the family' }],
  ...bsdNullBinding,
  writesEveryByte: true,
  measure: () => 4,

  write(buf, frames, index) {
    const frame = frames[index];
    const f = frame.fields as BsdNullInput;
    const family = familyFor('bsd-null', f.family, frames[index + 1]?.codec.name, 30);
    const order = f.byteOrder ?? 'little';
    if (order !== 'little' && order !== 'big') throw new FieldValueError('bsd-null', 'byteOrder', order, '"little" or "big"');
    const view = new DataView(buf.buffer, buf.byteOffset + frame.offset, 4);
    view.setUint32(0, family, order === 'little');
  },

  decode(ctx, off, end) {
    if (end - off < 4) throw new LengthError('bsd-null', off, 4, end - off, 'buffer');
    const view = new DataView(ctx.buf.buffer, ctx.buf.byteOffset + off, 4);
    // Families are small numbers: upper bytes set mean the other byte order (as libpcap assumes).
    const little = view.getUint32(0, true);
    const byteOrder = little > 0xffff ? 'big' : 'little';
    const family = byteOrder === 'big' ? view.getUint32(0, false) : little;
    return decodeStep({ family, byteOrder }, off + 4, end, nextFor(family, ctx.buf, off + 4, end));
  },

  summary: (f) => `Null family ${f.family as number}`,
};

const bsdLoopBinding = { follows: ['start', 'pktap'] } as const satisfies LayerBinding;

export const bsdLoop: LayerCodec = {
  name: 'bsd-loop',
  title: 'OpenBSD loopback, network byte order (LINKTYPE_LOOP)',
  rfc: 'tcpdump.org LINKTYPE_LOOP (108)',
  fields: [familyField('Address family (2 IPv4; 24, 28, 30 or 10 IPv6), big-endian')],
  ...bsdLoopBinding,
  writesEveryByte: true,
  measure: () => 4,

  write(buf, frames, index) {
    const frame = frames[index];
    const family = familyFor('bsd-loop', (frame.fields as BsdLoopInput).family, frames[index + 1]?.codec.name, 24);
    new DataView(buf.buffer, buf.byteOffset + frame.offset, 4).setUint32(0, family, false);
  },

  decode(ctx, off, end) {
    if (end - off < 4) throw new LengthError('bsd-loop', off, 4, end - off, 'buffer');
    const family = new DataView(ctx.buf.buffer, ctx.buf.byteOffset + off, 4).getUint32(0, false);
    return decodeStep({ family }, off + 4, end, nextFor(family, ctx.buf, off + 4, end));
  },

  summary: (f) => `Loop family ${f.family as number}`,
};

