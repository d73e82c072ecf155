/**
 * SCTP chunk parameters: those of INIT and INIT ACK (RFC 9260 section 3.3.2.1, 3.3.3.1), of
 * HEARTBEAT (3.3.5), of the extensions (RFC 3758 Forward-TSN-Supported, RFC 4820 Padding, RFC
 * 4895 Random / Chunk List / Requested HMAC Algorithm, RFC 5061 ASCONF parameters, RFC 6525
 * RE-CONFIG parameters, ECN Capable from RFC 9260 appendix A). Unknown types stay raw, with the
 * action their upper two bits ask for (RFC 9260 section 3.2.1).
 */
import { enumOf, ipv4Addr, ipv6Addr, uint } from '../field.js';
import {
  ListCodec,
  addressTail,
  be32,
  bytesTail,
  enumNames,
  listTail,
  numberListTail,
  putBe32,
  SCTP_HMAC_IDS,
  textTail,
  uintAt,
  type KindSpec,
  type Loose,
  type SctpAction,
  type SctpHmacName,
  type Tail,
} from './sctp-tlv.js';
// An import circle on purpose: RFC 9260 nests these TLVs in one another (an ERROR chunk holds causes, a
// cause may hold parameters or a chunk, a parameter may hold causes or chunks), and each file decodes its kind.
import { sctpCauses, type SctpCause } from './sctp-causes.js';
import { sctpChunks, type SctpChunkTypeName } from './sctp-chunks.js';
import { ContentError } from '../errors.js';

/** Re-configuration Response results (RFC 6525 section 4.4). */
export const SCTP_RECONFIG_RESULTS = {
  'success-nothing-to-do': 0,
  'success-performed': 1,
  denied: 2,
  'error-wrong-ssn': 3,
  'error-request-already-in-progress': 4,
  'error-bad-sequence-number': 5,
  'in-progress': 6,
} as const;
/** A Re-configuration Response result by name (RFC 6525 section 4.4). */
export type SctpReconfigResult = keyof typeof SCTP_RECONFIG_RESULTS;

type Tlv<T extends string, F = unknown> = { type: T } & F & {
  /** Length as written when it is not the computed one (header and value, no padding). */
  length?: number;
  /** Padding bytes when they are not the default (zeros to a multiple of 4; none after the last item in a chunk). */
  padding?: Uint8Array;
};

/** A parameter as decoded: a named form, or raw with its type number. */
export type SctpParam =
  | Tlv<'heartbeat-info', { info: Uint8Array }>
  | Tlv<'ipv4-address', { address: string }>
  | Tlv<'ipv6-address', { address: string }>
  | Tlv<'state-cookie', { cookie: Uint8Array }>
  | Tlv<'unrecognized-parameter', { params: SctpParam[] }>
  | Tlv<'cookie-preservative', { lifespanIncrement: number }>
  | Tlv<'host-name', { hostName: string }>
  | Tlv<'supported-address-types', { addressTypes: (SctpParamTypeName | number)[] }>
  | Tlv<'outgoing-ssn-reset-request', { requestSeq: number; responseSeq: number; lastTsn: number; streams: number[] }>
  | Tlv<'incoming-ssn-reset-request', { requestSeq: number; streams: number[] }>
  | Tlv<'ssn-tsn-reset-request', { requestSeq: number }>
  | Tlv<'re-config-response', { responseSeq: number; result: SctpReconfigResult | number; senderNextTsn?: number; receiverNextTsn?: number }>
  | Tlv<'add-outgoing-streams-request', { requestSeq: number; newStreams: number; reserved?: number }>
  | Tlv<'add-incoming-streams-request', { requestSeq: number; newStreams: number; reserved?: number }>
  | Tlv<'ecn-capable'>
  | Tlv<'random', { random: Uint8Array }>
  | Tlv<'chunk-list', { chunkTypes: (SctpChunkTypeName | number)[] }>
  | Tlv<'requested-hmac-algorithm', { hmacIds: (SctpHmacName | number)[] }>
  | Tlv<'padding', { data: Uint8Array }>
  | Tlv<'supported-extensions', { chunkTypes: (SctpChunkTypeName | number)[] }>
  | Tlv<'forward-tsn-supported'>
  | Tlv<'add-ip-address', { correlationId: number; address: string }>
  | Tlv<'delete-ip-address', { correlationId: number; address: string }>
  | Tlv<'error-cause-indication', { correlationId: number; causes: SctpCause[] }>
  | Tlv<'set-primary-address', { correlationId: number; address: string }>
  | Tlv<'success-indication', { correlationId: number }>
  | Tlv<'adaptation-layer-indication', { adaptationCodePoint: number }>
  | SctpRawParam;

/** A parameter kept as bytes: unknown types, and known ones whose value does not fit their form. */
export interface SctpRawParam {
  type: number;
  /** What a receiver that does not know the type does (its upper two bits); derived, checked when given. */
  action?: SctpAction;
  data: Uint8Array;
  length?: number;
  padding?: Uint8Array;
}

/** A parameter to encode: any field may be left out (defaults, computed lengths), bytes also as hex. */
export type SctpParamInput = Loose<SctpParam>;
/** An SCTP parameter type by name (`ipv4-address`, `state-cookie`...). */
export type SctpParamTypeName = Exclude<SctpParam['type'], number>;

const chunkNames = () => sctpChunks;
const hmacNames = enumNames(SCTP_HMAC_IDS);
const requestSeq = uint('requestSeq', 32, { doc: 'Re-configuration Request Sequence Number' });
const correlationId = uint('correlationId', 32, { doc: 'ASCONF-Request Correlation ID' });

/** Sender's and Receiver's Next TSN of a Re-configuration Response: both present or both absent. */
const nextTsns: Tail = {
  fields: ['senderNextTsn', 'receiverNextTsn'],
  write(item, path, _flags, w) {
    if (item.senderNextTsn === undefined && item.receiverNextTsn === undefined) return;
    const sender = uintAt(`${path}.senderNextTsn`, item.senderNextTsn ?? 0, 32);
    const receiver = uintAt(`${path}.receiverNextTsn`, item.receiverNextTsn ?? 0, 32);
    const start = w.take(8);
    putBe32(w.buf, start, sender);
    putBe32(w.buf, start + 4, receiver);
  },
  decode(buf, start, end, item, _flags, path, report) {
    if (end === start) return true;
    if (end - start === 8) {
      item.senderNextTsn = be32(buf, start);
      item.receiverNextTsn = be32(buf, start + 4);
      return true;
    }
    report(new ContentError('sctp', start, `${path}.senderNextTsn`, `${end - start} bytes`, "0 or 8 (Sender's and Receiver's Next TSN)"));
    return false;
  },
};

const kinds: KindSpec[] = [
  { name: 'heartbeat-info', code: 1, doc: 'Heartbeat Information (opaque to the receiver)', rfc: 'RFC 9260 section 3.3.5', tail: bytesTail('info') },
  { name: 'ipv4-address', code: 5, doc: 'IPv4 address of the sender', rfc: 'RFC 9260 section 3.3.2.1', fixed: [ipv4Addr('address', { doc: 'IPv4 address', default: '0.0.0.0' })] },
  { name: 'ipv6-address', code: 6, doc: 'IPv6 address of the sender', rfc: 'RFC 9260 section 3.3.2.1', fixed: [ipv6Addr('address', { doc: 'IPv6 address' })] },
  { name: 'state-cookie', code: 7, doc: 'State Cookie (INIT ACK)', rfc: 'RFC 9260 section 3.3.3.1', tail: bytesTail('cookie') },
  {
    name: 'unrecognized-parameter',
    code: 8,
    doc: 'An INIT parameter the sender of the INIT ACK did not recognize (its type, length and value)',
    rfc: 'RFC 9260 section 3.3.3.1',
    tail: listTail('params', () => sctpParams),
  },
  {
    name: 'cookie-preservative',
    code: 9,
    doc: 'Suggested cookie life-span increment in milliseconds',
    rfc: 'RFC 9260 section 3.3.2.1',
    fixed: [uint('lifespanIncrement', 32, { doc: 'Suggested Cookie Life-Span Increment (ms)' })],
  },
  { name: 'host-name', code: 11, doc: 'Host Name Address (deprecated)', rfc: 'RFC 9260 section 3.3.2.1', tail: textTail('hostName') },
  {
    name: 'supported-address-types',
    code: 12,
    doc: 'Address types the sender supports (parameter type numbers)',
    rfc: 'RFC 9260 section 3.3.2.1',
    tail: numberListTail('addressTypes', 16, () => sctpParams),
  },
  {
    name: 'outgoing-ssn-reset-request',
    code: 13,
    doc: 'Outgoing SSN Reset Request',
    rfc: 'RFC 6525 section 4.1',
    fixed: [
      requestSeq,
      uint('responseSeq', 32, { doc: 'Re-configuration Response Sequence Number' }),
      uint('lastTsn', 32, { doc: "Sender's Last Assigned TSN" }),
    ],
    tail: numberListTail('streams', 16),
  },
  { name: 'incoming-ssn-reset-request', code: 14, doc: 'Incoming SSN Reset Request', rfc: 'RFC 6525 section 4.2', fixed: [requestSeq], tail: numberListTail('streams', 16) },
  { name: 'ssn-tsn-reset-request', code: 15, doc: 'SSN/TSN Reset Request', rfc: 'RFC 6525 section 4.3', fixed: [requestSeq] },
  {
    name: 're-config-response',
    code: 16,
    doc: 'Re-configuration Response',
    rfc: 'RFC 6525 section 4.4',
    fixed: [uint('responseSeq', 32, { doc: 'Re-configuration Response Sequence Number' }), enumOf('result', 32, SCTP_RECONFIG_RESULTS, { doc: 'Result' })],
    tail: nextTsns,
  },
  {
    name: 'add-outgoing-streams-request',
    code: 17,
    doc: 'Add Outgoing Streams Request',
    rfc: 'RFC 6525 section 4.5',
    fixed: [requestSeq, uint('newStreams', 16, { doc: 'Number of new streams' }), uint('reserved', 16, { doc: 'Reserved' })],
    quiet: ['reserved'],
  },
  {
    name: 'add-incoming-streams-request',
    code: 18,
    doc: 'Add Incoming Streams Request',
    rfc: 'RFC 6525 section 4.6',
    fixed: [requestSeq, uint('newStreams', 16, { doc: 'Number of new streams' }), uint('reserved', 16, { doc: 'Reserved' })],
    quiet: ['reserved'],
  },
  { name: 'ecn-capable', code: 0x8000, doc: 'ECN Capable', rfc: 'RFC 9260 appendix A' },
  { name: 'random', code: 0x8002, doc: 'Random number for AUTH keys (at least 32 bytes)', rfc: 'RFC 4895 section 3.1', tail: bytesTail('random') },
  { name: 'chunk-list', code: 0x8003, doc: 'Chunk types that must be authenticated', rfc: 'RFC 4895 section 3.2', tail: numberListTail('chunkTypes', 8, chunkNames) },
  {
    name: 'requested-hmac-algorithm',
    code: 0x8004,
    doc: 'HMAC identifiers, most preferred first',
    rfc: 'RFC 4895 section 3.3',
    tail: numberListTail('hmacIds', 16, () => hmacNames),
  },
  { name: 'padding', code: 0x8005, doc: 'Padding (to enlarge an INIT)', rfc: 'RFC 4820 section 3', tail: bytesTail('data') },
  { name: 'supported-extensions', code: 0x8008, doc: 'Extension chunk types the sender supports', rfc: 'RFC 5061 section 4.2.7', tail: numberListTail('chunkTypes', 8, chunkNames) },
  { name: 'forward-tsn-supported', code: 0xc000, doc: 'Forward-TSN Supported (PR-SCTP)', rfc: 'RFC 3758 section 3.1' },
  { name: 'add-ip-address', code: 0xc001, doc: 'Add IP Address', rfc: 'RFC 5061 section 4.2.1', fixed: [correlationId], tail: addressTail('address') },
  { name: 'delete-ip-address', code: 0xc002, doc: 'Delete IP Address', rfc: 'RFC 5061 section 4.2.2', fixed: [correlationId], tail: addressTail('address') },
  {
    name: 'error-cause-indication',
    code: 0xc003,
    doc: 'Error Cause Indication',
    rfc: 'RFC 5061 section 4.2.3',
    fixed: [correlationId],
    tail: listTail('causes', () => sctpCauses),
  },
  { name: 'set-primary-address', code: 0xc004, doc: 'Set Primary Address', rfc: 'RFC 5061 section 4.2.4', fixed: [correlationId], tail: addressTail('address') },
  { name: 'success-indication', code: 0xc005, doc: 'Success Indication', rfc: 'RFC 5061 section 4.2.5', fixed: [correlationId] },
  {
    name: 'adaptation-layer-indication',
    code: 0xc006,
    doc: 'Adaptation Layer Indication',
    rfc: 'RFC 5061 section 4.2.6',
    fixed: [uint('adaptationCodePoint', 32, { doc: 'Adaptation Code Point' })],
  },
];

/** The parameter list codec: parameters of every chunk that has them. */
export const sctpParams = new ListCodec({ what: 'params', item: 'parameter', tag: 'type', chunkHeader: false, padLast: false, actionBits: true, kinds, rfc: 'RFC 9260 section 3.2.1' });
