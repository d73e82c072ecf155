/**
 * Internet Control Message Protocol for IPv6: RFC 4443 (errors, echo), RFC 4884 (length of the
 * quoted packet), RFC 4861 (Neighbor Discovery: router and neighbor solicitation and
 * advertisement, redirect), RFC 2710 (MLDv1), RFC 3810 (MLDv2), RFC 7112 / 8754 / 8883
 * (further Parameter Problem codes). Error messages quote the offending packet, decoded as
 * IPv6 in lax mode. The checksum covers the IPv6 pseudo-header (RFC 4443 section 2.3).
 */
import { compileHeader, type CompiledHeader } from '../header.js';
import type { AnswerTypes, BindingTypes, LayerBinding } from '../types.js';
import { enumOf, flags, ipv6Addr, uint, type FieldDef, type FlagsValue } from '../field.js';
import { be16, bytesInput } from '../bytes.js';
import { FieldValueError, LengthError, UnknownFieldError } from '../errors.js';
import { closest } from '../suggest.js';
import type { DecodeContext, FastForm, LayerCodec } from '../layer.js';
import { fillChecksumOf, verifyUpperOf } from '../fast-form.js';
import { decodeStep } from '../layer.js';
import { deviationRules } from '../deviation.js';
import { icmpAnswerRule, sameIdSeq, type IcmpAnswerView, type QueryRule } from '../icmp-answers.js';
import { IP_PROTOCOL, IPV6_EXTENSION_LAYERS } from './ipv6-chain.js';
import { decodeNdOptions, encodeNdOptions, type NdOptionInput } from './icmpv6-ndp.js';
import { decodeAddresses, decodeRecords, encodeAddresses, encodeRecords, mldDeviations, type MldRecord, type MldRecordInput } from './icmpv6-mld.js';

export const ICMPV6_TYPES = {
  'destination-unreachable': 1,
  'packet-too-big': 2,
  'time-exceeded': 3,
  'parameter-problem': 4,
  'echo-request': 128,
  'echo-reply': 129,
  'mld-query': 130,
  'mld-report': 131,
  'mld-done': 132,
  'router-solicitation': 133,
  'router-advertisement': 134,
  'neighbor-solicitation': 135,
  'neighbor-advertisement': 136,
  redirect: 137,
  'mldv2-report': 143,
} as const;
/** An ICMPv6 message type by name (`echo-request`, `neighbor-solicitation`...), as `type` takes it. */
export type Icmpv6TypeName = keyof typeof ICMPV6_TYPES;

export const ICMPV6_UNREACHABLE_CODES = {
  'no-route': 0,
  'admin-prohibited': 1,
  'beyond-scope': 2,
  'address-unreachable': 3,
  'port-unreachable': 4,
  'source-policy-failed': 5,
  'reject-route': 6,
  'source-routing-header-error': 7,
  'headers-too-long': 8,
} as const;
export const ICMPV6_TIME_EXCEEDED_CODES = { 'hop-limit-exceeded': 0, 'reassembly-time-exceeded': 1 } as const;
export const ICMPV6_PARAMETER_PROBLEM_CODES = {
  'erroneous-header': 0,
  'unrecognized-next-header': 1,
  'unrecognized-option': 2,
  'incomplete-header-chain': 3,
  'sr-upper-layer-header-error': 4,
  'unrecognized-next-header-by-intermediate': 5,
  'extension-header-too-big': 6,
  'extension-header-chain-too-long': 7,
  'too-many-extension-headers': 8,
  'too-many-options': 9,
  'option-too-big': 10,
} as const;
export const ROUTER_PREFERENCES = { medium: 0, high: 1, reserved: 2, low: 3 } as const;
/** A Default Router Preference by name (RFC 4191): `low`, `medium`, `high`, `reserved`. */
export type RouterPreference = keyof typeof ROUTER_PREFERENCES;

/** ICMPv6 fields as decoded. Which of the optional ones are present depends on `type`. */
export interface Icmpv6Fields {
  type: Icmpv6TypeName | number;
  /** Names for the codes of destination-unreachable, time-exceeded and parameter-problem. */
  code: string | number;
  checksum: number;
  /** Destination unreachable, time exceeded: length of the quoted packet in 64-bit words (RFC 4884; 0: not given). */
  length?: number;
  /** Unused bits, kept for exact round trips. */
  unused?: number;
  /** Packet too big: the MTU of the next hop. */
  mtu?: number;
  /** Parameter problem: offset of the erroneous octet in the quoted packet. */
  pointer?: number;
  /** Echo. */
  id?: number;
  seq?: number;
  /** MLDv1 (query, report, done): milliseconds. */
  maxResponseDelay?: number;
  /** MLDv2 query: the encoded maximum response delay (RFC 3810 section 5.1.3). */
  maxResponseCode?: number;
  reserved?: number;
  /** MLD: the multicast address (:: in a general query). */
  multicastAddress?: string;
  /** MLDv2 query: the four reserved bits before S. */
  reserved2?: number;
  /** MLDv2 query: suppress router-side processing (S flag). */
  suppress?: number;
  /** MLDv2 query: querier's robustness variable. */
  qrv?: number;
  /** MLDv2 query: querier's query interval code. */
  qqic?: number;
  numberOfSources?: number;
  sources?: string[];
  /** MLDv2 report. */
  numberOfRecords?: number;
  records?: MldRecord[];
  /** Router advertisement. */
  curHopLimit?: number;
  /** Router advertisement: m managed, o other configuration, h home agent; neighbor advertisement: r router, s solicited, o override. */
  flags?: string[];
  preference?: RouterPreference | number;
  /** Router advertisement: the proxy bit (RFC 4389). */
  proxy?: number;
  routerLifetime?: number;
  reachableTime?: number;
  retransTimer?: number;
  /** Neighbor solicitation and advertisement, redirect: the target address. */
  target?: string;
  /** Redirect: the destination being redirected. */
  destination?: string;
  /** Neighbor Discovery messages: options. */
  options?: NdOptionInput[];
  /** Neighbor Discovery messages: bytes after a malformed option. */
  padding?: Uint8Array;
}

/** ICMPv6 fields to build with: any may be left out; the checksum is computed over the pseudo-header. */
export type Icmpv6Input = {
  [K in Exclude<keyof Icmpv6Fields, 'flags' | 'records' | 'options' | 'sources' | 'padding'>]?: Icmpv6Fields[K];
} & {
  flags?: FlagsValue;
  records?: readonly MldRecordInput[];
  options?: readonly NdOptionInput[];
  sources?: readonly string[];
  padding?: Uint8Array | string;
};

declare module '../types.js' {
  interface LayerTypes {
    icmpv6: { fields: Icmpv6Fields; input: Icmpv6Input } & BindingTypes<typeof binding> & AnswerTypes<typeof answers>;
  }
}

const LAYER = 'icmpv6';

type Body = 'quote' | 'raw' | 'nd' | 'mldv2-query' | 'mldv2-report';

interface Variant {
  readonly header: CompiledHeader<Icmpv6Fields>;
  readonly body: Body;
  readonly names: ReadonlySet<string>;
}

function head(codes?: Readonly<Record<string, number>>): FieldDef[] {
  return [
    enumOf('type', 8, ICMPV6_TYPES, { doc: 'Message type', default: 128 }),
    codes ? enumOf('code', 8, codes, { doc: 'Message code' }) : uint('code', 8, { doc: 'Message code' }),
    uint('checksum', 16, { doc: 'Checksum over the IPv6 pseudo-header and the message', role: 'checksum' }),
  ];
}

const EXTRA: Record<Body, string[]> = { quote: [], raw: [], nd: ['options', 'padding'], 'mldv2-query': ['sources'], 'mldv2-report': ['records'] };

function variant(body: Body, defs: FieldDef[]): Variant {
  return { header: compileHeader<Icmpv6Fields>(LAYER, defs), body, names: new Set([...defs.map((d) => d.name), ...EXTRA[body]]) };
}

const lengthQuoted = uint('length', 8, { doc: 'Length of the quoted packet in 64-bit words (RFC 4884)' });
const mldV1 = variant('raw', [
  ...head(),
  uint('maxResponseDelay', 16, { doc: 'Maximum response delay in milliseconds' }),
  uint('reserved', 16, { doc: 'Reserved' }),
  ipv6Addr('multicastAddress', { doc: 'Multicast address (:: in a general query)', default: '::' }),
]);
const mldV2Query = variant('mldv2-query', [
  ...head(),
  uint('maxResponseCode', 16, { doc: 'Maximum response code (RFC 3810 section 5.1.3)', default: 10000 }),
  uint('reserved', 16, { doc: 'Reserved' }),
  ipv6Addr('multicastAddress', { doc: 'Multicast address (:: in a general query)', default: '::' }),
  uint('reserved2', 4, { doc: 'Reserved' }),
  uint('suppress', 1, { doc: 'S: suppress router-side processing' }),
  uint('qrv', 3, { doc: "Querier's robustness variable", default: 2 }),
  uint('qqic', 8, { doc: "Querier's query interval code", default: 125 }),
  uint('numberOfSources', 16, { doc: 'Number of source addresses', role: 'auto' }),
]);
const MLDV2_QUERY_ONLY = ['maxResponseCode', 'reserved2', 'suppress', 'qrv', 'qqic', 'numberOfSources', 'sources'];
const echo = variant('raw', [...head(), uint('id', 16, { doc: 'Identifier' }), uint('seq', 16, { doc: 'Sequence number' })]);

const variants = new Map<number, Variant>([
  [1, variant('quote', [...head(ICMPV6_UNREACHABLE_CODES), lengthQuoted, uint('unused', 24, { doc: 'Unused' })])],
  [2, variant('quote', [...head(), uint('mtu', 32, { doc: 'MTU of the next-hop link', default: 1280 })])],
  [3, variant('quote', [...head(ICMPV6_TIME_EXCEEDED_CODES), lengthQuoted, uint('unused', 24, { doc: 'Unused' })])],
  [4, variant('quote', [...head(ICMPV6_PARAMETER_PROBLEM_CODES), uint('pointer', 32, { doc: 'Offset of the erroneous octet' })])],
  [128, echo],
  [129, echo],
  [130, mldV1],
  [131, mldV1],
  [132, mldV1],
  [133, variant('nd', [...head(), uint('reserved', 32, { doc: 'Reserved' })])],
  [
    134,
    variant('nd', [
      ...head(),
      uint('curHopLimit', 8, { doc: 'Hop limit for outgoing packets (0: unspecified)', default: 64 }),
      flags('flags', ['m', 'o', 'h'], { doc: 'M managed address configuration, O other configuration, H home agent (RFC 6275)' }),
      enumOf('preference', 2, ROUTER_PREFERENCES, { doc: 'Default router preference (RFC 4191)' }),
      uint('proxy', 1, { doc: 'P: proxied (RFC 4389)' }),
      uint('reserved', 2, { doc: 'Reserved' }),
      uint('routerLifetime', 16, { doc: 'Router lifetime in seconds', default: 1800 }),
      uint('reachableTime', 32, { doc: 'Reachable time in milliseconds' }),
      uint('retransTimer', 32, { doc: 'Retransmission timer in milliseconds' }),
    ]),
  ],
  [135, variant('nd', [...head(), uint('reserved', 32, { doc: 'Reserved' }), ipv6Addr('target', { doc: 'Target address', default: '::1' })])],
  [
    136,
    variant('nd', [
      ...head(),
      flags('flags', ['r', 's', 'o'], { doc: 'R router, S solicited, O override' }),
      uint('reserved', 29, { doc: 'Reserved' }),
      ipv6Addr('target', { doc: 'Target address', default: '::1' }),
    ]),
  ],
  [
    137,
    variant('nd', [
      ...head(),
      uint('reserved', 32, { doc: 'Reserved' }),
      ipv6Addr('target', { doc: 'Better first hop (target) address', default: '::1' }),
      ipv6Addr('destination', { doc: 'Destination being redirected', default: '::1' }),
    ]),
  ],
  [143, variant('mldv2-report', [...head(), uint('reserved', 16, { doc: 'Reserved' }), uint('numberOfRecords', 16, { doc: 'Number of multicast address records', role: 'auto' })])],
]);
const unknown = variant('raw', head());

/** Every field of every message type, once, for docs and the field-name check. */
// The unknown-type layout first, so `code` is listed as a plain number (its names depend on the type).
const allFields = [...new Map([unknown, ...variants.values(), mldV2Query].flatMap((v) => v.header.fields).map((f) => [f.name, f])).values()];

function typeNumber(type: unknown): number {
  if (type === undefined) return 128;
  if (typeof type === 'number' && Number.isInteger(type) && type >= 0 && type <= 255) return type;
  if (typeof type === 'string' && type in ICMPV6_TYPES) return ICMPV6_TYPES[type as Icmpv6TypeName];
  throw new FieldValueError(LAYER, 'type', type, `an integer 0..255 or one of ${Object.keys(ICMPV6_TYPES).join(', ')}`);
}

/** An MLD query is MLDv2 when MLDv2 fields are given (encoding) or it is at least 28 bytes long (decoding, RFC 3810 section 8.1). */
function variantFor(type: number, fields: Record<string, unknown>): Variant {
  if (type === 130 && MLDV2_QUERY_ONLY.some((k) => fields[k] !== undefined)) return mldV2Query;
  return variants.get(type) ?? unknown;
}

/** What an error message quotes, and its RFC 4884 length attribute. */
const deviations = deviationRules(LAYER, {
  quote: { field: 'data', expected: 'as much of the packet as fits without the error message exceeding 1280 bytes', rfc: 'RFC 4443 section 2.4 (c)' },
  length: { field: 'length', expected: 'at most the 64-bit words quoted', rfc: 'RFC 4884 section 4.2' },
  'length-extended': { field: 'length', expected: 'at least 16 (128 bytes) when an extension structure follows the quote', rfc: 'RFC 4884 section 5' },
});

/** Minimum IPv6 MTU (RFC 8200 section 5): the size an error message may fill with its quote. */
const MIN_MTU = 1280;

/** Report what an error message at `off` (types 1-4) quotes in [start, end) short of its RFCs. */
function checkQuote(ctx: DecodeContext, off: number, start: number, end: number, lengthWords: number | undefined): void {
  // In a fragment or a truncated capture the rest of the message is simply elsewhere.
  if (ctx.quoted || ctx.stack[ctx.stack.length - 1]?.complete === false || ctx.ipIndex < 0) return;
  const buf = ctx.buf;
  const available = end - start;
  if (lengthWords) {
    if (lengthWords * 8 > available) ctx.report(deviations.error('length', off + 4, lengthWords, { expected: `at most ${available >> 3}, the 64-bit words quoted` }));
    else if (lengthWords < 16 && lengthWords * 8 < available) ctx.report(deviations.error('length-extended', off + 4, lengthWords));
    return; // an extension structure may follow: the quote's end is the length's
  }
  const message = end - ctx.stack[ctx.ipIndex].offset;
  if (message > MIN_MTU) {
    ctx.report(deviations.error('quote', start, `${available} bytes`, { expected: `at most ${available - (message - MIN_MTU)} bytes: the error message must not exceed ${MIN_MTU}` }));
    return;
  }
  if (available < 40 || buf[start] >> 4 !== 6) return;
  const whole = 40 + ((buf[start + 4] << 8) | buf[start + 5]);
  if (whole > available && message < MIN_MTU) {
    ctx.report(deviations.error('quote', start, `${available} of ${whole} bytes`, { expected: `${Math.min(whole, available + MIN_MTU - message)} bytes: as much as fits in ${MIN_MTU}` }));
  }
}

/** The checksum, over the IPv6 pseudo-header and the message (RFC 4443 section 2.3). */
const CHECKSUM = { kind: 'upper', protocol: IP_PROTOCOL.icmpv6, zeroAs: 0 } as const;

/**
 * The common form: echo request and reply. The checksum is declared once; `fillChecksum` and
 * `verifyChecksum` are derived from it (fast-form.ts).
 */
const form: FastForm = {
  header: echo.header,
  when: { type: [128, 129, 'echo-request', 'echo-reply'] },
  checksum: CHECKSUM,
};

/** The options the ND form's `measure` encoded, for its `write` right after (encoding is synchronous). */
let encodedOptions: Uint8Array = new Uint8Array(0);

/**
 * A Neighbor Discovery message's common form: its fixed header, and its options as the tail
 * (8-octet units, so never padded further). Decoding takes it when the options decode cleanly
 * with nothing after them; link-layer addresses are read as on a non-Ethernet link, which is
 * right, since no fast-path stack starts with a link layer.
 */
function ndForm(type: number, name: Icmpv6TypeName): FastForm {
  const v = variants.get(type)!;
  return {
    header: v.header,
    when: { type: [type, name] },
    tail: {
      field: 'options',
      measure(options) {
        if (!Array.isArray(options)) return -1;
        encodedOptions = encodeNdOptions(LAYER, options);
        return encodedOptions.length % 8 === 0 ? encodedOptions.length : -1;
      },
      write(_options, buf, at) {
        buf.set(encodedOptions, at);
        return at + encodedOptions.length;
      },
      maxHeader: 0xffff,
    },
    checksum: CHECKSUM,
    decoded(fields, buf, start, end) {
      let clean = true;
      const { options, padding } = decodeNdOptions(LAYER, buf, start + v.header.length, end, () => {
        clean = false;
      });
      if (!clean || padding.length) return false;
      fields.options = options;
      return true;
    },
  };
}

interface State {
  variant: Variant;
  body: Uint8Array;
  auto: { numberOfSources: number; numberOfRecords: number };
}

const binding = { follows: ['ipv6', ...IPV6_EXTENSION_LAYERS], ipProtocol: IP_PROTOCOL.icmpv6 } as const satisfies LayerBinding;

/** Which replies answer which queries (RFC 4443, RFC 4620, RFC 2710 / 3810, RFC 4861): query type → rule. */
export const ICMPV6_QUERIES: ReadonlyMap<number, QueryRule> = new Map<number, QueryRule>([
  [128, { name: 'echo request', replies: [129], differs: sameIdSeq }],
  // RFC 4620 section 4: the reply copies the query's Nonce (and its Qtype).
  [139, { name: 'node information query', replies: [140], differs: (q, r) => bytesDiffer('nonce', r.nonce, q.nonce) ?? (r.qtype !== q.qtype ? `qtype ${r.qtype} differs (expected ${q.qtype})` : undefined) }],
  // RFC 2710 / 3810: a general query (::) is answered by any report; a specific one by a report on its group.
  [130, { name: 'MLD query', replies: [131, 143], differs: (q, r) => reportsGroup(q.group, r), anySource: true }],
  // RFC 4861: solicitations usually go to a multicast group; the advertisement names what was asked.
  [133, { name: 'router solicitation', replies: [134], differs: () => undefined, anySource: true }],
  [135, { name: 'neighbor solicitation', replies: [136], differs: (q, r) => (r.target !== q.target ? `target ${r.target} differs (expected ${q.target})` : undefined), anySource: true }],
]);

function reportsGroup(group: string | undefined, report: IcmpAnswerView): string | undefined {
  if (group === undefined || group === '::') return undefined;
  const groups = report.groups ?? [];
  return groups.includes(group) ? undefined : `reports ${groups.join(', ') || 'no group'} (expected ${group})`;
}

function bytesDiffer(name: string, got: Uint8Array | undefined, expected: Uint8Array | undefined): string | undefined {
  if (expected === undefined) return undefined;
  const hex = (b: Uint8Array | undefined) => (b ? Buffer.from(b).toString('hex') : 'none');
  return got !== undefined && Buffer.from(got).equals(Buffer.from(expected)) ? undefined : `${name} ${hex(got)} differs (expected ${hex(expected)})`;
}

/** What ICMPv6 queries other than echo, and their answers, are matched on. */
function queryDetails(type: number, f: Readonly<Record<string, unknown>>, body: Uint8Array | undefined): Partial<IcmpAnswerView> {
  switch (type) {
    case 130:
    case 131:
      return { group: f.multicastAddress as string | undefined, groups: f.multicastAddress !== undefined ? [f.multicastAddress as string] : [] };
    case 143:
      return { groups: ((f.records as readonly { multicastAddress: string }[] | undefined) ?? []).map((r) => r.multicastAddress) };
    case 135:
    case 136:
      return { target: f.target as string | undefined };
    case 139:
    case 140:
      // The codec leaves the node information body undecoded: Qtype (2), Flags (2), Nonce (8).
      return body && body.length >= 12 ? { qtype: be16(body, 0), nonce: body.slice(4, 12) } : {};
    default:
      return {};
  }
}

/** Queries answered by their replies; errors (unreachable, too big, time exceeded, parameter problem) quote the request. */
const answers = icmpAnswerRule({
  layer: LAYER,
  types: ICMPV6_TYPES,
  codes: { 1: ICMPV6_UNREACHABLE_CODES, 3: ICMPV6_TIME_EXCEEDED_CODES, 4: ICMPV6_PARAMETER_PROBLEM_CODES },
  errors: new Set([1, 2, 3, 4]),
  idSeqTypes: [128, 129],
  queries: ICMPV6_QUERIES,
  details: queryDetails,
});

export const icmpv6: LayerCodec = {
  name: LAYER,
  title: 'Internet Control Message Protocol for IPv6',
  rfc: 'RFC 4443, RFC 4861, RFC 3810',
  fields: allFields,
  extraFields: [
    { name: 'options', doc: 'Neighbor Discovery options: source-link-layer-address, target-link-layer-address, prefix-information, redirected-header, mtu, rdnss, or raw { kind, data }' },
    { name: 'padding', doc: 'Neighbor Discovery: bytes after a malformed option' },
    { name: 'sources', doc: 'MLDv2 query: source addresses' },
    { name: 'records', doc: 'MLDv2 report: { recordType, multicastAddress, sources, auxData }' },
  ],
  ...binding,

  measure(frame) {
    const f = frame.fields;
    const type = typeNumber(f.type);
    const v = variantFor(type, f);
    for (const key in f) {
      if (!v.names.has(key)) throw new UnknownFieldError(`${LAYER} (type ${type})`, key, closest(key, v.names), [...v.names]);
    }
    const auto = { numberOfSources: 0, numberOfRecords: 0 };
    let body: Uint8Array = new Uint8Array(0);
    if (v.body === 'nd') {
      const options = encodeNdOptions(LAYER, f.options);
      body = f.padding === undefined ? options : Buffer.concat([options, bytesInput(LAYER, 'padding', f.padding)]);
    } else if (v.body === 'mldv2-query') {
      body = encodeAddresses(LAYER, 'sources', f.sources);
      auto.numberOfSources = body.length / 16;
    } else if (v.body === 'mldv2-report') {
      body = encodeRecords(LAYER, f.records);
      auto.numberOfRecords = Array.isArray(f.records) ? f.records.length : 0;
    }
    frame.state = { variant: v, body, auto } satisfies State;
    return v.header.length + body.length;
  },

  write(buf, frames, index) {
    const frame = frames[index];
    const state = frame.state as State;
    state.variant.header.write(buf, frame.offset, frame.fields as unknown as Icmpv6Fields, state.auto);
    buf.set(state.body, frame.offset + state.variant.header.length);
  },

  checksumOffset: 2,

  fillChecksum: fillChecksumOf(form, 2),

  decode(ctx, off, end) {
    const buf = ctx.buf;
    if (end - off < 4) throw new LengthError(LAYER, off, 4, end - off, 'buffer');
    const type = buf[off];
    let v = variants.get(type) ?? unknown;
    if (type === 130 && end - off >= 28) v = mldV2Query;
    const fixed = v.header.length;
    if (end - off < fixed) throw new LengthError(LAYER, off, fixed, end - off, 'icmpv6.type', `type ${type} has a ${fixed}-byte header`);
    const fields = v.header.read(buf, off);
    let headerEnd = off + fixed;
    switch (v.body) {
      case 'quote':
        checkQuote(ctx, off, headerEnd, end, fields.length);
        return { fields: fields as unknown as Record<string, unknown>, headerEnd, payloadEnd: end, next: 'ipv6', quotes: true };
      case 'nd': {
        // In a first fragment the options may simply go on in the next one: a cut option is no fault there.
        const inFragment = ctx.stack[ctx.stack.length - 1]?.complete === false;
        // Ethernet frames, also as Linux cooked captures show them (ARPHRD_ETHER, 1).
        const link = ctx.stack[0];
        const ethernet = link?.codec.name === 'ethernet' || (link?.codec.name === 'linux-sll' && link.fields.arphrdType === 1);
        const { options, padding } = decodeNdOptions(LAYER, buf, headerEnd, end, inFragment ? () => undefined : (e) => ctx.report(e), ethernet);
        fields.options = options;
        if (padding.length) fields.padding = Buffer.from(padding);
        return decodeStep(fields as unknown as Record<string, unknown>, end, end, undefined);
      }
      case 'mldv2-query': {
        const count = fields.numberOfSources!;
        if (headerEnd + 16 * count > end) throw new LengthError(LAYER, off, fixed + 16 * count, end - off, 'icmpv6.numberOfSources');
        fields.sources = decodeAddresses(buf, headerEnd, count);
        headerEnd += 16 * count;
        break;
      }
      case 'mldv2-report': {
        const decoded = decodeRecords(LAYER, buf, headerEnd, end, fields.numberOfRecords!, (e) => ctx.report(e));
        fields.records = decoded.records;
        headerEnd = decoded.end;
        break;
      }
      case 'raw':
        if (type === 130 && end - off > fixed) ctx.report(mldDeviations.error('mld-query-length', off, `${end - off} bytes`));
        break;
    }
    return { fields: fields as unknown as Record<string, unknown>, headerEnd, payloadEnd: end, next: 'raw' };
  },

  verifyChecksum: verifyUpperOf(form),

  fast: form,
  fastVariants: [ndForm(135, 'neighbor-solicitation'), ndForm(136, 'neighbor-advertisement')],

  answers,

  summary(f) {
    const extra =
      f.id !== undefined ? ` id ${f.id} seq ${f.seq}` : f.target !== undefined ? ` target ${f.target}` : f.multicastAddress !== undefined ? ` group ${f.multicastAddress}` : f.mtu !== undefined ? ` mtu ${f.mtu}` : '';
    return `ICMPv6 ${f.type} code ${f.code}${extra}`;
  },
};
