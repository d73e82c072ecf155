/**
 * Fragmentation and reassembly of IP datagrams: IPv4 (RFC 791 sections 2.3 and 3.2, RFC 815)
 * and IPv6 (RFC 8200 section 4.5, RFC 5722 on overlaps, RFC 6946 on atomic fragments).
 *
 * `fragment` splits a datagram as a sender would, with options a sender never would use but a
 * tester of receivers needs: tiny, overlapping (with the same or conflicting data),
 * out-of-order and duplicated fragments, and atomic fragments. `reassemble` puts fragments back
 * together as a receiver should and, when it cannot, says why in a typed error.
 *
 * Both work on bytes: whatever a builder, the decoder or a capture file gives.
 */
import { randomInt } from 'node:crypto';
import { finishChecksum, sumWords } from './checksum.js';
import { asBuffer, be16, be32, putBe16, putBe32, readIpv4, readIpv6 } from './bytes.js';
import { PacketError } from './errors.js';

/** Why a datagram could not be fragmented. */
export type FragmentFailure =
  /** Not an IPv4 or IPv6 datagram (version nibble). */
  | 'not-ip'
  /** Header or length fields do not match the bytes. */
  | 'malformed'
  /** IPv4 with Don't Fragment set, and `force` not given. */
  | 'dont-fragment'
  /** The MTU leaves no room for 8 octets of data per fragment (or `fragmentSize` exceeds it). */
  | 'mtu-too-small'
  /** IPv6 that already has a Fragment header. */
  | 'already-fragmented'
  /** An IPv6 jumbogram, which cannot be fragmented (RFC 2675 section 3). */
  | 'jumbogram'
  /** The data would need a fragment offset beyond 8191 eight-octet units. */
  | 'too-long'
  /** An option that cannot be honoured (e.g. an overlap not smaller than the fragment size). */
  | 'bad-option';

/**
 * Fragmentation refused: not an IP datagram, Don't Fragment set, an MTU too small (the `reason` says which).
 * @example
 * {@includeCode ../../examples/api-codec.ts#fragment-errors}
 */
export class FragmentError extends PacketError {
  readonly code = 'E_FRAGMENT';
  constructor(
    layer: string,
    readonly reason: FragmentFailure,
    detail: string,
  ) {
    super(`${layer}: cannot fragment (${reason}): ${detail}`, layer, -1);
  }
}

/** Why a set of fragments could not be reassembled. */
export type ReassemblyFailure =
  /** No fragments given. */
  | 'empty'
  /** A fragment is not an IPv4 or IPv6 datagram. */
  | 'not-ip'
  /** A fragment's header or length fields do not match its bytes. */
  | 'malformed'
  /** IPv6 without a Fragment header. */
  | 'not-a-fragment'
  /** Fragments of different datagrams (source, destination, identification, protocol or IP version differ). */
  | 'mixed-datagrams'
  /** A fragment other than the last is not a multiple of 8 octets long (RFC 8200 section 4.5). */
  | 'bad-length'
  /** Two last fragments (M clear) give different lengths for the datagram. */
  | 'inconsistent-length'
  /** A fragment reaches past the end the last fragment gives. */
  | 'beyond-end'
  /** No fragment at offset 0. */
  | 'missing-first'
  /** No last fragment (every one has M set). */
  | 'missing-last'
  /** A hole between fragments. */
  | 'gap'
  /** Overlapping fragments: always for IPv6 (RFC 5722), for IPv4 with `ipv4Overlap: 'reject'`. */
  | 'overlap'
  /** The reassembled datagram would exceed 65535 octets. */
  | 'too-long';

/**
 * Reassembly failed: a missing fragment, an overlap, a datagram too long (the `reason` says which).
 * @example
 * {@includeCode ../../examples/api-codec.ts#fragment-errors}
 */
export class ReassemblyError extends PacketError {
  readonly code = 'E_REASSEMBLY';
  constructor(
    layer: string,
    readonly reason: ReassemblyFailure,
    detail: string,
    /** Index (in the input) of the fragment the problem was found in, when there is one. */
    readonly fragment?: number,
    /** Byte offset in the reassembled data where the problem lies (gaps, overlaps), when there is one. */
    readonly dataOffset?: number,
  ) {
    super(`${layer}: cannot reassemble (${reason}): ${detail}`, layer, -1);
  }
}

/** How `fragment()` splits: the MTU or fragment size, despite Don't Fragment or not, and on purpose overlapping, reordered, duplicated fragments. */
export interface FragmentOptions {
  /** Largest fragment in octets, IP header included: the link MTU. */
  readonly mtu: number;
  /** IPv4: fragment even though Don't Fragment is set (the fragments keep DF). */
  readonly force?: boolean;
  /** Identification: IPv4 16 bits (default: the datagram's own), IPv6 32 bits (default: random). */
  readonly id?: number;
  /** Data octets per fragment, a multiple of 8, instead of as many as the MTU allows: tiny fragments. Fragments even when the datagram fits. */
  readonly fragmentSize?: number;
  /** Octets (a multiple of 8) by which each fragment after the first reaches back into the one before. */
  readonly overlap?: number;
  /** Write this octet value into the overlapping part instead of the original data: conflicting overlaps. */
  readonly overlapFill?: number;
  /** Emitting order: `forward` (default), `reverse`, `shuffle` (seeded), or a list of fragment indices (repeats allowed). */
  readonly order?: 'forward' | 'reverse' | 'shuffle' | readonly number[];
  /** Seed for `order: 'shuffle'` (default 1). */
  readonly seed?: number;
  /** Fragment indices to send a second time, after the others. */
  readonly duplicate?: readonly number[];
  /** IPv6: add a Fragment header (offset 0, M clear) even when the packet fits: an atomic fragment (RFC 6946). */
  readonly atomic?: boolean;
}

/** How `reassemble()` treats overlapping IPv4 fragments (IPv6 overlaps are always refused, RFC 5722). */
export interface ReassembleOptions {
  /**
   * IPv4 overlaps: `last` (default) lets later data overwrite earlier data, as RFC 791's
   * algorithm does; `first` keeps what arrived first (RFC 815, BSD); `reject` refuses the
   * datagram, as Linux does since 2018. IPv6 overlaps are always refused (RFC 5722).
   */
  readonly ipv4Overlap?: 'last' | 'first' | 'reject';
}

/** The outcome of `reassemble()`: the datagram, or why it could not be put back together. */
export type ReassemblyResult =
  | {
      readonly ok: true;
      /** The reassembled datagram. */
      readonly packet: Buffer;
      /** Fragments used. */
      readonly fragments: number;
      /** Exact duplicates that were dropped. */
      readonly duplicates: number;
    }
  | { readonly ok: false; readonly error: ReassemblyError };


/** IPv6 extension headers that come before a Fragment header: Hop-by-Hop, Routing, Destination Options. */
const BEFORE_FRAGMENT = new Set([0, 43, 60]);

interface Piece {
  readonly start: number;
  readonly end: number;
}

function isUint(value: unknown, max: number): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= max;
}

/** Split `length` data octets into pieces of at most `max(k)` each. */
function plan(layer: string, length: number, maxFor: (k: number) => number, o: FragmentOptions): Piece[] {
  const overlap = o.overlap ?? 0;
  const pieces: Piece[] = [];
  let start = 0;
  for (let k = 0; ; k++) {
    const max = maxFor(k);
    if (max < 8) throw new FragmentError(layer, 'mtu-too-small', `an MTU of ${o.mtu} leaves ${Math.max(0, max)} octets of data per fragment; at least 8 are needed`);
    if (o.fragmentSize !== undefined && o.fragmentSize > max) {
      throw new FragmentError(layer, 'mtu-too-small', `fragmentSize ${o.fragmentSize} does not fit an MTU of ${o.mtu} (at most ${max} octets of data)`);
    }
    const size = o.fragmentSize ?? max;
    if (overlap >= size) throw new FragmentError(layer, 'bad-option', `overlap ${overlap} must be smaller than the fragment size ${size}`);
    const end = Math.min(start + size, length);
    pieces.push({ start, end });
    if (end >= length) return pieces;
    start = end - overlap;
  }
}

function checkOptions(layer: string, o: FragmentOptions): void {
  const bad = (what: string): never => {
    throw new FragmentError(layer, 'bad-option', what);
  };
  if (!isUint(o.mtu, 0xffffffff) || o.mtu === 0) bad(`mtu ${String(o.mtu)} is not a positive integer`);
  if (o.fragmentSize !== undefined && (!isUint(o.fragmentSize, 0xffff) || o.fragmentSize === 0 || o.fragmentSize % 8)) bad(`fragmentSize ${String(o.fragmentSize)} is not a positive multiple of 8`);
  if (o.overlap !== undefined && (!isUint(o.overlap, 0xffff) || o.overlap % 8)) bad(`overlap ${String(o.overlap)} is not a multiple of 8`);
  if (o.overlapFill !== undefined && !isUint(o.overlapFill, 255)) bad(`overlapFill ${String(o.overlapFill)} is not an octet value 0..255`);
}

/** A small seeded generator (mulberry32), so shuffled orders are reproducible. */
function shuffled(count: number, seed: number): number[] {
  let s = seed >>> 0;
  const next = (): number => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const out = Array.from({ length: count }, (_, i) => i);
  for (let i = count - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

function arrange(layer: string, fragments: Buffer[], o: FragmentOptions): Buffer[] {
  const n = fragments.length;
  let order: readonly number[];
  if (o.order === undefined || o.order === 'forward') order = fragments.map((_, i) => i);
  else if (o.order === 'reverse') order = fragments.map((_, i) => n - 1 - i);
  else if (o.order === 'shuffle') order = shuffled(n, o.seed ?? 1);
  else if (Array.isArray(o.order)) order = o.order;
  else throw new FragmentError(layer, 'bad-option', `order ${JSON.stringify(o.order)} is not forward, reverse, shuffle or a list of indices`);
  const all = [...order, ...(o.duplicate ?? [])];
  for (const i of all) if (!isUint(i, n - 1)) throw new FragmentError(layer, 'bad-option', `fragment index ${String(i)} is not in 0..${n - 1}`);
  return all.map((i) => Buffer.from(fragments[i]));
}

/** Copy `data` for piece k, filling the part that overlaps the previous piece when asked to. */
function pieceData(payload: Buffer, pieces: Piece[], k: number, o: FragmentOptions): Buffer {
  const { start, end } = pieces[k];
  const data = Buffer.from(payload.subarray(start, end));
  if (k > 0 && o.overlapFill !== undefined) {
    const previousEnd = pieces[k - 1].end;
    if (previousEnd > start) data.fill(o.overlapFill, 0, Math.min(previousEnd, end) - start);
  }
  return data;
}

/** The IPv4 options that RFC 791 copies into every fragment (copied flag set), padded to 4 octets. */
function copiedOptions(header: Buffer): Buffer {
  const out: number[] = [];
  for (let i = 20; i < header.length; ) {
    const type = header[i];
    if (type === 0) break;
    if (type === 1) {
      i++;
      continue;
    }
    const length = header[i + 1];
    if (i + 1 >= header.length || length < 2 || i + length > header.length) break;
    if (type & 0x80) out.push(...header.subarray(i, i + length));
    i += length;
  }
  while (out.length % 4) out.push(0);
  return Buffer.from(out);
}

function fragmentIpv4(bytes: Buffer, o: FragmentOptions): Buffer[] {
  const layer = 'ipv4';
  if (bytes.length < 20) throw new FragmentError(layer, 'malformed', `${bytes.length} bytes are shorter than the 20-byte header`);
  const hl = (bytes[0] & 15) * 4;
  const total = be16(bytes, 2);
  if (hl < 20 || total < hl || total > bytes.length) throw new FragmentError(layer, 'malformed', `header length ${hl} and total length ${total} do not fit ${bytes.length} bytes`);
  if (o.id !== undefined && !isUint(o.id, 0xffff)) throw new FragmentError(layer, 'bad-option', `id ${o.id} is not 0..65535`);
  if (total <= o.mtu && o.fragmentSize === undefined) return arrange(layer, [Buffer.from(bytes.subarray(0, total))], o);
  if (bytes[6] & 0x40 && !o.force) throw new FragmentError(layer, 'dont-fragment', `the datagram (${total} bytes) exceeds the MTU ${o.mtu} and has Don't Fragment set; pass force: true to fragment it anyway`);
  const first = Buffer.from(bytes.subarray(0, hl));
  const options = copiedOptions(first);
  const rest = Buffer.concat([first.subarray(0, 20), options]);
  const payload = Buffer.from(bytes.subarray(hl, total));
  const pieces = plan(layer, payload.length, (k) => Math.floor((o.mtu - (k === 0 ? hl : rest.length)) / 8) * 8, o);
  const baseOffset = be16(bytes, 6) & 0x1fff;
  const moreAfterAll = (bytes[6] & 0x20) !== 0;
  const fragments = pieces.map((piece, k) => {
    const head = Buffer.from(k === 0 ? first : rest);
    const offset = baseOffset + piece.start / 8;
    if (offset > 0x1fff) throw new FragmentError(layer, 'too-long', `fragment offset ${offset} exceeds 8191 units`);
    const data = pieceData(payload, pieces, k, o);
    head[0] = 0x40 | (head.length / 4);
    putBe16(head, 2, head.length + data.length);
    if (o.id !== undefined) putBe16(head, 4, o.id);
    const more = k < pieces.length - 1 || moreAfterAll;
    putBe16(head, 6, ((bytes[6] & 0xc0) << 8) | (more ? 0x2000 : 0) | offset);
    putBe16(head, 10, 0);
    putBe16(head, 10, finishChecksum(sumWords(head, 0, head.length)));
    return Buffer.concat([head, data]);
  });
  return arrange(layer, fragments, o);
}

/** Where the unfragmentable part of an IPv6 packet ends (RFC 8200 section 4.5) and where the Next Header field to patch is. */
function unfragmentable(bytes: Buffer, total: number): { end: number; nextHeaderAt: number } {
  let type = bytes[6];
  let at = 40;
  let end = 40;
  let nextHeaderAt = 6;
  let lastAt = 6;
  while (BEFORE_FRAGMENT.has(type)) {
    if (at + 8 > total) throw new FragmentError('ipv6', 'malformed', `extension header ${type} at offset ${at} is cut short`);
    const length = (bytes[at + 1] + 1) * 8;
    if (at + length > total) throw new FragmentError('ipv6', 'malformed', `extension header ${type} at offset ${at} claims ${length} bytes past the payload`);
    // Up to and including the Routing header, else the Hop-by-Hop header (Destination Options before a Routing header go with it).
    if (type !== 60) {
      end = at + length;
      nextHeaderAt = at;
    }
    lastAt = at;
    type = bytes[at];
    at += length;
  }
  if (type === 44) throw new FragmentError('ipv6', 'already-fragmented', `the packet already has a Fragment header at offset ${at} (next header field at ${lastAt})`);
  return { end, nextHeaderAt };
}

function fragmentIpv6(bytes: Buffer, o: FragmentOptions): Buffer[] {
  const layer = 'ipv6';
  if (bytes.length < 40) throw new FragmentError(layer, 'malformed', `${bytes.length} bytes are shorter than the 40-byte header`);
  const payloadLength = be16(bytes, 4);
  if (payloadLength === 0 && bytes[6] === 0) throw new FragmentError(layer, 'jumbogram', 'jumbograms cannot be fragmented (RFC 2675 section 3)');
  const total = 40 + payloadLength;
  if (total > bytes.length) throw new FragmentError(layer, 'malformed', `payload length ${payloadLength} exceeds the ${bytes.length - 40} bytes after the header`);
  if (o.id !== undefined && !isUint(o.id, 0xffffffff)) throw new FragmentError(layer, 'bad-option', `id ${o.id} is not 0..4294967295`);
  const { end, nextHeaderAt } = unfragmentable(bytes, total);
  if (total <= o.mtu && o.fragmentSize === undefined && !o.atomic) return arrange(layer, [Buffer.from(bytes.subarray(0, total))], o);
  const unfrag = Buffer.from(bytes.subarray(0, end));
  const nextHeader = unfrag[nextHeaderAt];
  unfrag[nextHeaderAt] = 44;
  const payload = Buffer.from(bytes.subarray(end, total));
  const max = Math.floor((o.mtu - end - 8) / 8) * 8;
  const fits = total + 8 <= o.mtu && o.fragmentSize === undefined;
  const pieces = fits ? [{ start: 0, end: payload.length }] : plan(layer, payload.length, () => max, o);
  const id = o.id ?? randomInt(0, 0x100000000);
  const fragments = pieces.map((piece, k) => {
    const offset = piece.start / 8;
    if (offset > 0x1fff) throw new FragmentError(layer, 'too-long', `fragment offset ${offset} exceeds 8191 units`);
    const data = pieceData(payload, pieces, k, o);
    const head = Buffer.from(unfrag);
    putBe16(head, 4, end - 40 + 8 + data.length);
    const fh = Buffer.alloc(8);
    fh[0] = nextHeader;
    putBe16(fh, 2, (offset << 3) | (k < pieces.length - 1 ? 1 : 0));
    putBe32(fh, 4, id);
    return Buffer.concat([head, fh, data]);
  });
  return arrange(layer, fragments, o);
}

/**
 * Fragment an IPv4 or IPv6 datagram for a link MTU. A datagram that fits comes back as the one
 * element of the list (IPv6 with `atomic`: as an atomic fragment). IPv4 fragments after the
 * first carry only the options whose copied flag is set (RFC 791); IPv6 fragments carry the
 * unfragmentable part (up to the Routing header, else the Hop-by-Hop header) and a Fragment
 * header (RFC 8200 section 4.5). Throws FragmentError.
 *
 * @throws {@link FragmentError} not an IP datagram, Don't Fragment set (without `force`), an MTU too small.
 * @example
 * {@includeCode ../../examples/api-tour.ts#fragment}
 */
export function fragment(packet: Uint8Array | { encode(): Uint8Array }, options: FragmentOptions): Buffer[] {
  const bytes = asBuffer(packet instanceof Uint8Array ? packet : packet.encode());
  const version = bytes.length ? bytes[0] >> 4 : 0;
  const layer = version === 6 ? 'ipv6' : 'ipv4';
  if (version !== 4 && version !== 6) throw new FragmentError(layer, 'not-ip', `version ${version} is neither 4 nor 6`);
  checkOptions(layer, options);
  return version === 4 ? fragmentIpv4(bytes, options) : fragmentIpv6(bytes, options);
}

interface Parsed {
  readonly index: number;
  readonly key: string;
  /** Byte offset of the data in the datagram. */
  readonly offset: number;
  readonly more: boolean;
  readonly data: Buffer;
  /** IPv4: the header. IPv6: the unfragmentable part (everything before the Fragment header). */
  readonly head: Buffer;
  /** IPv6: offset in `head` of the Next Header field that names the Fragment header. */
  readonly nextHeaderAt: number;
  /** IPv6: the Fragment header's Next Header. */
  readonly nextHeader: number;
}

type Parse = Parsed | ReassemblyError;

function parseIpv4Fragment(b: Buffer, index: number): Parse {
  const fail = (why: string) => new ReassemblyError('ipv4', 'malformed', `fragment ${index}: ${why}`, index);
  if (b.length < 20) return fail(`${b.length} bytes are shorter than the 20-byte header`);
  const hl = (b[0] & 15) * 4;
  const total = be16(b, 2);
  if (hl < 20 || total < hl || total > b.length) return fail(`header length ${hl} and total length ${total} do not fit ${b.length} bytes`);
  const word = be16(b, 6);
  return {
    index,
    key: `${readIpv4(b, 12)} ${readIpv4(b, 16)} ${b[9]} ${be16(b, 4)}`,
    offset: (word & 0x1fff) * 8,
    more: (word & 0x2000) !== 0,
    data: b.subarray(hl, total),
    head: b.subarray(0, hl),
    nextHeaderAt: -1,
    nextHeader: b[9],
  };
}

function parseIpv6Fragment(b: Buffer, index: number): Parse {
  const fail = (why: string, reason: ReassemblyFailure = 'malformed') => new ReassemblyError('ipv6', reason, `fragment ${index}: ${why}`, index);
  if (b.length < 40) return fail(`${b.length} bytes are shorter than the 40-byte header`);
  const total = 40 + be16(b, 4);
  if (total > b.length) return fail(`payload length ${total - 40} exceeds the ${b.length - 40} bytes after the header`);
  let type = b[6];
  let at = 40;
  let nextHeaderAt = 6;
  while (BEFORE_FRAGMENT.has(type)) {
    if (at + 8 > total) return fail(`extension header ${type} at offset ${at} is cut short`);
    nextHeaderAt = at;
    type = b[at];
    at += (b[at + 1] + 1) * 8;
  }
  if (type !== 44) return fail(`no Fragment header (the header chain reaches next header ${type})`, 'not-a-fragment');
  if (at + 8 > total) return fail(`the Fragment header at offset ${at} is cut short`);
  const word = be16(b, at + 2);
  return {
    index,
    key: `${readIpv6(b, 8)} ${readIpv6(b, 24)} ${be32(b, at + 4)}`,
    offset: (word >> 3) * 8,
    more: (word & 1) !== 0,
    data: b.subarray(at + 8, total),
    head: b.subarray(0, at),
    nextHeaderAt,
    nextHeader: b[at],
  };
}

/**
 * Reassemble the fragments of one datagram, in the order they arrived. Exact duplicates are
 * dropped; other overlaps refuse an IPv6 datagram (RFC 8200 section 4.5, RFC 5722) and follow
 * `ipv4Overlap` for IPv4. Never throws for bad input: the result says why it failed.
 *
 * @example
 * {@includeCode ../../examples/api-tour.ts#fragment}
 */
export function reassemble(fragments: readonly Uint8Array[], options: ReassembleOptions = {}): ReassemblyResult {
  const failed = (error: ReassemblyError): ReassemblyResult => ({ ok: false, error });
  if (!fragments.length) return failed(new ReassemblyError('ip', 'empty', 'no fragments given'));
  const version = fragments[0].length ? fragments[0][0] >> 4 : 0;
  const layer = version === 6 ? 'ipv6' : 'ipv4';
  const parsed: Parsed[] = [];
  for (let i = 0; i < fragments.length; i++) {
    const b = asBuffer(fragments[i]);
    const v = b.length ? b[0] >> 4 : 0;
    if (v !== 4 && v !== 6) return failed(new ReassemblyError(layer, 'not-ip', `fragment ${i}: version ${v} is neither 4 nor 6`, i));
    if (v !== version) return failed(new ReassemblyError(layer, 'mixed-datagrams', `fragment ${i} is IPv${v}, fragment 0 IPv${version}`, i));
    const p = v === 4 ? parseIpv4Fragment(b, i) : parseIpv6Fragment(b, i);
    if (p instanceof ReassemblyError) return failed(p);
    if (parsed.length && p.key !== parsed[0].key) {
      return failed(new ReassemblyError(layer, 'mixed-datagrams', `fragment ${i} (${p.key}) and fragment 0 (${parsed[0].key}) differ in source, destination${v === 4 ? ', protocol' : ''} or identification`, i));
    }
    if (p.more && p.data.length % 8) {
      return failed(new ReassemblyError(layer, 'bad-length', `fragment ${i} has ${p.data.length} data octets, not a multiple of 8, and more fragments follow`, i));
    }
    parsed.push(p);
  }

  // Exact duplicates (same place, same data) are harmless copies: drop them (RFC 5722 section 4).
  const unique: Parsed[] = [];
  for (const p of parsed) {
    if (!unique.some((q) => q.offset === p.offset && q.more === p.more && q.data.equals(p.data))) unique.push(p);
  }

  let total: number | undefined;
  let lastIndex = -1;
  for (const p of unique) {
    if (p.more) continue;
    const end = p.offset + p.data.length;
    if (total !== undefined && end !== total) {
      return failed(new ReassemblyError(layer, 'inconsistent-length', `fragments ${lastIndex} and ${p.index} both end the datagram, at ${total} and ${end} octets`, p.index));
    }
    total = end;
    lastIndex = p.index;
  }
  if (total === undefined) return failed(new ReassemblyError(layer, 'missing-last', 'every fragment has more-fragments set'));
  for (const p of unique) {
    if (p.offset + p.data.length > total) {
      return failed(new ReassemblyError(layer, 'beyond-end', `fragment ${p.index} reaches octet ${p.offset + p.data.length}, past the end ${total} that fragment ${lastIndex} gives`, p.index, total));
    }
  }
  const first = unique.find((p) => p.offset === 0);
  if (!first) return failed(new ReassemblyError(layer, 'missing-first', 'no fragment has offset 0', undefined, 0));
  const headLength = version === 4 ? first.head.length : first.head.length - 40;
  if (headLength + total > 0xffff) {
    return failed(new ReassemblyError(layer, 'too-long', `${headLength + total} octets after reassembly exceed 65535`, undefined, total));
  }

  const policy = version === 6 ? 'reject' : (options.ipv4Overlap ?? 'last');
  const data = Buffer.alloc(total);
  const covered = new Uint8Array(total);
  for (const p of unique) {
    for (let i = 0; i < p.data.length; i++) {
      const at = p.offset + i;
      if (covered[at]) {
        if (policy === 'reject') {
          return failed(new ReassemblyError(layer, 'overlap', `fragment ${p.index} overlaps earlier data at octet ${at}${version === 6 ? ' (RFC 5722: the datagram is discarded)' : ''}`, p.index, at));
        }
        if (policy === 'first') continue;
      }
      covered[at] = 1;
      data[at] = p.data[i];
    }
  }
  const hole = covered.indexOf(0);
  if (hole >= 0) return failed(new ReassemblyError(layer, hole === 0 ? 'missing-first' : 'gap', `no fragment covers octet ${hole}`, undefined, hole));

  let packet: Buffer;
  if (version === 4) {
    const head = Buffer.from(first.head);
    putBe16(head, 2, head.length + total);
    head[6] &= 0xc0; // keep DF and the reserved bit; clear MF and the offset
    head[7] = 0;
    putBe16(head, 10, 0);
    putBe16(head, 10, finishChecksum(sumWords(head, 0, head.length)));
    packet = Buffer.concat([head, data]);
  } else {
    const head = Buffer.from(first.head);
    head[first.nextHeaderAt] = first.nextHeader;
    putBe16(head, 4, head.length - 40 + total);
    packet = Buffer.concat([head, data]);
  }
  return { ok: true, packet, fragments: unique.length, duplicates: parsed.length - unique.length };
}
