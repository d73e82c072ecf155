/**
 * ARP (RFC 826), also RARP operations (RFC 903) and InARP (RFC 2390): the Ethernet/IPv4 form,
 * 28 bytes, with addresses as text. Packets for other hardware or protocol address sizes keep
 * their addresses as hex bytes, so every ARP packet decodes and re-encodes exactly.
 *
 *   ethernet({ dst: 'ff:ff:ff:ff:ff:ff', src: mac }).arp({ senderMac: mac, senderIp, targetIp })   // who-has
 *   ...arp({ operation: 'reply', senderMac, senderIp, targetMac, targetIp })                   // is-at
 *   ...arp({ operation: 'reply', senderIp: ip, targetIp: ip, targetMac: 'ff:ff:ff:ff:ff:ff' })  // gratuitous
 */
import { compileHeader } from '../header.js';
import type { BindingTypes, LayerBinding } from '../types.js';
import { enumOf, uint } from '../field.js';
import { bytesInput, parseIpv4, parseMac, readIpv4, readMac, toHex } from '../bytes.js';
import { FieldValueError, LengthError } from '../errors.js';
import type { EnumValue } from '../field.js';
import type { LayerCodec } from '../layer.js';
import { decodeStep } from '../layer.js';

const OPERATIONS = { request: 1, reply: 2, 'rarp-request': 3, 'rarp-reply': 4, 'inarp-request': 8, 'inarp-reply': 9 } as const;
/** An ARP operation by name (`request`, `reply`, and the RARP / InARP ones). */
export type ArpOperation = keyof typeof OPERATIONS;

/** The fields of a decoded ARP (RFC 826) header, as `decode()` gives them. */
export interface ArpFields {
  /** 1 Ethernet (RFC 826's `ar$hrd`). */
  hardwareType: number;
  /** EtherType of the protocol addresses: 0x0800 IPv4. */
  protocolType: number;
  hardwareLength: number;
  protocolLength: number;
  operation: EnumValue<ArpOperation>;
  /** MAC text for 6-byte hardware addresses, else hex bytes. */
  senderMac: string | Uint8Array;
  /** IPv4 text for 4-byte protocol addresses, else hex bytes. */
  senderIp: string | Uint8Array;
  targetMac: string | Uint8Array;
  targetIp: string | Uint8Array;
}

/** What the builders and `encodeLayers` take for ARP (RFC 826): any field may be left out (defaults, computed lengths and checksums). */
export interface ArpInput {
  /** Default 1 (Ethernet). */
  hardwareType?: number;
  /** Default 0x0800 (IPv4). */
  protocolType?: number;
  /** Default: the length of the addresses given (6). */
  hardwareLength?: number;
  /** Default: the length of the addresses given (4). */
  protocolLength?: number;
  /** Default `request`. */
  operation?: EnumValue<ArpOperation>;
  /** Default 00:00:00:00:00:00. A MAC address, or bytes for other hardware types. */
  senderMac?: string | Uint8Array;
  /** Default 0.0.0.0 (an ARP probe, RFC 5227). */
  senderIp?: string | Uint8Array;
  /** Default 00:00:00:00:00:00 (unknown, as in a request). */
  targetMac?: string | Uint8Array;
  /** Default 0.0.0.0. */
  targetIp?: string | Uint8Array;
}

declare module '../types.js' {
  interface LayerTypes {
    arp: { fields: ArpFields; input: ArpInput } & BindingTypes<typeof binding>;
  }
}

const head = compileHeader<ArpFields>('arp', [
  uint('hardwareType', 16, { doc: 'Hardware type (1 Ethernet)', default: 1 }),
  uint('protocolType', 16, { doc: 'Protocol type (0x0800 IPv4)', default: 0x0800 }),
  uint('hardwareLength', 8, { doc: 'Hardware address length', role: 'auto' }),
  uint('protocolLength', 8, { doc: 'Protocol address length', role: 'auto' }),
  enumOf('operation', 16, OPERATIONS, { doc: 'Operation (1 request, 2 reply)', default: 1 }),
]);

/** An address field's bytes: text of the usual kind, or bytes of any length. */
function addressBytes(field: string, value: unknown, kind: 'mac' | 'ipv4'): Uint8Array {
  if (value === undefined) return new Uint8Array(kind === 'mac' ? 6 : 4);
  if (typeof value === 'string') {
    if (kind === 'mac') {
      const mac = parseMac(value);
      if (mac) return mac;
    } else {
      const ip = parseIpv4(value);
      if (ip !== undefined) return Uint8Array.of(ip >>> 24, (ip >>> 16) & 255, (ip >>> 8) & 255, ip & 255);
    }
    if (!/^(0x)?([0-9a-f]{2})*$/i.test(value)) throw new FieldValueError('arp', field, value, kind === 'mac' ? 'a MAC address (aa:bb:cc:dd:ee:ff) or hex bytes' : 'an IPv4 address or hex bytes');
  }
  return bytesInput('arp', field, value);
}

interface ArpState {
  readonly sha: Uint8Array;
  readonly spa: Uint8Array;
  readonly tha: Uint8Array;
  readonly tpa: Uint8Array;
}

const binding = { follows: ['ethernet', 'linux-sll', 'linux-sll2', 'llc'], etherType: 0x0806 } as const satisfies LayerBinding;

export const arp: LayerCodec = {
  name: 'arp',
  title: 'Address Resolution Protocol',
  rfc: 'RFC 826',
  fields: head.fields,
  extraFields: [
    { name: 'senderMac, targetMac', doc: 'Hardware addresses: MAC text, or hex bytes for other sizes' },
    { name: 'senderIp, targetIp', doc: 'Protocol addresses: IPv4 text, or hex bytes for other sizes' },
  ],
  ...binding,

  writesEveryByte: true,

  measure(frame) {
    const f = frame.fields as ArpInput;
    const state: ArpState = {
      sha: addressBytes('senderMac', f.senderMac, 'mac'),
      spa: addressBytes('senderIp', f.senderIp, 'ipv4'),
      tha: addressBytes('targetMac', f.targetMac, 'mac'),
      tpa: addressBytes('targetIp', f.targetIp, 'ipv4'),
    };
    if (state.sha.length !== state.tha.length) throw new FieldValueError('arp', 'targetMac', toHex(state.tha), `${state.sha.length} bytes, like senderMac`);
    if (state.spa.length !== state.tpa.length) throw new FieldValueError('arp', 'targetIp', toHex(state.tpa), `${state.spa.length} bytes, like senderIp`);
    if (state.sha.length > 255) throw new FieldValueError('arp', 'senderMac', toHex(state.sha), 'at most 255 bytes');
    if (state.spa.length > 255) throw new FieldValueError('arp', 'senderIp', toHex(state.spa), 'at most 255 bytes');
    frame.state = state;
    return 8 + 2 * (state.sha.length + state.spa.length);
  },

  write(buf, frames, index) {
    const frame = frames[index];
    const s = frame.state as ArpState;
    head.write(buf, frame.offset, frame.fields as unknown as ArpFields, { hardwareLength: s.sha.length, protocolLength: s.spa.length });
    let at = frame.offset + 8;
    for (const part of [s.sha, s.spa, s.tha, s.tpa]) {
      buf.set(part, at);
      at += part.length;
    }
  },

  decode(ctx, off, end) {
    const buf = ctx.buf;
    if (end - off < 8) throw new LengthError('arp', off, 8, end - off, 'buffer');
    const fields = head.read(buf, off);
    const hlen = fields.hardwareLength;
    const plen = fields.protocolLength;
    const length = 8 + 2 * (hlen + plen);
    if (end - off < length) throw new LengthError('arp', off, length, end - off, 'arp.hardwareLength', `${hlen}-byte hardware and ${plen}-byte protocol addresses need ${length} bytes`);
    let at = off + 8;
    const take = (size: number, text: ((b: Uint8Array, o: number) => string) | undefined): string | Uint8Array => {
      const value = text ? text(buf, at) : Buffer.from(buf.subarray(at, at + size));
      at += size;
      return value;
    };
    const mac = hlen === 6 ? readMac : undefined;
    const ip = plen === 4 ? readIpv4 : undefined;
    fields.senderMac = take(hlen, mac);
    fields.senderIp = take(plen, ip);
    fields.targetMac = take(hlen, mac);
    fields.targetIp = take(plen, ip);
    // What follows the 28 bytes in an Ethernet frame is padding to the 60-byte minimum.
    return decodeStep(fields as unknown as Record<string, unknown>, at, at, undefined);
  },

  summary(f) {
    const text = (v: unknown) => (typeof v === 'string' ? v : toHex(v as Uint8Array));
    if (f.operation === 'request') return `ARP who-has ${text(f.targetIp)} tell ${text(f.senderIp)}`;
    if (f.operation === 'reply') return `ARP ${text(f.senderIp)} is-at ${text(f.senderMac)}`;
    return `ARP ${String(f.operation)} ${text(f.senderIp)} > ${text(f.targetIp)}`;
  },
};
