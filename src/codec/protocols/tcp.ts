/** Transmission Control Protocol: RFC 9293 (header), RFC 3168 (CWR, ECE), RFC 9768 / AccECN (AE). */
import { compileHeader } from '../header.js';
import type { AnswerTypes, BindingTypes, LayerBinding } from '../types.js';
import { flags, uint, type FlagsValue } from '../field.js';
import { be16, be32, bytesInput } from '../bytes.js';
import { FieldValueError, LengthError, type PacketError } from '../errors.js';
import type { FastForm, LayerCodec } from '../layer.js';
import { decodeStep } from '../layer.js';
import { deviationRules } from '../deviation.js';
import { autoValues, fillChecksumOf, verifyUpperOf } from '../fast-form.js';
import { tcpOptions, type TcpOptionInput } from './tcp-options.js';
import { IPV6_EXTENSION_LAYERS } from './ipv6-chain.js';
import { firstDifference, portsSwapped, quotedPorts, rawAfter, type Answer, type AnswerRule } from '../answers.js';

/** A TCP flag by name, as the `flags` list holds them (RFC 9293, RFC 3168, RFC 9768's AE). */
export type TcpFlag = 'ae' | 'cwr' | 'ece' | 'urg' | 'ack' | 'psh' | 'rst' | 'syn' | 'fin';

/** The fields of a decoded TCP (RFC 9293) header, as `decode()` gives them. */
export interface TcpFields {
  srcPort: number;
  dstPort: number;
  seq: number;
  ack: number;
  /** Header length in 32-bit words. */
  dataOffset: number;
  /** The three reserved bits before AE. */
  reserved: number;
  flags: TcpFlag[];
  window: number;
  checksum: number;
  urgentPointer: number;
  options: TcpOptionInput[];
  /** Bytes after the options up to the data offset; present only when not plain zero padding. */
  padding?: Uint8Array;
}

/** What the builders and `encodeLayers` take for TCP (RFC 9293): any field may be left out (defaults, computed lengths and checksums). */
export interface TcpInput {
  /** Default 20. */
  srcPort?: number;
  /** Default 80. */
  dstPort?: number;
  seq?: number;
  ack?: number;
  dataOffset?: number;
  reserved?: number;
  /** Default ['syn'], as in Scapy. */
  flags?: FlagsValue & (readonly TcpFlag[] | number);
  /** Default 65535. */
  window?: number;
  checksum?: number;
  urgentPointer?: number;
  options?: readonly TcpOptionInput[];
  padding?: Uint8Array | string;
}

declare module '../types.js' {
  interface LayerTypes {
    tcp: { fields: TcpFields; input: TcpInput } & BindingTypes<typeof binding> & AnswerTypes<typeof answers>;
  }
}

const PROTOCOL = 6;

const header = compileHeader<TcpFields>('tcp', [
  uint('srcPort', 16, { doc: 'Source port', default: 20 }),
  uint('dstPort', 16, { doc: 'Destination port', default: 80 }),
  uint('seq', 32, { doc: 'Sequence number' }),
  uint('ack', 32, { doc: 'Acknowledgment number' }),
  uint('dataOffset', 4, { doc: 'Header length in 32-bit words', role: 'auto' }),
  uint('reserved', 3, { doc: 'Reserved bits' }),
  // Scapy's default of a SYN: what a user crafting a bare TCP layer almost always wants.
  flags('flags', ['ae', 'cwr', 'ece', 'urg', 'ack', 'psh', 'rst', 'syn', 'fin'], { doc: 'Control bits', default: 0x002 }),
  uint('window', 16, { doc: 'Receive window', default: 65535 }),
  uint('checksum', 16, { doc: 'Checksum over pseudo-header, header and data (RFC 1071)', role: 'checksum' }),
  uint('urgentPointer', 16, { doc: 'Urgent pointer' }),
], ['options']);


/** The header's length rule (RFC 9293 section 3.1); the options' rules are the option list's (tcp-options.ts). */
const deviations = deviationRules('tcp', {
  dataOffset: { field: 'dataOffset', expected: '5..15 (at least the 20-byte header)', rfc: 'RFC 9293 section 3.1' },
});

/** Decode the options in buf[start, end) into `fields` (and odd padding, kept for exact round trips). */
function readOptions(fields: TcpFields, buf: Uint8Array, start: number, end: number, report: (e: PacketError) => void): void {
  if (start === end) {
    fields.options = [];
    return;
  }
  const { options, padding } = tcpOptions.decode(buf, start, end, report);
  fields.options = options;
  if (padding.length !== 0 && (padding.length >= 4 || padding.some((b) => b !== 0))) fields.padding = Buffer.from(padding);
}

/**
 * The common form, the one declaration of the data offset and the checksum: the fast paths
 * compile it, and `write`, `fillChecksum` and `verifyChecksum` are derived from it (fast-form.ts).
 */
const form: FastForm = {
  header,
  auto: { dataOffset: 'headerWords' },
  tail: {
    field: 'options',
    measure: (options) => tcpOptions.measure(options as TcpOptionInput[]),
    write: (options, buf, at) => tcpOptions.write(options as TcpOptionInput[], buf, at),
    maxHeader: 60,
  },
  checksum: { kind: 'upper', protocol: PROTOCOL, zeroAs: 0 },
  decoded(fields, buf, start, headerEnd) {
    let clean = true;
    readOptions(fields as unknown as TcpFields, buf, start + 20, headerEnd, () => {
      clean = false;
    });
    return clean;
  },
};
const automatic = autoValues(form);

/** frame.state when the options are written in place by write() (see measure). */
const IN_PLACE = Symbol('in place');

interface TcpState {
  options: Uint8Array | undefined;
  padding: Uint8Array;
}

const binding = { follows: ['ipv4', 'icmp', 'ipv6', ...IPV6_EXTENSION_LAYERS, 'icmpv6'], ipProtocol: PROTOCOL } as const satisfies LayerBinding;

/** What reply matching reads of a TCP segment. */
export interface TcpAnswerView {
  readonly srcPort: number;
  readonly dstPort: number;
  readonly seq: number;
  /** Undefined when a quote cut the header short. */
  readonly ack: number | undefined;
  readonly flags: readonly TcpFlag[];
  /** Bytes of data after the header (undefined inside a quote). */
  readonly segmentLength: number | undefined;
}

/** A TCP answer acknowledges our segment (seq + data length, +1 for SYN and for FIN), or resets it. */
function acknowledges(r: TcpAnswerView, u: TcpAnswerView): Answer {
  const expectedAck = (r.seq + (r.segmentLength ?? 0) + (r.flags.includes('syn') ? 1 : 0) + (r.flags.includes('fin') ? 1 : 0)) >>> 0;
  if (u.flags.includes('ack')) {
    if (u.ack === expectedAck) return { ok: true };
    return { ok: false, reason: `ack ${u.ack} differs (expected ${expectedAck})` };
  }
  if (u.flags.includes('rst')) {
    // RFC 9293 3.10.7.1: a RST without ACK answers a segment that had one, with seq = its ack.
    if (!r.flags.includes('ack') || u.seq === r.ack) return { ok: true };
    return { ok: false, reason: `RST seq ${u.seq} differs (expected ${r.ack})` };
  }
  return { ok: false, reason: 'neither acknowledges nor resets the request' };
}

/** A TCP reply: same ports swapped, acknowledging or resetting the request; an ICMP error quotes ports and seq (the first 8 bytes). */
const answers: AnswerRule<TcpAnswerView, TcpFields> = {
  what: 'a TCP segment',
  view: (f, after) => ({ srcPort: f.srcPort, dstPort: f.dstPort, seq: f.seq, ack: f.ack, flags: f.flags ?? [], segmentLength: rawAfter(after)?.length ?? 0 }),
  viewOfHead: (b) =>
    b.length >= 8 ? { srcPort: be16(b, 0), dstPort: be16(b, 2), seq: be32(b, 4), ack: b.length >= 12 ? be32(b, 8) : undefined, flags: [], segmentLength: undefined } : undefined,
  answers: (request, reply) => portsSwapped(request, reply) ?? acknowledges(request, reply),
  quoteDiffers: (r, q) =>
    firstDifference([
      ...quotedPorts(r, q),
      ['seq', q.seq, r.seq],
    ]),
  describe: (v) => `tcp ${v.srcPort} > ${v.dstPort}${v.flags.length ? ` [${v.flags.map((f) => f.toUpperCase()).join(',')}]` : ''} seq ${v.seq}${v.ack !== undefined ? ` ack ${v.ack}` : ''}`,
};

export const tcp: LayerCodec = {
  name: 'tcp',
  title: 'Transmission Control Protocol',
  rfc: 'RFC 9293',
  fields: header.fields,
  extraFields: [
    { name: 'options', doc: 'Options: eol, nop, mss, window-scale, sack-permitted, sack, timestamps, or raw { kind, data }' },
    { name: 'padding', doc: 'Bytes after the options up to the data offset (default zeros)' },
  ],
  ...binding,

  writesEveryByte: true,

  measure(frame) {
    const f = frame.fields as TcpInput;
    if (f.options === undefined && f.padding === undefined) {
      frame.state = undefined;
      return 20;
    }
    if (f.options !== undefined && !Array.isArray(f.options)) throw new FieldValueError('tcp', 'options', f.options, 'a list of options');
    // Common case: known options, default padding. Written straight into the packet in write(),
    // with no intermediate byte arrays.
    const inPlace = f.padding === undefined && f.options ? tcpOptions.measure(f.options) : -1;
    if (inPlace >= 0) {
      const length = 20 + ((inPlace + 3) & ~3);
      if (length > 60) {
        throw new FieldValueError('tcp', 'options', `${length - 20} bytes of options and padding`, 'at most 40 bytes (the 4-bit data offset counts at most 60 header bytes)');
      }
      frame.state = IN_PLACE;
      return length;
    }
    const options = f.options && f.options.length ? tcpOptions.encode(f.options) : undefined;
    const optionLength = options?.length ?? 0;
    const padding = f.padding !== undefined ? bytesInput('tcp', 'padding', f.padding) : new Uint8Array((4 - (optionLength % 4)) % 4);
    const length = 20 + optionLength + padding.length;
    if (length > 60) {
      throw new FieldValueError('tcp', 'options', `${length - 20} bytes of options and padding`, 'at most 40 bytes (the 4-bit data offset counts at most 60 header bytes)');
    }
    frame.state = { options, padding } satisfies TcpState;
    return length;
  },

  write(buf, frames, index) {
    const frame = frames[index];
    frame.headerSum = header.write(buf, frame.offset, frame.fields as unknown as TcpFields, automatic(frames, index));
    frame.summedLength = 20;
    const state = frame.state as TcpState | typeof IN_PLACE | undefined;
    if (state === IN_PLACE) {
      let at = tcpOptions.write((frame.fields as TcpInput).options!, buf, frame.offset + 20);
      const headerEnd = frame.offset + frame.headerLength;
      while (at < headerEnd) buf[at++] = 0; // default padding: zeros to the 32-bit boundary
    } else if (state) {
      let at = frame.offset + 20;
      if (state.options) {
        buf.set(state.options, at);
        at += state.options.length;
      }
      buf.set(state.padding, at);
    }
  },

  checksumOffset: 16,

  fillChecksum: fillChecksumOf(form, 16),

  decode(ctx, off, end) {
    const buf = ctx.buf;
    if (end - off < 20) throw new LengthError('tcp', off, 20, end - off, 'buffer');
    const fields = header.read(buf, off);
    let headerLength = fields.dataOffset * 4;
    if (fields.dataOffset < 5) {
      ctx.report(deviations.error('dataOffset', off + 12, fields.dataOffset));
      headerLength = 20;
    }
    if (off + headerLength > end) throw new LengthError('tcp', off, headerLength, end - off, 'tcp.dataOffset');
    readOptions(fields, buf, off + 20, off + headerLength, (e) => ctx.report(e));
    return decodeStep(fields as unknown as Record<string, unknown>, off + headerLength, end, 'raw');
  },

  verifyChecksum: verifyUpperOf(form),

  fast: form,

  answers,

  summary(f) {
    const flagText = (f.flags as string[]).map((n) => n.toUpperCase()).join(',');
    return `TCP ${f.srcPort} > ${f.dstPort} [${flagText}] seq ${f.seq} ack ${f.ack} win ${f.window}`;
  },
};
