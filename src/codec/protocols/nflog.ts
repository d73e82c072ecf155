/**
 * Linux NFLOG (LINKTYPE_NFLOG, 239): what `tcpdump -i nflog:GROUP` writes for packets an
 * iptables/nftables `log group` rule passes up. A 4-byte header (address family, version,
 * resource id, big-endian), then TLVs (length including its 4-byte header, type; both in the
 * capturing host's byte order; values padded to 4 bytes). The TLVs before the payload TLV (type
 * 9) are kept in `tlvs`; the payload is the next layer (IPv4 or IPv6 by the family); whatever
 * comes after it (padding, the prefix, uid, gid... TLVs) is this layer's trailer.
 * https://www.tcpdump.org/linktypes/LINKTYPE_NFLOG.html
 */
import { bytesInput } from '../bytes.js';
import type { BindingTypes, LayerBinding } from '../types.js';
import { ContentError, FieldValueError, LengthError } from '../errors.js';
import type { LayerCodec, NextLayer } from '../layer.js';
import { decodeStep } from '../layer.js';
import { checkList, checkObject, checkUint, putBe16 } from '../option-list.js';
import { uint } from '../field.js';

/** One NFLOG attribute (TLV): its type and data bytes. */
export interface NflogTlv {
  /** NFULA_ attribute: 1 packet header, 2 mark, 3 timestamp, 4/5 in/out interface, 8 hardware address... */
  type: number;
  data: Uint8Array;
  /** Bytes that pad the value to 4, when not zero. */
  padding?: Uint8Array;
}

/** The fields of a decoded Linux NFLOG (LINKTYPE_NFLOG) header, as `decode()` gives them. */
export interface NflogFields {
  /** 2 AF_INET, 10 AF_INET6 (Linux numbers). */
  family: number;
  version: number;
  /** The log group. */
  resourceId: number;
  /** Byte order of the TLV lengths and types (the capturing host's). */
  byteOrder: 'little' | 'big';
  /** TLVs before the payload, in order. */
  tlvs: NflogTlv[];
  /** Whether a payload TLV (NFULA_PAYLOAD, 9) follows them. */
  payload: boolean;
  /** Its length field (4 + the payload), when there is one. */
  payloadLength?: number;
}

/** What the builders and `encodeLayers` take for Linux NFLOG (LINKTYPE_NFLOG): any field may be left out (defaults, computed lengths and checksums). */
export interface NflogInput {
  /** Default: 2 before IPv4, 10 before IPv6. */
  family?: number;
  version?: number;
  resourceId?: number;
  /** Default `little`. */
  byteOrder?: 'little' | 'big';
  tlvs?: readonly { type: number; data?: Uint8Array | string; padding?: Uint8Array | string }[];
  /** Default true. */
  payload?: boolean;
  /** Default: computed. */
  payloadLength?: number;
}

declare module '../types.js' {
  interface LayerTypes {
    nflog: { fields: NflogFields; input: NflogInput } & BindingTypes<typeof binding>;
  }
}

const NFULA_PAYLOAD = 9;
const AF_INET = 2;
const AF_INET6 = 10;

function fail(field: string, value: unknown, allowed: string): never {
  throw new FieldValueError('nflog', field, value, allowed);
}

interface Plan {
  tlvs: { type: number; data: Uint8Array; padding: Uint8Array }[];
  little: boolean;
  payload: boolean;
}

function plan(f: NflogInput): Plan {
  if (f.byteOrder !== undefined && f.byteOrder !== 'little' && f.byteOrder !== 'big') fail('byteOrder', f.byteOrder, '"little" or "big"');
  if (f.payload !== undefined && typeof f.payload !== 'boolean') fail('payload', f.payload, 'true or false');
  const tlvs = (f.tlvs === undefined ? [] : checkList<unknown>(f.tlvs, 'tlvs', fail)).map((item, i) => {
    const t = checkObject<{ type: unknown; data?: unknown; padding?: unknown }>(item, `tlvs[${i}]`, fail);
    const type = checkUint(t.type, 16, `tlvs[${i}].type`, fail);
    const data = t.data === undefined ? new Uint8Array(0) : bytesInput('nflog', `tlvs[${i}].data`, t.data);
    const padLength = (4 - (data.length % 4)) % 4;
    const padding = t.padding === undefined ? new Uint8Array(padLength) : bytesInput('nflog', `tlvs[${i}].padding`, t.padding);
    if (padding.length !== padLength) fail(`tlvs[${i}].padding`, t.padding, `${padLength} bytes, to a multiple of 4`);
    if (data.length + 4 > 0xffff) fail(`tlvs[${i}].data`, data.length, 'at most 65531 bytes');
    return { type, data, padding };
  });
  return { tlvs, little: f.byteOrder !== 'big', payload: f.payload !== false };
}

const put16 = (buf: Uint8Array, at: number, v: number, little: boolean) => (little ? ((buf[at] = v & 255), (buf[at + 1] = v >>> 8)) : putBe16(buf, at, v));
const get16 = (buf: Uint8Array, at: number, little: boolean) => (little ? buf[at] | (buf[at + 1] << 8) : (buf[at] << 8) | buf[at + 1]);

/** Which byte order makes the first TLV fit: lengths of at least 4 that stay inside the packet. */
function detectLittle(buf: Uint8Array, at: number, end: number): boolean {
  if (end - at < 4) return true;
  const fits = (n: number) => n >= 4 && at + n <= end;
  return fits(get16(buf, at, true)) || !fits(get16(buf, at, false));
}

const binding = { follows: ['start'] } as const satisfies LayerBinding;

export const nflog: LayerCodec = {
  name: 'nflog',
  title: 'Linux NFLOG',
  rfc: 'LINKTYPE_NFLOG (239)',
  fields: [
    uint('family', 8, { doc: 'Address family (2 IPv4, 10 IPv6; auto from the next layer)', role: 'auto' }),
    uint('version', 8, { doc: 'Version, 0' }),
    uint('resourceId', 16, { doc: 'Resource id: the log group' }),
  ],
  extraFields: [
    { name: 'byteOrder', doc: 'Byte order of TLV lengths and types: `little` (default) or `big`' },
    { name: 'tlvs', doc: 'TLVs before the payload: { type, data, padding }' },
    { name: 'payload', doc: 'A payload TLV (type 9) holds the next layer (default true)' },
    { name: 'payloadLength', doc: 'Its length field (computed)' },
  ],
  ...binding,
  writesEveryByte: true,

  measure(frame) {
    const p = plan(frame.fields as NflogInput);
    frame.state = p;
    return 4 + p.tlvs.reduce((n, t) => n + 4 + t.data.length + t.padding.length, 0) + (p.payload ? 4 : 0);
  },

  write(buf, frames, index) {
    const frame = frames[index];
    const f = frame.fields as NflogInput;
    const p = frame.state as Plan;
    const next = frames[index + 1]?.codec.name;
    let at = frame.offset;
    buf[at] = checkUint(f.family ?? (next === 'ipv6' ? AF_INET6 : AF_INET), 8, 'family', fail);
    buf[at + 1] = checkUint(f.version ?? 0, 8, 'version', fail);
    putBe16(buf, at + 2, checkUint(f.resourceId ?? 0, 16, 'resourceId', fail));
    at += 4;
    for (const t of p.tlvs) {
      put16(buf, at, 4 + t.data.length, p.little);
      put16(buf, at + 2, t.type, p.little);
      buf.set(t.data, at + 4);
      buf.set(t.padding, at + 4 + t.data.length);
      at += 4 + t.data.length + t.padding.length;
    }
    if (!p.payload) return;
    put16(buf, at, checkUint(f.payloadLength ?? 4 + frame.payloadEnd - (at + 4), 16, 'payloadLength', fail), p.little);
    put16(buf, at + 2, NFULA_PAYLOAD, p.little);
  },

  decode(ctx, off, end) {
    const buf = ctx.buf;
    if (end - off < 4) throw new LengthError('nflog', off, 4, end - off, 'buffer');
    const family = buf[off];
    const little = detectLittle(buf, off + 4, end);
    const tlvs: NflogTlv[] = [];
    const fields: Record<string, unknown> = { family, version: buf[off + 1], resourceId: (buf[off + 2] << 8) | buf[off + 3], byteOrder: little ? 'little' : 'big', tlvs, payload: false };
    let at = off + 4;
    while (at < end) {
      if (end - at < 4) throw new LengthError('nflog', at, 4, end - at, 'buffer', 'a TLV header is cut short');
      const length = get16(buf, at, little);
      const type = get16(buf, at + 2, little);
      if (length < 4) throw new ContentError('nflog', at, 'tlvs.length', length, 'at least 4 (the TLV header)');
      if (type === NFULA_PAYLOAD) {
        fields.payload = true;
        fields.payloadLength = length;
        const payloadEnd = Math.min(end, at + length);
        const next: NextLayer = family === AF_INET ? 'ipv4' : family === AF_INET6 ? 'ipv6' : 'raw';
        return decodeStep(fields, at + 4, payloadEnd, next, at + length <= end);
      }
      const padded = at + length + ((4 - (length % 4)) % 4);
      if (padded > end) throw new LengthError('nflog', at, padded - at, end - at, 'nflog.tlvs.length');
      const tlv: NflogTlv = { type, data: Buffer.from(buf.subarray(at + 4, at + length)) };
      if (buf.subarray(at + length, padded).some((b) => b !== 0)) tlv.padding = Buffer.from(buf.subarray(at + length, padded));
      tlvs.push(tlv);
      at = padded;
    }
    return decodeStep(fields, end, end, undefined);
  },

  summary: (f) => `NFLOG group ${f.resourceId as number} family ${f.family as number}`,
};
