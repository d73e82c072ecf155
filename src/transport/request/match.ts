/**
 * Send and match (like Scapy's sr1): `request(transport, packet)` sends one packet and resolves
 * with the first answer, or with a timeout result that says why each candidate was rejected.
 *
 * An answer is either a reply of the same protocol or an ICMP/ICMPv6 error quoting the request:
 * - ICMP / ICMPv6 queries (icmp-answers.ts, a table per protocol): echo, timestamp, information
 *   and address mask replies with the same identifier and sequence number, from the destination;
 *   node information replies with the query's nonce; MLD reports on the queried group; router
 *   advertisements; neighbor advertisements for the solicited target.
 * - UDP: ports swapped, from the destination. TCP: ports swapped and an ACK of seq + segment
 *   length (+1 for SYN, +1 for FIN), or a RST. SCTP (by layer name): ports swapped and the
 *   verification tag the peer must use (our INIT's Initiate Tag, or our own tag reflected by
 *   an ABORT with the T bit).
 * - An ICMP error, for any protocol: the quoted IP header names our destination, protocol (and
 *   our source and IPv4 id when they went out as built), and the first 8 bytes of the quoted
 *   transport header are ours (ports, sequence numbers, echo id/seq; checksums excepted, which
 *   kernels and middleboxes recompute).
 */
import { match, P } from 'ts-pattern';
import { TransportArgumentError } from '../errors.js';
import { decode } from '../../codec/decode.js';
import { outgoing } from '../transports/outgoing.js';
import { describe, isIcmpError, viewOf, type DatagramView, type UpperView } from './datagram-view.js';
import { queryRule } from './icmp-answers.js';
import type { ListenSpec, ReceivedPacket, Sendable, SendResult, Transport } from '../transport.js';

/** How `request()` waits: timeout, abort signal, destination, how many non-answers to skip. */
export interface RequestOptions {
  /** How long to wait for the answer, in milliseconds (default 2000). */
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
  /** Send to this address instead of the packet's destination (e.g. with a zone: `fe80::1%eth0`). */
  readonly destination?: string;
  /** Keep at most this many rejected candidates (default 64). */
  readonly maxRejected?: number;
}

/** A received packet that was not the answer, and why. */
export interface Rejection {
  readonly packet: ReceivedPacket;
  /** What it was, e.g. `icmp echo-reply id 7 seq 2 from 127.0.0.1`. */
  readonly candidate: string;
  /** Why it does not answer the request, e.g. `seq differs (expected 1)`. */
  readonly reason: string;
}

/** A request that was answered: the reply (or ICMP error quoting it) and the time it took. */
export interface Answered {
  readonly status: 'answered';
  /** `reply`: an answer of the request's own protocol; `icmp-error`: an ICMP/ICMPv6 error quoting the request. */
  readonly answer: 'reply' | 'icmp-error';
  readonly sent: SendResult;
  readonly reply: ReceivedPacket;
  /** The answer, normalized (family, addresses, upper-layer fields). */
  readonly view: DatagramView;
  /** Round-trip time in milliseconds (receive time minus send time). */
  readonly rttMs: number;
  /** Candidates rejected before the answer came. */
  readonly rejected: readonly Rejection[];
}

/** A request that drew no answer before its timeout. */
export interface TimedOut {
  readonly status: 'timeout';
  readonly sent: SendResult;
  readonly timeoutMs: number;
  readonly rejected: readonly Rejection[];
  /** Rejected candidates left out beyond `maxRejected`. */
  readonly rejectedOmitted: number;
  /** One line per rejected candidate, e.g. `icmp echo-reply id 7 seq 2 from 127.0.0.1: seq differs (expected 1)`. */
  readonly explanation: string;
}

/** What `request()` gives: answered or timed out. */
export type RequestResult = Answered | TimedOut;

/** What a request is matched against: its view, and which of its fields went out as built. */
export interface SentProbe {
  readonly view: DatagramView;
  /** The source address went out as built (not rewritten by the kernel). */
  readonly srcAsBuilt: boolean;
  /** The IPv4 id went out as built. */
  readonly idAsBuilt: boolean;
}

/** Whether a received datagram answers a request (and how), or why not. */
export type Verdict = { readonly ok: true; readonly answer: 'reply' | 'icmp-error' } | { readonly ok: false; readonly reason: string };

const ok = (answer: 'reply' | 'icmp-error'): Verdict => ({ ok: true, answer });
const no = (reason: string): Verdict => ({ ok: false, reason });

/**
 * Send one packet and wait for its answer (Scapy's `sr1`): a reply of the same protocol (an echo
 * reply with the same id and sequence, a TCP segment between the same ports...) or an ICMP or
 * ICMPv6 error quoting the request. Listens before sending, so a fast answer is never missed.
 * Resolves `answered` with the round-trip time, or `timeout` with an explanation of why each
 * packet that arrived was not taken for the answer.
 *
 * @throws {@link TransportArgumentError} a bad option (`timeoutMs` below 0).
 * @throws {@link PreflightError} raw transport: the OS would refuse the packet (unless forced).
 * @throws {@link TransportError} a system call failed (privileges, an interface gone...), with a remedy.
 * @throws {@link TransportUnsupportedError} a transport that cannot receive (capture files).
 * @example
 * {@includeCode ../../../examples/api-tour.ts#request}
 */
export async function request(transport: Transport, packet: Sendable, options: RequestOptions = {}): Promise<RequestResult> {
  const timeoutMs = options.timeoutMs ?? 2000;
  if (!(typeof timeoutMs === 'number' && timeoutMs >= 0)) throw new TransportArgumentError('timeoutMs', timeoutMs, 'a number of milliseconds >= 0');
  const maxRejected = options.maxRejected ?? 64;
  // Aborted already: send nothing.
  options.signal?.throwIfAborted();
  const out = outgoing(packet);
  const sentView = viewOf(decode(out.bytes, { from: out.firstLayer === 'raw' ? 'auto' : out.firstLayer, mode: 'lax' }).layers);
  // Listen before sending: the answer may come back before send() resolves.
  const answers = transport.receive({ timeoutMs, ...(options.signal && { signal: options.signal }), protocols: listenFor(sentView) });
  const iterator = answers[Symbol.asyncIterator]();
  let sent: SendResult;
  try {
    sent = await transport.send(out.bytes, options.destination !== undefined ? { destination: options.destination } : {});
  } catch (error) {
    await iterator.return?.();
    throw error;
  }
  const probe: SentProbe = {
    view: options.destination !== undefined ? { ...sentView, dst: options.destination.replace(/%.*$/, '') } : sentView,
    srcAsBuilt: !sent.notHonoured.some((n) => n.field === 'src'),
    idAsBuilt: !sent.notHonoured.some((n) => n.field === 'id'),
  };
  const rejected: Rejection[] = [];
  let omitted = 0;
  try {
    for (let step = await iterator.next(); !step.done; step = await iterator.next()) {
      const received = step.value;
      const view = viewOf(received.packet.layers, { family: received.family, src: received.from, protocol: received.protocol });
      const verdict = matchAnswer(probe, view);
      if (verdict.ok) {
        return {
          status: 'answered',
          answer: verdict.answer,
          sent,
          reply: received,
          view,
          rttMs: Number(received.receivedAt - sent.sentAt) / 1e6,
          rejected,
        };
      }
      if (rejected.length < maxRejected) rejected.push({ packet: received, candidate: describe(view), reason: verdict.reason });
      else omitted++;
    }
  } finally {
    await iterator.return?.();
  }
  const lines = rejected.map((r) => `${r.candidate}: ${r.reason}`);
  if (omitted) lines.push(`... and ${omitted} more`);
  return {
    status: 'timeout',
    sent,
    timeoutMs,
    rejected,
    rejectedOmitted: omitted,
    explanation: lines.length ? lines.join('\n') : `nothing was received in ${timeoutMs} ms`,
  };
}

/** The family/protocol pairs an answer can come on: the request's protocol and ICMP(v6). */
export function listenFor(view: DatagramView): ListenSpec[] {
  const family = view.family ?? 4;
  const icmp = family === 4 ? 1 : 58;
  const specs: ListenSpec[] = [{ family, protocol: icmp }];
  if (view.protocol !== undefined && view.protocol !== icmp && view.protocol !== 255) specs.push({ family, protocol: view.protocol });
  return specs;
}

/**
 * Does `got` answer the request? If not, why not.
 * @example
 * {@includeCode ../../../examples/api-transport.ts#matching}
 */
export function matchAnswer(sent: SentProbe, got: DatagramView): Verdict {
  const s = sent.view;
  if (!s.upper) return no('the request has no transport header to match against');
  if (got.family !== undefined && s.family !== undefined && got.family !== s.family) return no(`an IPv${got.family} packet; the request was IPv${s.family}`);
  return match(got.upper)
    .with(P.nullish, () => no('nothing after the IP header'))
    .with({ layer: P.union('icmp', 'icmpv6') }, (u) => (isIcmpError(u.layer, u.type) ? matchQuote(sent, u) : matchIcmp(s, got, u)))
    .with({ layer: 'udp' }, (u) =>
      match(s.upper)
        .with({ layer: 'udp' }, (r) => ports(r, u) ?? fromDestination(s, got) ?? ok('reply'))
        .otherwise((r) => no(`a UDP datagram; the request was ${r?.layer}`)),
    )
    .with({ layer: 'tcp' }, (u) =>
      match(s.upper)
        .with({ layer: 'tcp' }, (r) => ports(r, u) ?? fromDestination(s, got) ?? tcpAcknowledges(r, u))
        .otherwise((r) => no(`a TCP segment; the request was ${r?.layer}`)),
    )
    .with({ layer: 'sctp' }, (u) =>
      match(s.upper)
        .with({ layer: 'sctp' }, (r) => ports(r, u) ?? fromDestination(s, got) ?? sctpTag(r, u))
        .otherwise((r) => no(`an SCTP packet; the request was ${r?.layer}`)),
    )
    .otherwise((u) => no(`protocol ${u.layer === 'other' ? (u.protocol ?? '?') : u.layer}: nothing to match it with`));
}

type Icmp = Extract<UpperView, { layer: 'icmp' | 'icmpv6' }>;
type Ported = { readonly srcPort: number; readonly dstPort: number };

/** A non-error ICMP message: the reply to our query (icmp-answers.ts has the rules per protocol)? */
function matchIcmp(s: DatagramView, got: DatagramView, u: Icmp): Verdict {
  const r = s.upper;
  if (r?.layer !== u.layer) return no(`an ${u.layer} message; the request was ${r?.layer}`);
  const rule = queryRule(r.layer, r.type);
  if (!rule) return no(`${u.typeName}: the request (${r.typeName}) is not a query that has a reply`);
  if (u.type === r.type) {
    const same = u.id === r.id && u.seq === r.seq && u.target === r.target;
    return no(same ? `${withArticle(rule.name)}, not a reply (the request itself, looped back)` : `${withArticle(rule.name)}, not a reply`);
  }
  if (!rule.replies.includes(u.type)) return no(`${u.typeName} does not answer ${withArticle(rule.name)}`);
  const why = rule.differs(r, u);
  if (why !== undefined) return no(why);
  return (rule.anySource ? undefined : fromDestination(s, got)) ?? ok('reply');
}

const withArticle = (name: string): string => `${/^[aeiou]/i.test(name) ? 'an' : 'a'} ${name}`;

/** An ICMP error: does it quote our request? */
function matchQuote(sent: SentProbe, u: Icmp): Verdict {
  const s = sent.view;
  const q = u.quote;
  if (!q || q.family === undefined) return no('quotes no datagram that can be read');
  if (q.family !== s.family) return no(`quotes an IPv${q.family} datagram; the request was IPv${s.family}`);
  if (q.dst !== s.dst) return no(`quotes destination ${q.dst} (expected ${s.dst})`);
  if (sent.srcAsBuilt && q.src !== s.src) return no(`quotes source ${q.src} (expected ${s.src})`);
  if (q.protocol !== s.protocol) return no(`quotes protocol ${q.protocol} (expected ${s.protocol})`);
  if (s.family === 4 && sent.idAsBuilt && q.ipId !== s.ipId) return no(`quotes IPv4 id ${q.ipId} (expected ${s.ipId})`);
  const mine = s.upper;
  const theirs = q.upper;
  if (!mine || !theirs) return theirs ? ok('icmp-error') : no('quotes no transport header');
  const why = match({ mine, theirs })
    .with({ mine: { layer: P.union('icmp', 'icmpv6') }, theirs: { layer: P.union('icmp', 'icmpv6') } }, ({ mine: m, theirs: t }) =>
      differs([
        ['type', t.type, m.type],
        ['code', t.code, m.code],
        ['id', t.id, m.id],
        ['seq', t.seq, m.seq],
      ]),
    )
    .with({ mine: { layer: 'udp' }, theirs: { layer: 'udp' } }, ({ mine: m, theirs: t }) =>
      differs([
        ['source port', t.srcPort, m.srcPort],
        ['destination port', t.dstPort, m.dstPort],
        ['length', t.length, m.length],
      ]),
    )
    .with({ mine: { layer: 'tcp' }, theirs: { layer: 'tcp' } }, ({ mine: m, theirs: t }) =>
      differs([
        ['source port', t.srcPort, m.srcPort],
        ['destination port', t.dstPort, m.dstPort],
        ['seq', t.seq, m.seq],
      ]),
    )
    .with({ mine: { layer: 'sctp' }, theirs: { layer: 'sctp' } }, ({ mine: m, theirs: t }) =>
      differs([
        ['source port', t.srcPort, m.srcPort],
        ['destination port', t.dstPort, m.dstPort],
        ['verification tag', t.verificationTag, m.verificationTag],
      ]),
    )
    .with({ mine: { layer: 'other' }, theirs: { layer: 'other' } }, ({ mine: m, theirs: t }) => {
      const n = Math.min(8, m.head.length, t.head.length);
      for (let i = 0; i < n; i++) if (m.head[i] !== t.head[i]) return `quoted byte ${i} of the transport header differs`;
      return undefined;
    })
    .otherwise(({ mine: m, theirs: t }) => `quotes a ${t.layer} header (expected ${m.layer})`);
  return why === undefined ? ok('icmp-error') : no(why.startsWith('quote') ? why : `quoted ${why}`);
}

function differs(checks: readonly (readonly [string, number | undefined, number | undefined])[]): string | undefined {
  for (const [name, got, expected] of checks) {
    if (expected !== undefined && got !== expected) return `${name} ${got} differs (expected ${expected})`;
  }
  return undefined;
}

/** Ports swapped? undefined when they are. */
function ports(request: Ported, reply: Ported): Verdict | undefined {
  if (reply.srcPort !== request.dstPort) return no(`source port differs (expected ${request.dstPort})`);
  if (reply.dstPort !== request.srcPort) return no(`destination port differs (expected ${request.srcPort})`);
  return undefined;
}

/** From the address we sent to? (Not checked for broadcast and multicast requests, or when the source is unknown.) */
function fromDestination(s: DatagramView, got: DatagramView): Verdict | undefined {
  if (!s.dst || !got.src || got.src === s.dst || isGroupAddress(s.dst)) return undefined;
  return no(`from ${got.src}; the request went to ${s.dst}`);
}

function isGroupAddress(a: string): boolean {
  if (a.includes(':')) return a.toLowerCase().startsWith('ff');
  const first = Number(a.split('.')[0]);
  return first >= 224 || a.endsWith('.255');
}

/** A TCP answer acknowledges our segment (seq + data length, +1 for SYN and for FIN), or resets it. */
function tcpAcknowledges(r: Extract<UpperView, { layer: 'tcp' }>, u: Extract<UpperView, { layer: 'tcp' }>): Verdict {
  const expectedAck = (r.seq + (r.segmentLength ?? 0) + (r.flags.includes('syn') ? 1 : 0) + (r.flags.includes('fin') ? 1 : 0)) >>> 0;
  if (u.flags.includes('ack')) {
    if (u.ack === expectedAck) return ok('reply');
    return no(`ack ${u.ack} differs (expected ${expectedAck})`);
  }
  if (u.flags.includes('rst')) {
    // RFC 9293 3.10.7.1: a RST without ACK answers a segment that had one, with seq = its ack.
    if (!r.flags.includes('ack') || u.seq === r.ack) return ok('reply');
    return no(`RST seq ${u.seq} differs (expected ${r.ack})`);
  }
  return no('neither acknowledges nor resets the request');
}

/**
 * SCTP: the tag the peer must use towards us, i.e. our INIT's Initiate Tag, or our own tag
 * reflected (T bit). Without an INIT in the request that tag is not in it: ports decide.
 */
function sctpTag(r: Extract<UpperView, { layer: 'sctp' }>, u: Extract<UpperView, { layer: 'sctp' }>): Verdict {
  const expected = u.tagReflected ? r.verificationTag : r.initiateTag;
  if (expected === undefined || u.verificationTag === expected) return ok('reply');
  return no(`verification tag 0x${u.verificationTag.toString(16)} differs (expected 0x${expected.toString(16)}${u.tagReflected ? ', reflected' : ''})`);
}
