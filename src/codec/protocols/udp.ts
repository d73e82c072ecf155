/**
 * User Datagram Protocol: RFC 768 (checksum over the IPv4 or IPv6 pseudo-header). Over IPv6 the
 * checksum is mandatory (RFC 8200 section 8.1): a computed 0 is sent as 0xffff and a received 0
 * is invalid; a UDP jumbogram has length 0 (RFC 2675 section 4).
 */
import { compileHeader } from '../header.js';
import { uint } from '../field.js';
import { FieldValueError, LengthError } from '../errors.js';
import type { FastForm, LayerCodec } from '../layer.js';
import type { AnswerTypes, BindingTypes, LayerBinding } from '../types.js';
import { decodeStep } from '../layer.js';
import { deviationRules } from '../deviation.js';
import { udpPortBindings, udpPortBound } from '../udp-ports.js';
import { autoValues, fillChecksumOf, verifyUpperOf } from '../fast-form.js';
import { IPV6_EXTENSION_LAYERS } from './ipv6-chain.js';
import { firstDifference, portsSwapped, quotedPorts, type AnswerRule } from '../answers.js';
import { be16 } from '../bytes.js';

/** The fields of a decoded UDP (RFC 768) header, as `decode()` gives them. */
export interface UdpFields {
  srcPort: number;
  dstPort: number;
  /** Header plus payload, in bytes. */
  length: number;
  /** 0 over IPv4 means "no checksum" (RFC 768); a computed 0 is sent as 0xffff; 0 over IPv6 is invalid. */
  checksum: number;
}

/** What the builders and `encodeLayers` take for UDP (RFC 768): any field may be left out (defaults, computed lengths and checksums). */
export type UdpInput = Partial<UdpFields>;

declare module '../types.js' {
  interface LayerTypes {
    udp: { fields: UdpFields; input: UdpInput } & BindingTypes<typeof binding> & AnswerTypes<typeof answers>;
  }
}

const PROTOCOL = 17;
/** The port a UDP header takes when left out and nothing bound follows it (Scapy's default too). */
const DEFAULT_PORT = 53;

const header = compileHeader<UdpFields>('udp', [
  uint('srcPort', 16, { doc: 'Source port', default: DEFAULT_PORT }),
  // Left out, the port that selects the next layer (Scapy's bind_layers dport): VXLAN 4789, SCTP 9899 (RFC 6951).
  uint('dstPort', 16, { doc: 'Destination port', default: DEFAULT_PORT, defaultFromNext: true }),
  uint('length', 16, { doc: 'Length of header and payload in bytes', role: 'auto' }),
  uint('checksum', 16, { doc: 'Checksum over pseudo-header, header and payload (0: none, IPv4 only)', role: 'checksum' }),
]);

/**
 * The common form, the one declaration of UDP's automatic length and its checksum (a computed 0
 * is sent as 0xffff): the fast paths compile it, and `write`, `fillChecksum` and
 * `verifyChecksum` below are derived from it (fast-form.ts).
 */
const form: FastForm = {
  header,
  auto: { length: 'length', dstPort: { nextUdpPort: DEFAULT_PORT } },
  checksum: { kind: 'upper', protocol: PROTOCOL, zeroAs: 0xffff },
  // A bound port (SCTP over UDP) selects another layer; a zero checksum has its own verdicts.
  decoded: (fields) => udpPortBound[fields.dstPort as number] !== 1 && udpPortBound[fields.srcPort as number] !== 1 && fields.checksum !== 0,
};
const automatic = autoValues(form);
const verifyUpper = verifyUpperOf(form);

/**
 * The length rule of RFC 768. A length shorter than the IP payload leaves the rest as a trailer
 * and is no deviation: that surplus area is where UDP options go (draft-ietf-tsvwg-udp-options).
 * A longer one is a truncated datagram (a LengthError).
 */
const deviations = deviationRules('udp', {
  length: { field: 'length', expected: 'at least 8 (the header); 0 only in an IPv6 jumbogram (RFC 2675 section 4)', rfc: 'RFC 768' },
});

/** The layer a port binds (destination port first), or raw; the bitmap spares the Map lookups for unbound ports. */
function nextByPort(dstPort: number, srcPort: number): string {
  if (udpPortBound[dstPort] === 1) return udpPortBindings.get(dstPort)!;
  if (udpPortBound[srcPort] === 1) return udpPortBindings.get(srcPort)!;
  return 'raw';
}

const binding = { follows: ['ipv4', 'icmp', 'ipv6', ...IPV6_EXTENSION_LAYERS, 'icmpv6'], ipProtocol: PROTOCOL } as const satisfies LayerBinding;

/** What reply matching reads of a UDP header. */
export interface UdpAnswerView {
  readonly srcPort: number;
  readonly dstPort: number;
  /** Undefined when a quote cut the header short. */
  readonly length: number | undefined;
}

/** A UDP reply comes back between the same ports, swapped; an ICMP error quotes the header as sent. */
const answers: AnswerRule<UdpAnswerView, UdpFields> = {
  what: 'a UDP datagram',
  view: (f) => ({ srcPort: f.srcPort, dstPort: f.dstPort, length: f.length }),
  viewOfHead: (b) => (b.length >= 8 ? { srcPort: be16(b, 0), dstPort: be16(b, 2), length: be16(b, 4) } : undefined),
  answers: (request, reply) => portsSwapped(request, reply) ?? { ok: true },
  quoteDiffers: (r, q) =>
    firstDifference([
      ...quotedPorts(r, q),
      ['length', q.length, r.length],
    ]),
  describe: (v) => `udp ${v.srcPort} > ${v.dstPort}`,
};

export const udp: LayerCodec = {
  name: 'udp',
  title: 'User Datagram Protocol',
  rfc: 'RFC 768',
  fields: header.fields,
  ...binding,

  writesEveryByte: true,

  measure: () => 8,

  write(buf, frames, index) {
    const frame = frames[index];
    const auto = automatic(frames, index);
    if (auto.length > 0xffff && frame.fields.length === undefined) {
      if (frames[frame.ipIndex]?.codec.name !== 'ipv6') throw new FieldValueError('udp', 'length', auto.length, 'at most 65535 bytes of header and payload (over IPv6, a jumbogram)');
      auto.length = 0; // A UDP jumbogram (RFC 2675 section 4): the length comes from the Jumbo Payload option.
    }
    frame.headerSum = header.write(buf, frame.offset, frame.fields as unknown as UdpFields, auto);
    frame.summedLength = 8;
  },

  checksumOffset: 6,

  fillChecksum: fillChecksumOf(form, 6),

  decode(ctx, off, end) {
    if (end - off < 8) throw new LengthError('udp', off, 8, end - off, 'buffer');
    const fields = header.read(ctx.buf, off);
    let payloadEnd = off + fields.length;
    let complete = true;
    if (fields.length === 0 && end - off > 0xffff && ctx.ipIndex >= 0 && ctx.stack[ctx.ipIndex].codec.name === 'ipv6') {
      payloadEnd = end; // RFC 2675 section 4: a jumbogram's UDP length is 0.
    } else if (fields.length < 8) {
      ctx.report(deviations.error('length', off + 4, fields.length));
      payloadEnd = end;
      complete = false;
    } else if (payloadEnd > end) {
      // In a first fragment (or a datagram already reported as cut short) the rest is simply elsewhere.
      if (ctx.stack[ctx.stack.length - 1]?.complete !== false) {
        ctx.report(new LengthError('udp', off, fields.length, end - off, 'udp.length', 'the datagram is truncated'));
      }
      payloadEnd = end;
      complete = false;
    }
    return decodeStep(fields as unknown as Record<string, unknown>, off + 8, payloadEnd, nextByPort(fields.dstPort, fields.srcPort), complete);
  },

  verifyChecksum(ctx, off, end, fields, complete) {
    const actual = fields.checksum as number;
    const ip = ctx.ipIndex < 0 ? undefined : ctx.stack[ctx.ipIndex].codec.name;
    // Over IPv4 a zero checksum means the sender computed none (RFC 768); there is nothing to check.
    if (actual === 0 && ip === 'ipv4') return { status: 'unverifiable', actual };
    const verdict = verifyUpper(ctx, off, end, fields, complete);
    // Over IPv6 the checksum is mandatory and a sender never writes 0 (RFC 8200 section 8.1): 0 is wrong,
    // even where one's-complement arithmetic would accept it as 0xffff.
    if (actual === 0 && ip === 'ipv6') return { status: 'invalid', expected: verdict.expected, actual };
    return verdict;
  },

  fast: form,

  answers,

  summary: (f) => `UDP ${f.srcPort} > ${f.dstPort} len ${f.length}`,
};
