/**
 * Which ICMP and ICMPv6 messages answer which queries: one table per protocol, one row per
 * query type (RFC 792, RFC 950, RFC 4443, RFC 4620, RFC 2710/3810, RFC 4861). Errors that
 * quote a request are matched in match.ts, for every protocol alike.
 */
import { match, P } from 'ts-pattern';
import type { UpperView } from './datagram-view.js';

export type IcmpView = Extract<UpperView, { layer: 'icmp' | 'icmpv6' }>;

/** How a query is answered. */
export interface QueryRule {
  /** The query's name, for messages: `echo request`, `MLD query`... */
  readonly name: string;
  /** The reply types that may answer it. */
  readonly replies: readonly number[];
  /** Why `reply` does not answer `query` (undefined: it does). */
  readonly differs: (query: IcmpView, reply: IcmpView) => string | undefined;
  /**
   * The answer may come from another address than the query's destination (a router
   * answering a solicitation sent to all routers; a neighbor answering for its address).
   */
  readonly anySource?: boolean;
}

/** Identifier and sequence number echoed back (echo, timestamp, information, address mask). */
const sameIdSeq = (q: IcmpView, r: IcmpView): string | undefined =>
  r.id !== q.id ? `id differs (expected ${q.id})` : r.seq !== q.seq ? `seq differs (expected ${q.seq})` : undefined;

/** ICMP for IPv4: query type → rule. */
export const ICMP_QUERIES: ReadonlyMap<number, QueryRule> = new Map([
  [8, { name: 'echo request', replies: [0], differs: sameIdSeq }],
  [13, { name: 'timestamp request', replies: [14], differs: sameIdSeq }],
  [15, { name: 'information request', replies: [16], differs: sameIdSeq }],
  [17, { name: 'address mask request', replies: [18], differs: sameIdSeq }],
]);

/** ICMPv6: query type → rule. */
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

/** The rule for a query of this protocol and type, if it is a query. */
export function queryRule(layer: IcmpView['layer'], type: number): QueryRule | undefined {
  return (layer === 'icmp' ? ICMP_QUERIES : ICMPV6_QUERIES).get(type);
}

function reportsGroup(group: string | undefined, report: IcmpView): string | undefined {
  if (group === undefined || group === '::') return undefined;
  return match(report.groups)
    .with(P.array(P.string), (groups) => (groups.includes(group) ? undefined : `reports ${groups.join(', ') || 'no group'} (expected ${group})`))
    .otherwise(() => `reports no group (expected ${group})`);
}

function bytesDiffer(name: string, got: Uint8Array | undefined, expected: Uint8Array | undefined): string | undefined {
  if (expected === undefined) return undefined;
  const hex = (b: Uint8Array | undefined) => (b ? Buffer.from(b).toString('hex') : 'none');
  return got !== undefined && Buffer.from(got).equals(Buffer.from(expected)) ? undefined : `${name} ${hex(got)} differs (expected ${hex(expected)})`;
}
