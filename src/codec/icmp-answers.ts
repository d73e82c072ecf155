/**
 * What ICMP and ICMPv6 share of reply matching: a table of queries (which reply types answer
 * each, compared on what), errors that quote the datagram that caused them, and the view both
 * codecs give of a message. Each protocol file (icmpv4.ts, icmpv6.ts) declares its own table
 * and builds its `answers` rule here.
 */
import type { AnswerLayer, AnswerRule } from './answers.js';
import { firstDifference } from './answers.js';
import { be16 } from './bytes.js';

/** What reply matching reads of an ICMP or ICMPv6 message. */
export interface IcmpAnswerView {
  /** The type as a number (the codec may have said 'echo-reply'). */
  readonly type: number;
  /** The type's name, for messages: `echo-reply`. */
  readonly typeName: string;
  readonly code: number;
  /** Identifier and sequence number of echo and other queries. */
  readonly id: number | undefined;
  readonly seq: number | undefined;
  /** ICMPv6 neighbor solicitation/advertisement: the target address. */
  readonly target?: string | undefined;
  /** ICMPv6 MLD query: the multicast address asked about (`::`: all). */
  readonly group?: string | undefined;
  /** ICMPv6 MLD report: the multicast addresses reported. */
  readonly groups?: readonly string[] | undefined;
  /** ICMPv6 node information query/reply (RFC 4620): the Qtype and the 8-byte Nonce. */
  readonly qtype?: number | undefined;
  readonly nonce?: Uint8Array | undefined;
}

/** How a query is answered. */
export interface QueryRule {
  /** The query's name, for messages: `echo request`, `MLD query`... */
  readonly name: string;
  /** The reply types that may answer it. */
  readonly replies: readonly number[];
  /** Why `reply` does not answer `query` (undefined: it does). */
  readonly differs: (query: IcmpAnswerView, reply: IcmpAnswerView) => string | undefined;
  /**
   * The answer may come from another address than the query's destination (a router
   * answering a solicitation sent to all routers; a neighbor answering for its address).
   */
  readonly anySource?: boolean;
}

/** Identifier and sequence number echoed back (echo, timestamp, information, address mask). */
export const sameIdSeq = (q: IcmpAnswerView, r: IcmpAnswerView): string | undefined =>
  r.id !== q.id ? `id differs (expected ${q.id})` : r.seq !== q.seq ? `seq differs (expected ${q.seq})` : undefined;

/** One ICMP flavour's tables, from its protocol file. */
export interface IcmpFlavour {
  /** The layer name: `icmp` or `icmpv6`. */
  readonly layer: string;
  /** Type name → number. */
  readonly types: Readonly<Record<string, number>>;
  /** Per error type, code name → number. */
  readonly codes: Readonly<Record<number, Readonly<Record<string, number>>>>;
  /** Types whose body quotes the datagram that caused them. */
  readonly errors: ReadonlySet<number>;
  /** Types that carry an identifier and sequence number right after the checksum. */
  readonly idSeqTypes: readonly number[];
  /** Query type → how it is answered. */
  readonly queries: ReadonlyMap<number, QueryRule>;
  /** What else a message of this type is matched on, from its fields and the raw body after it. */
  readonly details?: (type: number, fields: Readonly<Record<string, unknown>>, body: Uint8Array | undefined) => Partial<IcmpAnswerView>;
}

const withArticle = (name: string): string => `${/^[aeiou]/i.test(name) ? 'an' : 'a'} ${name}`;

/** The answer rule of an ICMP flavour: queries answered by their replies, errors quoting the request. */
export function icmpAnswerRule(flavour: IcmpFlavour): AnswerRule<IcmpAnswerView, Readonly<Record<string, unknown>>> {
  const { layer, types, codes, errors, idSeqTypes, queries, details } = flavour;
  const typeNumber = (type: unknown): number => (typeof type === 'number' ? type : (types[String(type)] ?? -1));
  const typeName = (type: number): string => Object.keys(types).find((k) => types[k] === type) ?? String(type);
  const codeNumber = (type: number, code: unknown): number => (typeof code === 'number' ? code : (codes[type]?.[String(code)] ?? -1));
  return {
    what: `an ${layer} message`,
    view(f, after: readonly AnswerLayer[]) {
      const type = typeNumber(f.type);
      const body = after[0]?.layer === 'raw' ? (after[0].fields.data as Uint8Array) : undefined;
      return {
        type,
        typeName: typeof f.type === 'string' ? f.type : String(type),
        code: codeNumber(type, f.code),
        id: f.id as number | undefined,
        seq: f.seq as number | undefined,
        ...details?.(type, f, body),
      };
    },
    viewOfHead(b) {
      if (b.length < 8) return undefined;
      const idSeq = idSeqTypes.includes(b[0]);
      return { type: b[0], typeName: typeName(b[0]), code: b[1], id: idSeq ? be16(b, 4) : undefined, seq: idSeq ? be16(b, 6) : undefined };
    },
    quotesRequest: (v) => errors.has(v.type),
    answers(r, u) {
      const rule = queries.get(r.type);
      if (!rule) return { ok: false, reason: `${u.typeName}: the request (${r.typeName}) is not a query that has a reply` };
      if (u.type === r.type) {
        const same = u.id === r.id && u.seq === r.seq && u.target === r.target;
        return { ok: false, reason: same ? `${withArticle(rule.name)}, not a reply (the request itself, looped back)` : `${withArticle(rule.name)}, not a reply` };
      }
      if (!rule.replies.includes(u.type)) return { ok: false, reason: `${u.typeName} does not answer ${withArticle(rule.name)}` };
      const why = rule.differs(r, u);
      return why === undefined ? { ok: true, fromAnywhere: rule.anySource === true } : { ok: false, reason: why };
    },
    quoteDiffers: (r, q) =>
      firstDifference([
        ['type', q.type, r.type],
        ['code', q.code, r.code],
        ['id', q.id, r.id],
        ['seq', q.seq, r.seq],
      ]),
    describe(v) {
      const idSeq = v.id !== undefined ? ` id ${v.id} seq ${v.seq}` : '';
      const code = errors.has(v.type) ? ` code ${v.code}` : '';
      return `${layer} ${v.typeName}${code}${idSeq}`;
    },
  };
}
