/**
 * Internet Control Message Protocol: RFC 792 (messages), RFC 1191 (next-hop MTU), RFC 1256
 * (router discovery), RFC 950 (address mask), RFC 4884 (length of the quoted datagram).
 * Error messages quote the offending datagram; it is decoded as IPv4 in lax mode.
 */
import { compileHeader, type CompiledHeader } from '../header.js';
import type { AnswerTypes, BindingTypes, LayerBinding } from '../types.js';
import { enumOf, ipv4Addr, uint, type FieldDef } from '../field.js';
import { finishChecksum, sumWords } from '../checksum.js';
import { FieldValueError, LengthError, UnknownFieldError, type PacketError } from '../errors.js';
import { closest } from '../suggest.js';
import { keyChecker } from '../key-check.js';
import type { DecodeContext, FastForm, LayerCodec } from '../layer.js';
import { fillChecksumOf } from '../fast-form.js';
import { decodeStep } from '../layer.js';
import { deviationRules } from '../deviation.js';
import { icmpAnswerRule, sameIdSeq, type QueryRule } from '../icmp-answers.js';

export const ICMP_TYPES = {
  'echo-reply': 0,
  'destination-unreachable': 3,
  'source-quench': 4,
  redirect: 5,
  'echo-request': 8,
  'router-advertisement': 9,
  'router-solicitation': 10,
  'time-exceeded': 11,
  'parameter-problem': 12,
  'timestamp-request': 13,
  'timestamp-reply': 14,
  'information-request': 15,
  'information-reply': 16,
  'address-mask-request': 17,
  'address-mask-reply': 18,
} as const;
/** An ICMP message type by name (`echo-request`, `dest-unreachable`...), as `type` takes it. */
export type IcmpTypeName = keyof typeof ICMP_TYPES;

export const UNREACHABLE_CODES = {
  'net-unreachable': 0,
  'host-unreachable': 1,
  'protocol-unreachable': 2,
  'port-unreachable': 3,
  'fragmentation-needed': 4,
  'source-route-failed': 5,
  'destination-network-unknown': 6,
  'destination-host-unknown': 7,
  'source-host-isolated': 8,
  'network-prohibited': 9,
  'host-prohibited': 10,
  'network-unreachable-for-tos': 11,
  'host-unreachable-for-tos': 12,
  'communication-prohibited': 13,
  'host-precedence-violation': 14,
  'precedence-cutoff': 15,
} as const;
export const REDIRECT_CODES = { network: 0, host: 1, 'tos-network': 2, 'tos-host': 3 } as const;
export const TIME_EXCEEDED_CODES = { 'ttl-exceeded': 0, 'reassembly-time-exceeded': 1 } as const;
export const PARAMETER_PROBLEM_CODES = { pointer: 0, 'missing-option': 1, 'bad-length': 2 } as const;

/** ICMP fields as decoded. Which of the optional ones are present depends on `type`. */
export interface IcmpFields {
  type: IcmpTypeName | number;
  /** A name for the codes of destination-unreachable, redirect, time-exceeded and parameter-problem. */
  code: string | number;
  checksum: number;
  /** Echo, timestamp, information and address-mask messages. */
  id?: number;
  seq?: number;
  /** Timestamp messages: milliseconds since midnight UT. */
  originate?: number;
  receive?: number;
  transmit?: number;
  /** Address-mask messages. */
  mask?: string;
  /** Redirect: the gateway to use. */
  gateway?: string;
  /** Parameter problem: offset of the bad octet. */
  pointer?: number;
  /** RFC 4884: length of the quoted datagram in 32-bit words (0: not given). */
  length?: number;
  /** Destination unreachable, code fragmentation-needed: MTU of the next hop (RFC 1191). */
  nextHopMtu?: number;
  /** Router advertisement. */
  addressCount?: number;
  addressEntrySize?: number;
  lifetime?: number;
  /** Unused bits, kept for exact round trips. */
  unused?: number;
  /** Unknown types: the four bytes after the checksum. */
  rest?: number;
}

/** What the builders and `encodeLayers` take for ICMP (RFC 792): any field may be left out (the checksum is computed). */
export type IcmpInput = { [K in keyof IcmpFields]?: IcmpFields[K] };

declare module '../types.js' {
  interface LayerTypes {
    icmp: { fields: IcmpFields; input: IcmpInput } & BindingTypes<typeof binding> & AnswerTypes<typeof answers>;
  }
}

const PROTOCOL = 1;
/** Types whose body quotes the datagram that caused them. */
const ERROR_TYPES = new Set([3, 4, 5, 11, 12]);

/** What an error message quotes, and its RFC 4884 length attribute. */
const deviations = deviationRules('icmp', {
  quote: { field: 'data', expected: 'the quoted datagram\u2019s IP header and at least its first 8 data bytes', rfc: 'RFC 792; RFC 1122 section 3.2.2' },
  length: { field: 'length', expected: 'at most the 32-bit words quoted', rfc: 'RFC 4884 section 4.1' },
  'length-extended': { field: 'length', expected: 'at least 32 (128 bytes) when an extension structure follows the quote', rfc: 'RFC 4884 section 5' },
});

/** Report what an error message at `off` quotes in [start, end) short of its RFCs. */
function checkQuote(ctx: DecodeContext, off: number, start: number, end: number, lengthWords: number | undefined): void {
  // In a fragment or a truncated capture the rest of the message is simply elsewhere.
  if (ctx.stack[ctx.stack.length - 1]?.complete === false) return;
  quoteProblems(ctx.buf, off, start, end, lengthWords, (e) => ctx.report(e));
}

/** The problems of a quote in [start, end) of a complete error message at `off`, each to `report`. */
function quoteProblems(buf: Uint8Array, off: number, start: number, end: number, lengthWords: number | undefined, report: (e: PacketError) => void): void {
  const available = end - start;
  const ctx = { report };
  if (lengthWords) {
    if (lengthWords * 4 > available) ctx.report(deviations.error('length', off + 5, lengthWords, { expected: `at most ${available >> 2}, the 32-bit words quoted` }));
    else if (lengthWords < 32 && lengthWords * 4 < available) ctx.report(deviations.error('length-extended', off + 5, lengthWords));
  }
  // An IPv4 datagram quoted: its header and 8 bytes, or all of it when it is shorter.
  if (available < 20 || buf[start] >> 4 !== 4) return;
  const headerLength = (buf[start] & 15) * 4;
  const totalLength = (buf[start + 2] << 8) | buf[start + 3];
  const quoted = lengthWords ? Math.min(available, lengthWords * 4) : available;
  if (quoted < Math.min(headerLength + 8, Math.max(totalLength, headerLength))) {
    ctx.report(deviations.error('quote', start, `${quoted} bytes`, { expected: `at least ${Math.min(headerLength + 8, totalLength)} bytes: the quoted datagram\u2019s IP header and its first 8 data bytes` }));
  }
}

function head(codes?: Readonly<Record<string, number>>): FieldDef[] {
  return [
    enumOf('type', 8, ICMP_TYPES, { doc: 'Message type', default: 8 }),
    codes ? enumOf('code', 8, codes, { doc: 'Message code' }) : uint('code', 8, { doc: 'Message code' }),
    uint('checksum', 16, { doc: 'Checksum over the message (RFC 1071)', role: 'checksum' }),
  ];
}
const idSeq = (): FieldDef[] => [uint('id', 16, { doc: 'Identifier' }), uint('seq', 16, { doc: 'Sequence number' })];
const lengthQuoted = uint('length', 8, { doc: 'Length of the quoted datagram in 32-bit words (RFC 4884)' });

const echo = compileHeader<IcmpFields>('icmp', [...head(), ...idSeq()]);
const variants = new Map<number, CompiledHeader<IcmpFields>>([
  [0, echo],
  [8, echo],
  [15, echo],
  [16, echo],
  [3, compileHeader('icmp', [...head(UNREACHABLE_CODES), uint('unused', 8, { doc: 'Unused' }), lengthQuoted, uint('nextHopMtu', 16, { doc: 'Next-hop MTU (RFC 1191)' })])],
  [4, compileHeader('icmp', [...head(), uint('unused', 32, { doc: 'Unused' })])],
  [5, compileHeader('icmp', [...head(REDIRECT_CODES), ipv4Addr('gateway', { doc: 'Gateway address to use', default: '0.0.0.0' })])],
  [9, compileHeader('icmp', [...head(), uint('addressCount', 8, { doc: 'Number of addresses' }), uint('addressEntrySize', 8, { doc: 'Words per address entry', default: 2 }), uint('lifetime', 16, { doc: 'Lifetime in seconds' })])],
  [10, compileHeader('icmp', [...head(), uint('unused', 32, { doc: 'Reserved' })])],
  [11, compileHeader('icmp', [...head(TIME_EXCEEDED_CODES), uint('unused', 8, { doc: 'Unused' }), lengthQuoted, uint('rest', 16, { doc: 'Unused' })])],
  [12, compileHeader('icmp', [...head(PARAMETER_PROBLEM_CODES), uint('pointer', 8, { doc: 'Offset of the bad octet' }), lengthQuoted, uint('unused', 16, { doc: 'Unused' })])],
  [13, compileHeader('icmp', [...head(), ...idSeq(), uint('originate', 32, { doc: 'Originate timestamp' }), uint('receive', 32, { doc: 'Receive timestamp' }), uint('transmit', 32, { doc: 'Transmit timestamp' })])],
  [17, compileHeader('icmp', [...head(), ...idSeq(), ipv4Addr('mask', { doc: 'Address mask', default: '0.0.0.0' })])],
]);
variants.set(14, variants.get(13)!);
variants.set(18, variants.get(17)!);
const unknown = compileHeader<IcmpFields>('icmp', [...head(), uint('rest', 32, { doc: 'Rest of header (unknown type)' })]);

const TYPE_BY_NAME = new Map<unknown, number>(Object.entries(ICMP_TYPES));

function typeNumber(type: unknown): number {
  if (type === undefined) return 8;
  if (typeof type === 'number' && Number.isInteger(type) && type >= 0 && type <= 255) return type;
  const byName = TYPE_BY_NAME.get(type);
  if (byName !== undefined) return byName;
  throw new FieldValueError('icmp', 'type', type, `an integer 0..255 or one of ${Object.keys(ICMP_TYPES).join(', ')}`);
}

/** Dense by type number: one indexed load. */
const variantByType: readonly CompiledHeader<IcmpFields>[] = Array.from({ length: 256 }, (_, type) => variants.get(type) ?? unknown);
const variantOf = (type: number): CompiledHeader<IcmpFields> => variantByType[type] ?? unknown;
const NO_AUTO = {};
const variantNames = new Map([...new Set([...variants.values(), unknown])].map((v) => [v, new Set(v.fields.map((f) => f.name))]));
/** Per message layout, the first key of a fields object it has no room for (a generated string switch: cheaper than Set lookups). */
const variantCheckers = new Map([...variantNames].map(([v, names]) => [v, keyChecker(names, `icmp-${v}`)]));

/** Every field of every message type, once, for docs and the field-name check. */
const allFields = [...new Map([echo, ...variants.values(), unknown].flatMap((v) => v.fields).map((f) => [f.name, f])).values()];

/** A field that the message type has no room for would be lost silently: refuse it. */
function checkFieldsFit(fields: Record<string, unknown>, type: number, variant: CompiledHeader<IcmpFields>): void {
  const key = variantCheckers.get(variant)!(fields);
  if (key !== undefined) {
    const names = variantNames.get(variant)!;
    throw new UnknownFieldError(`icmp (type ${type})`, key, closest(key, names), [...names]);
  }
}

const binding = { follows: ['ipv4', 'ah'], ipProtocol: PROTOCOL } as const satisfies LayerBinding;

/**
 * The common form: echo and information messages share one fixed layout. Its checksum, over the
 * whole message, is the one declaration `fillChecksum` is derived from (fast-form.ts).
 */
const form: FastForm = {
  header: echo,
  when: { type: [0, 8, 15, 16, 'echo-reply', 'echo-request', 'information-request', 'information-reply'] },
  checksum: { kind: 'message' },
};

/**
 * The common form of an error message (destination unreachable, time exceeded) quoting an IPv4
 * datagram: its fixed header, then the quote as the next layers. Decoding takes it only for a
 * complete message whose quote draws no report; a quote inside a quote is checked too, which the
 * codec skips, so such packets may take the general path, never a different result.
 */
function errorForm(type: number, name: IcmpTypeName): FastForm {
  return {
    header: variantByType[type],
    when: { type: [type, name] },
    checksum: { kind: 'message' },
    next: 'ipv4',
    decoded(fields, buf, start, headerEnd) {
      let clean = true;
      quoteProblems(buf, start, headerEnd, buf.length, fields.length as number, () => {
        clean = false;
      });
      return clean;
    },
  };
}

/** Which replies answer which queries (RFC 792, RFC 950): query type → rule. */
export const ICMP_QUERIES: ReadonlyMap<number, QueryRule> = new Map([
  [8, { name: 'echo request', replies: [0], differs: sameIdSeq }],
  [13, { name: 'timestamp request', replies: [14], differs: sameIdSeq }],
  [15, { name: 'information request', replies: [16], differs: sameIdSeq }],
  [17, { name: 'address mask request', replies: [18], differs: sameIdSeq }],
]);

/** Queries answered by their replies; errors (unreachable, time exceeded...) quote the request. */
const answers = icmpAnswerRule({
  layer: 'icmp',
  types: ICMP_TYPES,
  codes: { 3: UNREACHABLE_CODES, 5: REDIRECT_CODES, 11: TIME_EXCEEDED_CODES, 12: PARAMETER_PROBLEM_CODES },
  errors: ERROR_TYPES,
  idSeqTypes: [0, 8, 13, 14, 15, 16, 17, 18],
  queries: ICMP_QUERIES,
});

export const icmp: LayerCodec = {
  name: 'icmp',
  title: 'Internet Control Message Protocol',
  rfc: 'RFC 792',
  // The union over message types; which fields a message has depends on its type (see IcmpFields).
  fields: allFields,
  ...binding,

  writesEveryByte: true,

  measure(frame) {
    const type = typeNumber(frame.fields.type);
    const variant = variantOf(type);
    checkFieldsFit(frame.fields, type, variant);
    frame.state = variant;
    return variant.length;
  },

  write(buf, frames, index) {
    const frame = frames[index];
    const header = frame.state as CompiledHeader<IcmpFields>;
    frame.headerSum = header.write(buf, frame.offset, frame.fields as unknown as IcmpFields, NO_AUTO);
    frame.summedLength = header.length;
  },

  checksumOffset: 2,

  fillChecksum: fillChecksumOf(form, 2),

  decode(ctx, off, end) {
    if (end - off < 8) throw new LengthError('icmp', off, 8, end - off, 'buffer');
    const type = ctx.buf[off];
    const variant = variantOf(type);
    if (end - off < variant.length) throw new LengthError('icmp', off, variant.length, end - off, 'icmp.type', `type ${type} has a ${variant.length}-byte header`);
    const fields = variant.read(ctx.buf, off);
    const quotes = ERROR_TYPES.has(type);
    // A quote inside a quote is cut short by design; only the outermost message answers for its own.
    if (quotes && !ctx.quoted) checkQuote(ctx, off, off + variant.length, end, fields.length);
    return decodeStep(fields as unknown as Record<string, unknown>, off + variant.length, end, quotes ? 'ipv4' : 'raw', true, quotes);
  },

  verifyChecksum(ctx, off, end, fields, complete) {
    const actual = fields.checksum as number;
    if (!complete) return { status: 'unverifiable', actual };
    const sum = ctx.sumWords(off, end);
    return { status: finishChecksum(sum) === 0 ? 'valid' : 'invalid', expected: finishChecksum(sum - actual), actual };
  },

  fast: form,
  fastVariants: [errorForm(3, 'destination-unreachable'), errorForm(11, 'time-exceeded')],

  answers,

  summary(f) {
    const idSeqText = f.id !== undefined ? ` id ${f.id} seq ${f.seq}` : '';
    return `ICMP ${f.type} code ${f.code}${idSeqText}`;
  },
};
