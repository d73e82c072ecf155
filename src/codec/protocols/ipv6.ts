/**
 * Internet Protocol version 6: RFC 8200 (header, section 3; pseudo-header, section 8.1),
 * RFC 2474/3168 (DSCP and ECN in the traffic class), RFC 6437 (flow label), RFC 2675 (jumbograms),
 * RFC 4291/5952 (address text forms).
 */
import { compileHeader } from '../header.js';
import type { BindingTypes, LayerBinding } from '../types.js';
import { enumOf, ipv6Addr, uint } from '../field.js';
import { ContentError, FieldValueError, LengthError } from '../errors.js';
import type { FastForm, LayerCodec, LayerRef } from '../layer.js';
import { autoValues } from '../fast-form.js';
import { decodeStep } from '../layer.js';
import { deviationRules } from '../deviation.js';
import { ECN, type EcnName } from './ipv4.js';
import { IP_PROTOCOL, IPV6_EXTENSION_LAYERS, NO_NEXT_HEADER } from './ipv6-chain.js';
import { hasJumbo } from './ipv6-options.js';
import { IP_LINK_LAYERS } from './link-layers.js';

/** IPv6 header fields as decoded: every field present. */
export interface Ipv6Fields {
  version: number;
  /** Traffic class, high six bits (RFC 2474). */
  dscp: number;
  /** Traffic class, low two bits (RFC 3168). */
  ecn: EcnName | number;
  /** 20-bit flow label (RFC 6437). */
  flowLabel: number;
  /** Bytes after this header, extension headers included (0 for a jumbogram). */
  payloadLength: number;
  /** Protocol number of the first extension header or upper layer. */
  nextHeader: number;
  hopLimit: number;
  src: string;
  dst: string;
}

/** IPv6 fields to build with: leave any out to have it computed or defaulted. */
export interface Ipv6Input {
  version?: number;
  dscp?: number;
  ecn?: EcnName | number;
  flowLabel?: number;
  /** Default: computed (0 with a Jumbo Payload option above 65535 bytes). */
  payloadLength?: number;
  /** Default: from the next layer (17 for UDP...), 59 (No Next Header) for raw data or nothing. */
  nextHeader?: number;
  /** Default 64. */
  hopLimit?: number;
  /**
   * Any RFC 4291 text form (compressed, IPv4-embedded, any case); no zone id. Encoded alone,
   * the default is ::1; sent through the raw transport, or built by `rawcraft build` / `send`:
   * the address this host sends from towards `dst` (a route lookup).
   */
  src?: string;
  /** Default ::1. */
  dst?: string;
}

declare module '../types.js' {
  interface LayerTypes {
    ipv6: { fields: Ipv6Fields; input: Ipv6Input } & BindingTypes<typeof binding>;
  }
}

const LAYER = 'ipv6';

const header = compileHeader<Ipv6Fields>(LAYER, [
  uint('version', 4, { doc: 'IP version', default: 6 }),
  uint('dscp', 6, { doc: 'Traffic class: Differentiated Services Code Point (RFC 2474)' }),
  enumOf('ecn', 2, ECN, { doc: 'Traffic class: Explicit Congestion Notification (RFC 3168)' }),
  uint('flowLabel', 20, { doc: 'Flow label (RFC 6437)' }),
  uint('payloadLength', 16, { doc: 'Length of everything after this header in bytes (0: jumbogram)', role: 'auto' }),
  uint('nextHeader', 8, { doc: 'Protocol number of the next header (IANA protocol number)', role: 'auto' }),
  uint('hopLimit', 8, { doc: 'Hop limit', default: 64 }),
  ipv6Addr('src', { doc: 'Source address', default: '::1' }),
  ipv6Addr('dst', { doc: 'Destination address', default: '::1' }),
]);

/**
 * The common form, the one declaration of the automatic fields (payload length, next header: 59,
 * No Next Header, when nothing or raw data follows) and of the pseudo-header's addresses: the fast
 * paths compile it, and `write` is derived from it (fast-form.ts).
 */
const form: FastForm = {
  header,
  auto: { payloadLength: 'payloadLength', nextHeader: { nextProtocol: NO_NEXT_HEADER } },
  pseudo: { src: 'src', dst: 'dst' },
  // Another version is the codec's to decode (and report).
  decoded: (fields) => fields.version === 6,
};
const automatic = autoValues(form);

/**
 * Payload length rules. A length shorter than the bytes present leaves a trailer (Ethernet pads
 * short frames), a longer one a truncated packet (a LengthError). The Jumbo Payload option's own
 * rules are the Hop-by-Hop header's (ipv6-options-header.ts).
 */
const deviations = deviationRules(LAYER, {
  payloadLength: {
    field: 'payloadLength',
    expected: 'the length of what follows: 0 with a Hop-by-Hop header only when it holds a Jumbo Payload option',
    rfc: 'RFC 2675 section 3',
  },
});

/** The Jumbo Payload length in a Hop-by-Hop header at `off` (RFC 2675), or undefined. */
function jumboLength(buf: Uint8Array, off: number, end: number): number | undefined {
  if (off + 8 > end) return undefined;
  const stop = Math.min(end, off + (buf[off + 1] + 1) * 8);
  for (let i = off + 2; i < stop; ) {
    if (buf[i] === 0) {
      i++;
      continue;
    }
    if (i + 2 > stop) return undefined;
    const len = buf[i + 1];
    if (buf[i] === 0xc2 && len === 4 && i + 6 <= stop) return buf[i + 2] * 0x1000000 + ((buf[i + 3] << 16) | (buf[i + 4] << 8) | buf[i + 5]);
    i += 2 + len;
  }
  return undefined;
}

function sumAddress(b: Uint8Array, at: number): number {
  let sum = 0;
  for (let i = 0; i < 16; i += 2) sum += (b[at + i] << 8) | b[at + i + 1];
  return sum;
}

const binding = { follows: ['start', 'ethernet', 'linux-sll', ...IP_LINK_LAYERS, 'ipv4', 'ipv6', ...IPV6_EXTENSION_LAYERS, 'icmpv6'], ipProtocol: IP_PROTOCOL.ipv6, etherType: 0x86dd } as const satisfies LayerBinding;

export const ipv6: LayerCodec = {
  name: LAYER,
  title: 'Internet Protocol version 6',
  rfc: 'RFC 8200',
  fields: header.fields,
  ...binding,

  measure: () => 40,

  write(buf, frames, index) {
    const frame = frames[index];
    const f = frame.fields as Ipv6Input;
    const auto = automatic(frames, index);
    if (auto.payloadLength > 0xffff && f.payloadLength === undefined) {
      const next = frames[index + 1];
      if (next?.codec.name !== 'ipv6-hop-by-hop' || !hasJumbo(next.fields.options)) {
        throw new FieldValueError(LAYER, 'payloadLength', auto.payloadLength, 'at most 65535 bytes: add a Hop-by-Hop header with a jumbo option (RFC 2675), or fragment the packet');
      }
      auto.payloadLength = 0;
    }
    header.write(buf, frame.offset, f as unknown as Ipv6Fields, auto);
  },

  decode(ctx, off, end) {
    const buf = ctx.buf;
    if (end - off < 40) throw new LengthError(LAYER, off, 40, end - off, 'buffer');
    const fields = header.read(buf, off);
    if (fields.version !== 6) ctx.report(new ContentError(LAYER, off, 'version', fields.version, '6'));
    let length = fields.payloadLength;
    let source = 'ipv6.payloadLength';
    if (length === 0 && fields.nextHeader === IP_PROTOCOL.hopByHop) {
      const jumbo = jumboLength(buf, off + 40, end);
      if (jumbo !== undefined) {
        length = jumbo;
        source = 'ipv6-hop-by-hop jumbo payloadLength';
      }
    }
    // Zero with a Hop-by-Hop header announces a jumbogram: without the option, the length is wrong.
    if (length === 0 && fields.nextHeader === IP_PROTOCOL.hopByHop && source === 'ipv6.payloadLength') ctx.report(deviations.error('payloadLength', off + 4, 0));
    let payloadEnd = off + 40 + length;
    let complete = true;
    if (payloadEnd > end) {
      ctx.report(new LengthError(LAYER, off, 40 + length, end - off, source, 'the packet is truncated'));
      payloadEnd = end;
      complete = false;
    }
    return decodeStep(fields as unknown as Record<string, unknown>, off + 40, payloadEnd, fields.nextHeader === NO_NEXT_HEADER ? 'raw' : { ipProtocol: fields.nextHeader }, complete);
  },

  pseudoHeaderSum(buf, offset, _fields, between: readonly LayerRef[]) {
    // RFC 8200 section 8.1: with a Routing header still to be processed, the final destination.
    let final: Uint8Array | undefined;
    for (const layer of between) final = layer.codec.finalDestination?.(layer.fields) ?? final;
    return sumAddress(buf, offset + 8) + (final ? sumAddress(final, 0) : sumAddress(buf, offset + 24));
  },

  fast: form,

  summary(f) {
    const flow = f.flowLabel ? ` flow 0x${(f.flowLabel as number).toString(16).padStart(5, '0')}` : '';
    return `IPv6 ${f.src} > ${f.dst} nh ${f.nextHeader} hlim ${f.hopLimit} len ${f.payloadLength}${flow}`;
  },
};
