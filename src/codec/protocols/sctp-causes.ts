/**
 * SCTP error causes, carried by ERROR and ABORT chunks (RFC 9260 section 3.3.10, every cause
 * code 1 to 13), by the Error Cause Indication parameter (RFC 5061), plus the causes of RFC
 * 4895 (Unsupported HMAC Identifier) and RFC 5061 (codes 0xA0 to 0xA4). Unknown codes stay raw.
 */
import { enumOf, uint } from '../field.js';
import { ListCodec, SCTP_HMAC_IDS, bytesTail, listTail, numberListTail, type KindSpec, type Loose, type SctpHmacName } from './sctp-tlv.js';
// An import circle on purpose: RFC 9260 nests these TLVs in one another (an ERROR chunk holds causes, a
// cause may hold parameters or a chunk, a parameter may hold causes or chunks), and each file decodes its kind.
import { sctpParams, type SctpParam, type SctpParamTypeName } from './sctp-params.js';

type Cause<C extends string, F = unknown> = { code: C } & F & {
  /** Length as written when it is not the computed one (header and value, no padding). */
  length?: number;
  /** Padding bytes when they are not the default (zeros to a multiple of 4; none after the last cause in a chunk). */
  padding?: Uint8Array;
};

/** An error cause as decoded: a named form, or raw with its code. */
export type SctpCause =
  | Cause<'invalid-stream-identifier', { streamId: number; reserved?: number }>
  | Cause<'missing-mandatory-parameter', { count?: number; parameterTypes: (SctpParamTypeName | number)[] }>
  | Cause<'stale-cookie', { staleness: number }>
  | Cause<'out-of-resource'>
  | Cause<'unresolvable-address', { params: SctpParam[] }>
  | Cause<'unrecognized-chunk-type', { chunk: Uint8Array }>
  | Cause<'invalid-mandatory-parameter'>
  | Cause<'unrecognized-parameters', { params: SctpParam[] }>
  | Cause<'no-user-data', { tsn: number }>
  | Cause<'cookie-received-while-shutting-down'>
  | Cause<'restart-with-new-addresses', { params: SctpParam[] }>
  | Cause<'user-initiated-abort', { reason: Uint8Array }>
  | Cause<'protocol-violation', { info: Uint8Array }>
  | Cause<'request-to-delete-last-address', { params: SctpParam[] }>
  | Cause<'operation-refused-resource-shortage', { params: SctpParam[] }>
  | Cause<'request-to-delete-source-address', { params: SctpParam[] }>
  | Cause<'illegal-asconf-ack', { params: SctpParam[] }>
  | Cause<'request-refused-no-authorization', { params: SctpParam[] }>
  | Cause<'unsupported-hmac-identifier', { hmacId: SctpHmacName | number }>
  | SctpRawCause;

/** A cause kept as bytes: unknown codes, and known ones whose value does not fit their form. */
export interface SctpRawCause {
  code: number;
  data: Uint8Array;
  length?: number;
  padding?: Uint8Array;
}

/** An SCTP error cause as the builder takes it: a named cause, or raw bytes. */
export type SctpCauseInput = Loose<SctpCause>;
/** An SCTP error cause code by name (`invalid-stream-identifier`, `protocol-violation`...). */
export type SctpCauseName = Exclude<SctpCause['code'], number>;

const params = () => sctpParams;

/** RFC 5061 causes carry the ASCONF parameter that caused them (TLV-Copied-From-ASCONF). */
const asconfCause = (name: string, code: number, doc: string): KindSpec => ({ name, code, doc, rfc: 'RFC 5061 section 4.3', tail: listTail('params', params) });

const kinds: KindSpec[] = [
  {
    name: 'invalid-stream-identifier',
    code: 1,
    doc: 'Invalid Stream Identifier',
    rfc: 'RFC 9260 section 3.3.10.1',
    fixed: [uint('streamId', 16, { doc: 'Stream Identifier' }), uint('reserved', 16, { doc: 'Reserved' })],
    quiet: ['reserved'],
  },
  {
    name: 'missing-mandatory-parameter',
    code: 2,
    doc: 'Missing Mandatory Parameter',
    rfc: 'RFC 9260 section 3.3.10.2',
    fixed: [uint('count', 32, { doc: 'Number of missing parameters', role: 'auto' })],
    auto: (c) => ({ count: Array.isArray(c.parameterTypes) ? c.parameterTypes.length : 0 }),
    tail: numberListTail('parameterTypes', 16, params),
  },
  { name: 'stale-cookie', code: 3, doc: 'Stale Cookie Error', rfc: 'RFC 9260 section 3.3.10.3', fixed: [uint('staleness', 32, { doc: 'Measure of Staleness (microseconds)' })] },
  { name: 'out-of-resource', code: 4, doc: 'Out of Resource', rfc: 'RFC 9260 section 3.3.10.4' },
  { name: 'unresolvable-address', code: 5, doc: 'Unresolvable Address', rfc: 'RFC 9260 section 3.3.10.5', tail: listTail('params', params) },
  { name: 'unrecognized-chunk-type', code: 6, doc: 'Unrecognized Chunk Type (the chunk as received)', rfc: 'RFC 9260 section 3.3.10.6', tail: bytesTail('chunk') },
  { name: 'invalid-mandatory-parameter', code: 7, doc: 'Invalid Mandatory Parameter', rfc: 'RFC 9260 section 3.3.10.7' },
  { name: 'unrecognized-parameters', code: 8, doc: 'Unrecognized Parameters', rfc: 'RFC 9260 section 3.3.10.8', tail: listTail('params', params) },
  { name: 'no-user-data', code: 9, doc: 'No User Data', rfc: 'RFC 9260 section 3.3.10.9', fixed: [uint('tsn', 32, { doc: 'TSN of the DATA chunk without user data' })] },
  { name: 'cookie-received-while-shutting-down', code: 10, doc: 'Cookie Received While Shutting Down', rfc: 'RFC 9260 section 3.3.10.10' },
  {
    name: 'restart-with-new-addresses',
    code: 11,
    doc: 'Restart of an Association with New Addresses',
    rfc: 'RFC 9260 section 3.3.10.11',
    tail: listTail('params', params),
  },
  { name: 'user-initiated-abort', code: 12, doc: 'User-Initiated Abort', rfc: 'RFC 9260 section 3.3.10.12', tail: bytesTail('reason') },
  { name: 'protocol-violation', code: 13, doc: 'Protocol Violation', rfc: 'RFC 9260 section 3.3.10.13', tail: bytesTail('info') },
  asconfCause('request-to-delete-last-address', 0xa0, 'Request to Delete Last Remaining IP Address'),
  asconfCause('operation-refused-resource-shortage', 0xa1, 'Operation Refused Due to Resource Shortage'),
  asconfCause('request-to-delete-source-address', 0xa2, 'Request to Delete Source IP Address'),
  asconfCause('illegal-asconf-ack', 0xa3, 'Association Aborted Due to Illegal ASCONF-ACK'),
  asconfCause('request-refused-no-authorization', 0xa4, 'Request Refused - No Authorization'),
  {
    name: 'unsupported-hmac-identifier',
    code: 0x105,
    doc: 'Unsupported HMAC Identifier',
    rfc: 'RFC 4895 section 4.1',
    fixed: [enumOf('hmacId', 16, SCTP_HMAC_IDS, { doc: 'HMAC Identifier' })],
  },
];

/** The error cause list codec (ERROR, ABORT, Error Cause Indication). */
export const sctpCauses = new ListCodec({ what: 'causes', item: 'cause', tag: 'code', chunkHeader: false, padLast: false, actionBits: false, kinds, rfc: 'RFC 9260 section 3.3.10' });
