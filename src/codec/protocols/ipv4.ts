/** Internet Protocol version 4: RFC 791 (header), RFC 2474/3168 (DSCP/ECN), RFC 3514 (the evil bit). */
import { compileHeader } from '../header.js';
import type { BindingTypes, LayerBinding } from '../types.js';
import { enumOf, flags, ipv4Addr, uint, type FlagsValue } from '../field.js';
import { finishChecksum, sumWords } from '../checksum.js';
import { bytesInput } from '../bytes.js';
import { ContentError, FieldValueError, LengthError } from '../errors.js';
import type { ChecksumVerdict, FastForm, LayerCodec } from '../layer.js';
import { autoValues, fillChecksumOf } from '../fast-form.js';
import { decodeStep } from '../layer.js';
import { deviationRules } from '../deviation.js';
import { finalDestination, ipv4Options, type Ipv4OptionInput } from './ipv4-options.js';
import { IPV6_EXTENSION_LAYERS } from './ipv6-chain.js';
import { IP_LINK_LAYERS } from './link-layers.js';

export const ECN = { 'not-ect': 0, ect1: 1, ect0: 2, ce: 3 } as const;
/** An ECN codepoint by name (RFC 3168): `not-ect`, `ect1`, `ect0`, `ce`. */
export type EcnName = keyof typeof ECN;
/** A flag of the IPv4 header: `df` (Don't Fragment), `mf` (More Fragments) or `evil` (RFC 3514's reserved bit). */
export type Ipv4Flag = 'evil' | 'df' | 'mf';

/** IPv4 header fields as decoded: every field present. */
export interface Ipv4Fields {
  version: number;
  /** Header length in 32-bit words. */
  ihl: number;
  dscp: number;
  ecn: EcnName | number;
  totalLength: number;
  id: number;
  /** `evil` is the reserved bit (RFC 3514), `df` don't fragment, `mf` more fragments. */
  flags: Ipv4Flag[];
  /** In units of 8 bytes. */
  fragmentOffset: number;
  ttl: number;
  protocol: number;
  checksum: number;
  src: string;
  dst: string;
  options: Ipv4OptionInput[];
  /** Bytes after the options up to the header length; present only when not plain zero padding. */
  padding?: Uint8Array;
}

/** IPv4 fields to build with: leave any out to have it computed or defaulted. */
export interface Ipv4Input {
  version?: number;
  ihl?: number;
  dscp?: number;
  ecn?: EcnName | number;
  totalLength?: number;
  /** Default 1: Linux replaces a zero id of a header-included datagram (Scapy's default is 1 too). */
  id?: number;
  flags?: FlagsValue & (readonly Ipv4Flag[] | number);
  fragmentOffset?: number;
  /** Default 64. */
  ttl?: number;
  /** Default: from the next layer (17 for UDP...), 253 (RFC 3692 experimentation) for raw data. */
  protocol?: number;
  checksum?: number;
  /**
   * Encoded alone: 127.0.0.1. Sent through the raw transport, or built by `rawcraft build` /
   * `send`: the address this host sends from towards `dst` (a route lookup).
   */
  src?: string;
  /** Default 127.0.0.1. */
  dst?: string;
  options?: readonly Ipv4OptionInput[];
  /** Default: zeros up to a multiple of 4 bytes. */
  padding?: Uint8Array | string;
}

declare module '../types.js' {
  interface LayerTypes {
    ipv4: { fields: Ipv4Fields; input: Ipv4Input } & BindingTypes<typeof binding>;
  }
}

/** Protocol number written when the payload is raw data and none was given (RFC 3692: experimentation). */
export const EXPERIMENTAL_PROTOCOL = 253;

const header = compileHeader<Ipv4Fields>('ipv4', [
  uint('version', 4, { doc: 'IP version', default: 4 }),
  uint('ihl', 4, { doc: 'Header length in 32-bit words', role: 'auto' }),
  uint('dscp', 6, { doc: 'Differentiated Services Code Point (RFC 2474)' }),
  enumOf('ecn', 2, ECN, { doc: 'Explicit Congestion Notification (RFC 3168)' }),
  uint('totalLength', 16, { doc: 'Length of header and payload in bytes', role: 'auto' }),
  // Default 1 (as Scapy): Linux replaces a zero id under IP_HDRINCL, so 0 would not go out as built.
  uint('id', 16, { doc: 'Identification (for reassembly)', default: 1 }),
  flags('flags', ['evil', 'df', 'mf'], { doc: 'Reserved (evil), Don\u2019t Fragment, More Fragments' }),
  uint('fragmentOffset', 13, { doc: 'Fragment offset in 8-byte units' }),
  uint('ttl', 8, { doc: 'Time to live', default: 64 }),
  uint('protocol', 8, { doc: 'Protocol of the payload (IANA protocol number)', role: 'auto' }),
  uint('checksum', 16, { doc: 'Header checksum (RFC 1071)', role: 'checksum' }),
  ipv4Addr('src', { doc: 'Source address', default: '127.0.0.1' }),
  ipv4Addr('dst', { doc: 'Destination address', default: '127.0.0.1' }),
], ['options']);

interface Ipv4State {
  options: Uint8Array | undefined;
  padding: Uint8Array | undefined;
}

/**
 * Length rules of RFC 791 section 3.1 that a parseable header may still break. Options are
 * checked by the option list (ipv4-options.ts). A total length shorter than the bytes present
 * leaves a trailer (Ethernet pads short frames: RFC 894), which is no deviation; a longer one is
 * a truncated datagram (a LengthError, not a deviation).
 */
const deviations = deviationRules('ipv4', {
  ihl: { field: 'ihl', expected: '5..15 (at least the 20-byte fixed header)', rfc: 'RFC 791 section 3.1' },
  totalLength: { field: 'totalLength', expected: 'at least the header length', rfc: 'RFC 791 section 3.1' },
});

/** One shared `{ ipProtocol }` per protocol number: decoding allocates none. */
const NEXT_BY_PROTOCOL: readonly { readonly ipProtocol: number }[] = Array.from({ length: 256 }, (_, ipProtocol) => Object.freeze({ ipProtocol }));

/**
 * The common form, the one declaration of the automatic fields and the header checksum: the fast
 * paths compile it, and `write` and `fillChecksum` are derived from it (fast-form.ts).
 */
const form: FastForm = {
  header,
  auto: { ihl: 'headerWords', totalLength: 'length', protocol: { nextProtocol: EXPERIMENTAL_PROTOCOL } },
  checksum: { kind: 'header' },
  pseudo: { src: 'src', dst: 'dst' },
  // A fragment, or another version, is the codec's to decode (and report).
  decoded(fields, buf, start) {
    if (fields.version !== 4 || fields.fragmentOffset !== 0 || (buf[start + 6] & 0x20) !== 0) return false;
    fields.options = [];
    return true;
  },
};
const automatic = autoValues(form);

const binding = { follows: ['start', 'ethernet', 'linux-sll', ...IP_LINK_LAYERS, 'ipv4', 'icmp', 'ipv6', ...IPV6_EXTENSION_LAYERS], ipProtocol: 4, etherType: 0x0800 } as const satisfies LayerBinding;

export const ipv4: LayerCodec = {
  name: 'ipv4',
  title: 'Internet Protocol version 4',
  rfc: 'RFC 791',
  fields: header.fields,
  extraFields: [
    { name: 'options', doc: 'Options: eol, nop, record-route, lsrr, ssrr, timestamp, router-alert, or raw { kind, data }' },
    { name: 'padding', doc: 'Bytes after the options up to the header length (default zeros)' },
  ],
  ...binding,

  writesEveryByte: true,

  measure(frame) {
    const f = frame.fields as Ipv4Input;
    if (f.options === undefined && f.padding === undefined) {
      frame.state = undefined;
      return 20;
    }
    if (f.options !== undefined && !Array.isArray(f.options)) throw new FieldValueError('ipv4', 'options', f.options, 'a list of options');
    const options = f.options && f.options.length ? ipv4Options.encode(f.options) : undefined;
    const optionLength = options?.length ?? 0;
    const padding = f.padding !== undefined ? bytesInput('ipv4', 'padding', f.padding) : new Uint8Array((4 - (optionLength % 4)) % 4);
    const length = 20 + optionLength + padding.length;
    if (length > 60) {
      throw new FieldValueError('ipv4', 'options', `${length - 20} bytes of options and padding`, 'at most 40 bytes (the 4-bit IHL counts at most 60 header bytes)');
    }
    frame.state = { options, padding } satisfies Ipv4State;
    return length;
  },

  write(buf, frames, index) {
    const frame = frames[index];
    const o = frame.offset;
    const auto = automatic(frames, index);
    const f = frame.fields as Ipv4Input;
    if (auto.totalLength > 0xffff && f.totalLength === undefined) {
      throw new FieldValueError('ipv4', 'totalLength', auto.totalLength, 'at most 65535 bytes of header and payload: fragment the packet');
    }
    frame.headerSum = header.write(buf, o, frame.fields as unknown as Ipv4Fields, auto);
    frame.summedLength = 20;
    const state = frame.state as Ipv4State | undefined;
    if (state) {
      let at = o + 20;
      if (state.options) {
        buf.set(state.options, at);
        at += state.options.length;
      }
      if (state.padding) buf.set(state.padding, at);
    }
  },

  checksumOffset: 10,

  fillChecksum: fillChecksumOf(form, 10),

  decode(ctx, off, end) {
    const buf = ctx.buf;
    if (end - off < 20) throw new LengthError('ipv4', off, 20, end - off, 'buffer');
    const fields = header.read(buf, off);
    if (fields.version !== 4) ctx.report(new ContentError('ipv4', off, 'version', fields.version, '4'));
    let headerLength = fields.ihl * 4;
    if (fields.ihl < 5) {
      ctx.report(deviations.error('ihl', off, fields.ihl));
      headerLength = 20;
    }
    if (off + headerLength > end) throw new LengthError('ipv4', off, headerLength, end - off, 'ipv4.ihl');
    if (headerLength === 20) {
      fields.options = [];
    } else {
      const { options, padding } = ipv4Options.decode(buf, off + 20, off + headerLength, (e) => ctx.report(e));
      fields.options = options;
      if (padding.length >= 4 || padding.some((b) => b !== 0)) fields.padding = Buffer.from(padding);
    }
    let payloadEnd = off + fields.totalLength;
    let complete = true;
    if (fields.totalLength < headerLength) {
      ctx.report(deviations.error('totalLength', off + 2, fields.totalLength, { expected: `at least the header length, ${headerLength}` }));
      payloadEnd = off + headerLength;
      complete = false;
    } else if (payloadEnd > end) {
      ctx.report(new LengthError('ipv4', off, fields.totalLength, end - off, 'ipv4.totalLength', 'the datagram is truncated'));
      payloadEnd = end;
      complete = false;
    }
    const moreFragments = (buf[off + 6] & 0x20) !== 0;
    const fragmentOffset = fields.fragmentOffset;
    if (moreFragments || fragmentOffset) complete = false;
    // A non-first fragment carries the middle of some payload: nothing to decode but raw data.
    return decodeStep(fields as unknown as Record<string, unknown>, off + headerLength, payloadEnd, fragmentOffset ? 'raw' : NEXT_BY_PROTOCOL[fields.protocol], complete);
  },

  verifyChecksum(ctx, off, _end, fields): ChecksumVerdict {
    const headerLength = Math.max(20, (fields.ihl as number) * 4);
    const actual = fields.checksum as number;
    const sum = sumWords(ctx.buf, off, off + headerLength);
    const expected = finishChecksum(sum - actual);
    return { status: finishChecksum(sum) === 0 ? 'valid' : 'invalid', expected, actual };
  },

  pseudoHeaderSum(buf, offset, fields) {
    let sum = ((buf[offset + 12] << 8) | buf[offset + 13]) + ((buf[offset + 14] << 8) | buf[offset + 15]);
    const options = fields.options;
    // No options (the common case): nothing can name another destination.
    const final = options === undefined || (Array.isArray(options) && options.length === 0) ? undefined : finalDestination(options);
    if (final === undefined) sum += ((buf[offset + 16] << 8) | buf[offset + 17]) + ((buf[offset + 18] << 8) | buf[offset + 19]);
    else sum += (final >>> 16) + (final & 0xffff);
    return sum;
  },

  fast: form,

  summary(f) {
    const flagText = (f.flags as string[]).length ? ` [${(f.flags as string[]).join(',')}]` : '';
    const frag = f.fragmentOffset ? ` frag ${(f.fragmentOffset as number) * 8}` : '';
    return `IPv4 ${f.src} > ${f.dst} proto ${f.protocol} ttl ${f.ttl} id ${f.id} len ${f.totalLength}${flagText}${frag}`;
  },
};
