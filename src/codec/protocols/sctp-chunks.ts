/**
 * SCTP chunks (RFC 9260 section 3.3, and the extensions: RFC 3758 FORWARD TSN, RFC 4820 PAD,
 * RFC 4895 AUTH, RFC 5061 ASCONF / ASCONF ACK, RFC 6525 RE-CONFIG, RFC 8260 I-DATA /
 * I-FORWARD TSN, ECNE and CWR from RFC 9260 appendix A). One table entry per chunk type drives
 * encoding, decoding and printing. Unknown types stay raw, with the action their upper two bits
 * ask for (RFC 9260 section 3.2).
 */
import { enumOf, uint } from '../field.js';
import { bytesInput } from '../bytes.js';
import { ContentError } from '../errors.js';
import { deviationRules } from '../deviation.js';
import {
  ListCodec,
  SCTP_HMAC_IDS,
  be16,
  be32,
  bytesTail,
  fail,
  listTail,
  putBe16,
  putBe32,
  recordsTail,
  uintAt,
  type Item,
  type KindSpec,
  type Loose,
  type SctpAction,
  type SctpHmacName,
  type Tail,
} from './sctp-tlv.js';
// An import circle on purpose: RFC 9260 nests these TLVs in one another (an ERROR chunk holds causes, a
// cause may hold parameters or a chunk, a parameter may hold causes or chunks), and each file decodes its kind.
import { sctpParams, type SctpParam } from './sctp-params.js';
import { sctpCauses, type SctpCause } from './sctp-causes.js';

/** Counts inside chunks that the chunk Length must agree with. */
const chunkDeviations = deviationRules('sctp', {
  'sack-counts': { field: 'chunks[].gapBlockCount', expected: 'counts that fill the chunk after its fixed fields', rfc: 'RFC 9260 section 3.3.4' },
});

/** Flags of DATA and I-DATA: I (RFC 7053), U, B, E. */
export type SctpDataFlag = 'immediate' | 'unordered' | 'beginning' | 'ending';
/** The T bit of ABORT and SHUTDOWN COMPLETE: the verification tag is the sender's own (reflected). */
export type SctpTFlag = 'tag-reflected';

type Chunk<T extends string, F = unknown> = { type: T } & F & {
  /** Length as written when it is not the computed one (header and value, no padding). */
  length?: number;
  /** Padding bytes after the chunk when they are not the default (zeros to a multiple of 4). */
  padding?: Uint8Array;
};
/** Chunks without defined flags: the flags byte, present when not zero. */
type NoFlags = { flags?: number };
/** Flags by name when only defined bits are set, else the flags byte as a number. */
type Flags<N extends string> = { flags: N[] | number };

/** A chunk as decoded: a named form, discriminated on `type`, or raw with its type number. */
export type SctpChunk =
  | Chunk<'data', Flags<SctpDataFlag> & { tsn: number; streamId: number; streamSeq: number; ppid: number; data: Uint8Array }>
  | Chunk<'init', NoFlags & SctpInitFields>
  | Chunk<'init-ack', NoFlags & SctpInitFields>
  | Chunk<
      'sack',
      NoFlags & {
        cumulativeTsnAck: number;
        arwnd: number;
        /** Present only when it differs from the number of gap blocks. */
        gapBlockCount?: number;
        /** Present only when it differs from the number of duplicate TSNs. */
        duplicateCount?: number;
        /** Offsets from the cumulative TSN ack. */
        gapBlocks: { start: number; end: number }[];
        duplicateTsns: number[];
      }
    >
  | Chunk<'heartbeat', NoFlags & { params: SctpParam[] }>
  | Chunk<'heartbeat-ack', NoFlags & { params: SctpParam[] }>
  | Chunk<'abort', Flags<SctpTFlag> & { causes: SctpCause[] }>
  | Chunk<'shutdown', NoFlags & { cumulativeTsnAck: number }>
  | Chunk<'shutdown-ack', NoFlags>
  | Chunk<'error', NoFlags & { causes: SctpCause[] }>
  | Chunk<'cookie-echo', NoFlags & { cookie: Uint8Array }>
  | Chunk<'cookie-ack', NoFlags>
  | Chunk<'ecne', NoFlags & { lowestTsn: number }>
  | Chunk<'cwr', NoFlags & { lowestTsn: number }>
  | Chunk<'shutdown-complete', Flags<SctpTFlag>>
  | Chunk<'auth', NoFlags & { sharedKeyId: number; hmacId: SctpHmacName | number; hmac: Uint8Array }>
  | Chunk<
      'i-data',
      Flags<SctpDataFlag> & {
        tsn: number;
        streamId: number;
        /** Present when not zero. */
        reserved?: number;
        /** Message Identifier. */
        mid: number;
        /** Payload Protocol Identifier: first fragments (flag `beginning`) only. */
        ppid?: number;
        /** Fragment Sequence Number: other fragments only. */
        fsn?: number;
        data: Uint8Array;
      }
    >
  | Chunk<'asconf-ack', NoFlags & { serial: number; params: SctpParam[] }>
  | Chunk<'re-config', NoFlags & { params: SctpParam[] }>
  | Chunk<'pad', NoFlags & { data: Uint8Array }>
  | Chunk<'forward-tsn', NoFlags & { newCumulativeTsn: number; streams: { streamId: number; streamSeq: number }[] }>
  | Chunk<'asconf', NoFlags & { serial: number; params: SctpParam[] }>
  | Chunk<'i-forward-tsn', NoFlags & { newCumulativeTsn: number; streams: { streamId: number; unordered: boolean; mid: number; reserved?: number }[] }>
  | SctpRawChunk;

/** The fixed fields of INIT and INIT ACK. */
export interface SctpInitFields {
  initiateTag: number;
  /** Advertised Receiver Window Credit. */
  arwnd: number;
  outboundStreams: number;
  inboundStreams: number;
  initialTsn: number;
  params: SctpParam[];
}

/** A chunk kept as bytes: unknown types, and known ones whose value does not fit their form. */
export interface SctpRawChunk {
  type: number;
  /** What a receiver that does not know the type does (its upper two bits); derived, checked when given. */
  action?: SctpAction;
  flags: number;
  data: Uint8Array;
  length?: number;
  padding?: Uint8Array;
}

/** A chunk to encode: any field may be left out (defaults, computed lengths and counts), bytes also as hex. */
export type SctpChunkInput = Loose<SctpChunk>;
/** An SCTP chunk type by name (`data`, `init`, `init-ack`, `sack`...), as a chunk's `type` takes it. */
export type SctpChunkTypeName = Exclude<SctpChunk['type'], number>;

const DATA_FLAGS = ['', '', '', '', 'immediate', 'unordered', 'beginning', 'ending'] as const;
const T_FLAG = ['', '', '', '', '', '', '', 'tag-reflected'] as const;
const B_BIT = 0x02;

const params = () => sctpParams;
const causes = () => sctpCauses;

const tsn = uint('tsn', 32, { doc: 'Transmission Sequence Number' });
const streamId = uint('streamId', 16, { doc: 'Stream Identifier' });
const arwnd = uint('arwnd', 32, { doc: 'Advertised Receiver Window Credit', default: 65535 });
const initFixed = [
  uint('initiateTag', 32, { doc: 'Initiate Tag (the verification tag the peer must use)', default: 1 }),
  arwnd,
  uint('outboundStreams', 16, { doc: 'Number of Outbound Streams', default: 1 }),
  uint('inboundStreams', 16, { doc: 'Number of Inbound Streams', default: 1 }),
  uint('initialTsn', 32, { doc: 'Initial TSN' }),
];

const flagText = (f: unknown): string => (Array.isArray(f) ? f.map((n: string) => n[0].toUpperCase()).join('') : typeof f === 'number' && f ? `0x${f.toString(16)}` : '');
const lengthOf = (v: unknown): number => (v instanceof Uint8Array ? v.length : typeof v === 'string' ? v.length >> 1 : 0);
const count = (v: unknown): number => (Array.isArray(v) ? v.length : 0);

/** Gap Ack Blocks then Duplicate TSNs; their counts are fixed fields before them. */
const sackTail: Tail = {
  fields: ['gapBlocks', 'duplicateTsns'],
  write(item, path, _flags, w) {
    const gaps = item.gapBlocks ?? [];
    const dups = item.duplicateTsns ?? [];
    if (!Array.isArray(gaps)) fail(`${path}.gapBlocks`, gaps, 'a list of { start, end }');
    if (!Array.isArray(dups)) fail(`${path}.duplicateTsns`, dups, 'a list of TSNs');
    const out = new Uint8Array(4 * gaps.length + 4 * dups.length);
    gaps.forEach((g: { start?: unknown; end?: unknown } | null, k) => {
      if (g === null || typeof g !== 'object') fail(`${path}.gapBlocks[${k}]`, g, 'an object with start and end');
      putBe16(out, 4 * k, uintAt(`${path}.gapBlocks[${k}].start`, g.start, 16));
      putBe16(out, 4 * k + 2, uintAt(`${path}.gapBlocks[${k}].end`, g.end, 16));
    });
    dups.forEach((d: unknown, k) => putBe32(out, 4 * gaps.length + 4 * k, uintAt(`${path}.duplicateTsns[${k}]`, d, 32)));
    w.put(out);
  },
  decode(buf, start, end, item, _flags, path, report) {
    const gaps = item.gapBlockCount as number;
    const dups = item.duplicateCount as number;
    if (4 * gaps + 4 * dups !== end - start) {
      report(chunkDeviations.error('sack-counts', start, `${gaps} gap blocks and ${dups} duplicate TSNs`, { field: `${path}.gapBlockCount`, expected: `counts that fill the ${end - start} bytes after the fixed fields` }));
      return false;
    }
    const gapBlocks: { start: number; end: number }[] = [];
    for (let k = 0; k < gaps; k++) gapBlocks.push({ start: be16(buf, start + 4 * k), end: be16(buf, start + 4 * k + 2) });
    const duplicateTsns: number[] = [];
    for (let k = 0; k < dups; k++) duplicateTsns.push(be32(buf, start + 4 * gaps + 4 * k));
    item.gapBlocks = gapBlocks;
    item.duplicateTsns = duplicateTsns;
    return true;
  },
};

/** I-DATA: PPID on a first fragment (B bit set), FSN on the others, then the user data (RFC 8260 section 2.1). */
const iDataTail: Tail = {
  fields: ['ppid', 'fsn', 'data'],
  write(item, path, flags, w) {
    const first = (flags & B_BIT) !== 0;
    const [use, other] = first ? ['ppid', 'fsn'] : ['fsn', 'ppid'];
    if (item[other] !== undefined) {
      fail(`${path}.${other}`, item[other], first ? 'nothing: a first fragment (flag beginning) carries ppid, not fsn' : 'nothing: only a first fragment (flag beginning) carries ppid; the others carry fsn');
    }
    const data = item.data === undefined ? new Uint8Array(0) : bytesInput('sctp', `${path}.data`, item.data);
    const start = w.take(4);
    putBe32(w.buf, start, uintAt(`${path}.${use}`, item[use] ?? 0, 32));
    w.put(data);
  },
  decode(buf, start, end, item, flags, path, report) {
    if (end - start < 4) {
      report(new ContentError('sctp', start, String(path), `${end - start + 12} value bytes`, 'at least 16 for an i-data chunk'));
      return false;
    }
    item[(flags & B_BIT) !== 0 ? 'ppid' : 'fsn'] = be32(buf, start);
    item.data = buf.subarray(start + 4, end);
    return true;
  },
};

/** I-FORWARD TSN entries: stream, 15 reserved bits and the U bit, message identifier (RFC 8260 section 2.3.1). */
const iForwardTail: Tail = {
  fields: ['streams'],
  write(item, path, _flags, w) {
    const list = item.streams ?? [];
    if (!Array.isArray(list)) fail(`${path}.streams`, list, 'a list of { streamId, unordered, mid }');
    const out = new Uint8Array(8 * list.length);
    list.forEach((s: Item | null, k) => {
      const p = `${path}.streams[${k}]`;
      if (s === null || typeof s !== 'object') fail(p, s, 'an object with streamId, unordered and mid');
      if (s.unordered !== undefined && typeof s.unordered !== 'boolean') fail(`${p}.unordered`, s.unordered, 'true or false');
      putBe16(out, 8 * k, uintAt(`${p}.streamId`, s.streamId ?? 0, 16));
      putBe16(out, 8 * k + 2, (uintAt(`${p}.reserved`, s.reserved ?? 0, 15) << 1) | (s.unordered ? 1 : 0));
      putBe32(out, 8 * k + 4, uintAt(`${p}.mid`, s.mid ?? 0, 32));
    });
    w.put(out);
  },
  decode(buf, start, end, item, _flags, path, report) {
    if ((end - start) % 8) {
      report(new ContentError('sctp', start, `${path}.streams`, `${end - start} bytes`, 'a multiple of 8 (8-byte entries)'));
      return false;
    }
    const streams: Item[] = [];
    for (let k = start; k < end; k += 8) {
      const word = be16(buf, k + 2);
      const entry: Item = { streamId: be16(buf, k), unordered: (word & 1) === 1, mid: be32(buf, k + 4) };
      if (word >>> 1) entry.reserved = word >>> 1;
      streams.push(entry);
    }
    item.streams = streams;
    return true;
  },
};

const kinds: KindSpec[] = [
  {
    name: 'data',
    code: 0,
    doc: 'Payload Data',
    rfc: 'RFC 9260 section 3.3.1',
    flags: DATA_FLAGS,
    fixed: [tsn, streamId, uint('streamSeq', 16, { doc: 'Stream Sequence Number' }), uint('ppid', 32, { doc: 'Payload Protocol Identifier' })],
    tail: bytesTail('data'),
    summary: (c) => `tsn ${c.tsn} sid ${c.streamId} ssn ${c.streamSeq} ppid ${c.ppid} len ${lengthOf(c.data)}`,
  },
  { name: 'init', code: 1, doc: 'Initiation', rfc: 'RFC 9260 section 3.3.2', fixed: initFixed, tail: listTail('params', params), summary: (c) => `itag 0x${hex(c.initiateTag)} tsn ${c.initialTsn}` },
  {
    name: 'init-ack',
    code: 2,
    doc: 'Initiation Acknowledgement',
    rfc: 'RFC 9260 section 3.3.3',
    fixed: initFixed,
    tail: listTail('params', params),
    summary: (c) => `itag 0x${hex(c.initiateTag)} tsn ${c.initialTsn}`,
  },
  {
    name: 'sack',
    code: 3,
    doc: 'Selective Acknowledgement',
    rfc: 'RFC 9260 section 3.3.4',
    fixed: [
      uint('cumulativeTsnAck', 32, { doc: 'Cumulative TSN Ack' }),
      arwnd,
      uint('gapBlockCount', 16, { doc: 'Number of Gap Ack Blocks', role: 'auto' }),
      uint('duplicateCount', 16, { doc: 'Number of Duplicate TSNs', role: 'auto' }),
    ],
    auto: (c) => ({ gapBlockCount: count(c.gapBlocks), duplicateCount: count(c.duplicateTsns) }),
    tail: sackTail,
    summary: (c) => `cum ack ${c.cumulativeTsnAck} a_rwnd ${c.arwnd}${count(c.gapBlocks) ? ` gaps ${count(c.gapBlocks)}` : ''}${count(c.duplicateTsns) ? ` dups ${count(c.duplicateTsns)}` : ''}`,
  },
  { name: 'heartbeat', code: 4, doc: 'Heartbeat Request', rfc: 'RFC 9260 section 3.3.5', tail: listTail('params', params) },
  { name: 'heartbeat-ack', code: 5, doc: 'Heartbeat Acknowledgement', rfc: 'RFC 9260 section 3.3.6', tail: listTail('params', params) },
  { name: 'abort', code: 6, doc: 'Abort', rfc: 'RFC 9260 section 3.3.7', flags: T_FLAG, tail: listTail('causes', causes), summary: (c) => causeText(c.causes) },
  { name: 'shutdown', code: 7, doc: 'Shutdown Association', rfc: 'RFC 9260 section 3.3.8', fixed: [uint('cumulativeTsnAck', 32, { doc: 'Cumulative TSN Ack' })], summary: (c) => `cum ack ${c.cumulativeTsnAck}` },
  { name: 'shutdown-ack', code: 8, doc: 'Shutdown Acknowledgement', rfc: 'RFC 9260 section 3.3.9' },
  { name: 'error', code: 9, doc: 'Operation Error', rfc: 'RFC 9260 section 3.3.10', tail: listTail('causes', causes), summary: (c) => causeText(c.causes) },
  { name: 'cookie-echo', code: 10, doc: 'State Cookie', rfc: 'RFC 9260 section 3.3.11', tail: bytesTail('cookie'), summary: (c) => `len ${lengthOf(c.cookie)}` },
  { name: 'cookie-ack', code: 11, doc: 'Cookie Acknowledgement', rfc: 'RFC 9260 section 3.3.12' },
  { name: 'ecne', code: 12, doc: 'Explicit Congestion Notification Echo', rfc: 'RFC 9260 appendix A', fixed: [uint('lowestTsn', 32, { doc: 'Lowest TSN Number' })] },
  { name: 'cwr', code: 13, doc: 'Congestion Window Reduced', rfc: 'RFC 9260 appendix A', fixed: [uint('lowestTsn', 32, { doc: 'Lowest TSN Number' })] },
  { name: 'shutdown-complete', code: 14, doc: 'Shutdown Complete', rfc: 'RFC 9260 section 3.3.13', flags: T_FLAG },
  {
    name: 'auth',
    code: 15,
    doc: 'Authentication',
    rfc: 'RFC 4895 section 4.1',
    fixed: [uint('sharedKeyId', 16, { doc: 'Shared Key Identifier' }), enumOf('hmacId', 16, SCTP_HMAC_IDS, { doc: 'HMAC Identifier', default: 1 })],
    tail: bytesTail('hmac'),
  },
  {
    name: 'i-data',
    code: 64,
    doc: 'Payload Data with Message Identifier',
    rfc: 'RFC 8260 section 2.1',
    flags: DATA_FLAGS,
    fixed: [tsn, streamId, uint('reserved', 16, { doc: 'Reserved' }), uint('mid', 32, { doc: 'Message Identifier' })],
    quiet: ['reserved'],
    tail: iDataTail,
    summary: (c) => `tsn ${c.tsn} sid ${c.streamId} mid ${c.mid} ${c.ppid !== undefined ? `ppid ${c.ppid}` : `fsn ${c.fsn}`} len ${lengthOf(c.data)}`,
  },
  {
    name: 'asconf-ack',
    code: 0x80,
    doc: 'Address Configuration Acknowledgement',
    rfc: 'RFC 5061 section 3.1.2',
    fixed: [uint('serial', 32, { doc: 'Sequence Number' })],
    tail: listTail('params', params),
  },
  { name: 're-config', code: 0x82, doc: 'Re-configuration', rfc: 'RFC 6525 section 3.1', tail: listTail('params', params) },
  { name: 'pad', code: 0x84, doc: 'Padding', rfc: 'RFC 4820 section 3', tail: bytesTail('data'), summary: (c) => `len ${lengthOf(c.data)}` },
  {
    name: 'forward-tsn',
    code: 0xc0,
    doc: 'Forward Cumulative TSN',
    rfc: 'RFC 3758 section 3.2',
    fixed: [uint('newCumulativeTsn', 32, { doc: 'New Cumulative TSN' })],
    tail: recordsTail('streams', [streamId, uint('streamSeq', 16, { doc: 'Stream Sequence Number' })]),
    summary: (c) => `new cum tsn ${c.newCumulativeTsn}`,
  },
  {
    name: 'asconf',
    code: 0xc1,
    doc: 'Address Configuration Change',
    rfc: 'RFC 5061 section 3.1.1',
    fixed: [uint('serial', 32, { doc: 'Sequence Number' })],
    tail: listTail('params', params),
  },
  {
    name: 'i-forward-tsn',
    code: 0xc2,
    doc: 'Forward Cumulative TSN with Message Identifiers',
    rfc: 'RFC 8260 section 2.3.1',
    fixed: [uint('newCumulativeTsn', 32, { doc: 'New Cumulative TSN' })],
    tail: iForwardTail,
    summary: (c) => `new cum tsn ${c.newCumulativeTsn}`,
  },
];

const hex = (v: unknown): string => (typeof v === 'number' ? v.toString(16).padStart(8, '0') : String(v));
const causeText = (list: unknown): string => (Array.isArray(list) ? list.map((c: Item) => String(c.code)).join(', ') : '');

/** The chunk list codec. */
export const sctpChunks = new ListCodec({ what: 'chunks', item: 'chunk', tag: 'type', chunkHeader: true, padLast: true, actionBits: true, kinds, rfc: 'RFC 9260 section 3.2' });

/** One chunk as text: `DATA [BE] tsn 1 sid 0 ssn 0 ppid 0 len 5`, `INIT itag 0x...`, `chunk 200 (skip)`. */
export function chunkSummary(chunk: Item): string {
  if (typeof chunk.type === 'number') return `chunk ${chunk.type}${chunk.action ? ` (${chunk.action})` : ''} len ${lengthOf(chunk.data)}`;
  const kind = sctpChunks.byName.get(String(chunk.type));
  const name = String(chunk.type).toUpperCase();
  const flags = flagText(chunk.flags);
  const detail = kind?.spec.summary?.(chunk);
  return `${name}${flags ? ` [${flags}]` : ''}${detail ? ` ${detail}` : ''}`;
}

/** Chunk types that must be alone in their packet (RFC 9260 section 6.10). */
const ALONE = new Set([1, 2, 14]);
/** Chunk types that must come first in their packet (RFC 9260 section 5.1 steps D and E). */
const FIRST = new Set([10, 11]);
const DATA_TYPES = new Set([0, 64]);

/** A breach of the bundling rules: which chunk, and what rule. */
export interface BundlingViolation {
  readonly index: number;
  readonly message: string;
}

/**
 * The bundling rules a list of chunk types breaks: INIT, INIT ACK and SHUTDOWN COMPLETE
 * alone (RFC 9260 section 6.10); COOKIE ECHO and COOKIE ACK first (section 5.1); control
 * chunks before DATA and I-DATA chunks (section 6.10).
 * @example
 * {@includeCode ../../../examples/api-codec.ts#sctp-bundling}
 */
export function bundlingViolations(types: readonly number[]): BundlingViolation[] {
  const out: BundlingViolation[] = [];
  if (types.length < 2) return out; // every rule is about a chunk among others
  let seenData = -1;
  types.forEach((type, index) => {
    // The name only for a message: most packets break no rule, and encoding checks every one.
    const name = (): string => String(sctpChunks.nameOf(type)).toUpperCase();
    if (ALONE.has(type) && types.length > 1) {
      out.push({ index, message: `${name()} must be the only chunk in its packet (RFC 9260 section 6.10), but the packet has ${types.length} chunks` });
    }
    if (FIRST.has(type) && index > 0) out.push({ index, message: `${name()} must be the first chunk in its packet (RFC 9260 section 5.1)` });
    if (DATA_TYPES.has(type)) {
      if (seenData < 0) seenData = index;
    } else if (seenData >= 0 && !ALONE.has(type)) {
      out.push({ index, message: `control chunk ${name()} follows data chunk ${seenData}; control chunks must come first (RFC 9260 section 6.10)` });
    }
  });
  return out;
}
