/**
 * PPP (RFC 1661) as capture files hold it: LINKTYPE_PPP (9) and LINKTYPE_PPP_HDLC (50, RFC 1662
 * HDLC-like framing without flags, stuffing or FCS). Address 0xff and control 0x03 come first
 * unless compressed away (ACFC, RFC 1661 section 6.6); the protocol field is 2 bytes, or 1 under
 * Protocol-Field-Compression (section 6.5). IPv4 (0x0021) and IPv6 (0x0057) are decoded; control
 * protocols (LCP, IPCP...) stay raw.
 */
import { ContentError, FieldValueError, LengthError } from '../errors.js';
import type { BindingTypes, LayerBinding } from '../types.js';
import type { LayerCodec } from '../layer.js';
import { decodeStep } from '../layer.js';
import { checkUint, putBe16 } from '../option-list.js';
import { uint } from '../field.js';

/** The fields of a decoded PPP in HDLC-like framing (RFC 1662) header, as `decode()` gives them. */
export interface PppFields {
  /** The frame starts with address 0xff and control 0x03 (RFC 1662 section 3.1). */
  addressControl: boolean;
  /** PPP protocol number: 0x0021 IPv4, 0x0057 IPv6, 0xc021 LCP, 0x8021 IPCP... */
  protocol: number;
  /** The protocol was sent in one byte (Protocol-Field-Compression). */
  protocolCompressed: boolean;
}

/** What the builders and `encodeLayers` take for PPP in HDLC-like framing (RFC 1662): any field may be left out (defaults, computed lengths and checksums). */
export interface PppInput {
  /** Default true. */
  addressControl?: boolean;
  /** Default: from the next layer (0x0021 IPv4, 0x0057 IPv6). */
  protocol?: number;
  /** Default false. */
  protocolCompressed?: boolean;
}

declare module '../types.js' {
  interface LayerTypes {
    ppp: { fields: PppFields; input: PppInput } & BindingTypes<typeof binding>;
  }
}

const PROTOCOL_OF: Record<string, number> = { ipv4: 0x0021, ipv6: 0x0057 };
const LAYER_OF = new Map([[0x0021, 'ipv4'], [0x0057, 'ipv6']]);
const NAMES = new Map([[0x0021, 'IPv4'], [0x0057, 'IPv6'], [0xc021, 'LCP'], [0x8021, 'IPCP'], [0x8057, 'IPV6CP'], [0xc023, 'PAP'], [0xc223, 'CHAP']]);

function fail(field: string, value: unknown, allowed: string): never {
  throw new FieldValueError('ppp', field, value, allowed);
}

function flag(value: unknown, name: string, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') fail(name, value, 'true or false');
  return value as boolean;
}

const binding = { follows: ['start', 'pktap'] } as const satisfies LayerBinding;

export const ppp: LayerCodec = {
  name: 'ppp',
  title: 'Point-to-Point Protocol',
  rfc: 'RFC 1661, RFC 1662',
  fields: [uint('protocol', 16, { doc: 'PPP protocol (0x0021 IPv4, 0x0057 IPv6, 0xc021 LCP...)', role: 'auto' })],
  extraFields: [
    { name: 'addressControl', doc: 'Address 0xff and control 0x03 present (default true; false under ACFC)' },
    { name: 'protocolCompressed', doc: 'Protocol in one byte, under Protocol-Field-Compression (default false)' },
  ],
  ...binding,
  writesEveryByte: true,

  measure(frame) {
    const f = frame.fields as PppInput;
    return (flag(f.addressControl, 'addressControl', true) ? 2 : 0) + (flag(f.protocolCompressed, 'protocolCompressed', false) ? 1 : 2);
  },

  write(buf, frames, index) {
    const frame = frames[index];
    const f = frame.fields as PppInput;
    let at = frame.offset;
    if (f.addressControl !== false) {
      buf[at++] = 0xff;
      buf[at++] = 0x03;
    }
    const protocol = checkUint(f.protocol ?? PROTOCOL_OF[frames[index + 1]?.codec.name ?? ''] ?? 0x0021, 16, 'protocol', fail);
    if (f.protocolCompressed === true) {
      // Only protocols below 0x100 can be compressed, and an odd byte marks the end of the field.
      if (protocol > 0xff || (protocol & 1) === 0) fail('protocol', protocol, 'an odd number below 0x100 when protocolCompressed');
      buf[at] = protocol;
    } else {
      putBe16(buf, at, protocol);
    }
  },

  decode(ctx, off, end) {
    const buf = ctx.buf;
    let at = off;
    const addressControl = end - off >= 2 && buf[off] === 0xff && buf[off + 1] === 0x03;
    if (addressControl) at += 2;
    if (at >= end) throw new LengthError('ppp', off, at - off + 1, end - off, 'buffer', 'no protocol field');
    // RFC 1661 section 2: the last protocol byte is odd, every byte before it even.
    const protocolCompressed = (buf[at] & 1) === 1;
    if (!protocolCompressed && at + 2 > end) throw new LengthError('ppp', off, at + 2 - off, end - off, 'buffer', 'the protocol field is cut short');
    const protocol = protocolCompressed ? buf[at] : (buf[at] << 8) | buf[at + 1];
    at += protocolCompressed ? 1 : 2;
    const fields = { addressControl, protocol, protocolCompressed };
    if (!protocolCompressed && (protocol & 1) === 0) {
      ctx.report(new ContentError('ppp', off + (addressControl ? 2 : 0), 'protocol', protocol, 'a protocol number whose last byte is odd (RFC 1661 section 2)'));
      return decodeStep(fields, at, end, 'raw');
    }
    return decodeStep(fields, at, end, LAYER_OF.get(protocol) ?? 'raw');
  },

  summary: (f) => `PPP ${NAMES.get(f.protocol as number) ?? `protocol 0x${(f.protocol as number).toString(16).padStart(4, '0')}`}`,
};
