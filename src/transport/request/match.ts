/**
 * Send and match (like Scapy's sr1): `request(transport, packet)` sends one packet and resolves
 * with the first answer, or with a timeout result that says why each candidate was rejected.
 *
 * An answer is either a reply of the same protocol or an ICMP/ICMPv6 error quoting the request.
 * Which reply answers which request is each protocol's own rule, its codec's `answers`
 * (codec/answers.ts), declared in its file: ICMP and ICMPv6 queries and their replies
 * (icmpv4.ts, icmpv6.ts: echo, timestamp, node information, MLD, neighbor discovery...), UDP
 * (ports swapped), TCP (ports swapped, an ACK of seq + segment length + SYN + FIN, or a RST),
 * SCTP (ports swapped and the verification tag the peer must use); a layer with a rule carried
 * by another (SCTP over UDP, RFC 6951) is asked after the one carrying it. This file compares what
 * is IP: the family, that a reply comes from the request's destination (unless the rule says a
 * reply may come from anywhere: answers to multicast solicitations), and for an error (a layer
 * whose rule `quotesRequest`) that the quoted IP header names our destination and protocol (and
 * our source and IPv4 id when they went out as built); then the rule of the quoted transport
 * header compares its fields (checksums excepted, which kernels and middleboxes recompute), or,
 * for a protocol without a rule, its first 8 bytes.
 */
import { TransportArgumentError } from '../errors.js';
import { decode } from '../../codec/decode.js';
import { outgoing } from '../transports/outgoing.js';
import { answerRuleOf, describe, viewOf, type DatagramView, type UpperView } from './datagram-view.js';
import type { Answer } from '../../codec/answers.js';
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
 * Does `got` answer the request? If not, why not. The IP parts (family, addresses, what an error
 * quotes of the IP header) are compared here; the layer after the IP header is judged by its
 * codec's answer rule (codec/answers.ts), so a protocol that answers requests needs no edit here.
 * @example
 * {@includeCode ../../../examples/api-transport.ts#matching}
 */
export function matchAnswer(sent: SentProbe, got: DatagramView): Verdict {
  const s = sent.view;
  if (!s.upper) return no('the request has no transport header to match against');
  if (got.family !== undefined && s.family !== undefined && got.family !== s.family) return no(`an IPv${got.family} packet; the request was IPv${s.family}`);
  const u = got.upper;
  if (!u) return no('nothing after the IP header');
  const rule = u.layer === 'other' ? undefined : answerRuleOf(u.layer);
  if (!rule) return no(`protocol ${u.layer === 'other' ? (u.protocol ?? '?') : u.layer}: nothing to match it with`);
  if (rule.quotesRequest?.(u as never)) return matchQuote(sent, u);
  if (s.upper.layer !== u.layer) return no(`${rule.what}; the request was ${s.upper.layer}`);
  const answer = rule.answers(s.upper as never, u as never);
  if (!answer.ok) return no(answer.reason);
  const inside = carried(s.upper, u);
  if (!inside.ok) return no(inside.reason);
  return (answer.fromAnywhere || inside.fromAnywhere ? undefined : fromDestination(s, got)) ?? ok('reply');
}

const payloadOf = (v: UpperView): UpperView | undefined => ('payload' in v ? v.payload : undefined);

/**
 * Further in (Scapy's answers() asks the payload too): each layer the request carries that has
 * an answer rule (SCTP over UDP) must be answered by the same layer in the reply.
 */
function carried(request: UpperView, reply: UpperView): Answer {
  let fromAnywhere = false;
  for (let r = payloadOf(request), g = payloadOf(reply); r; r = payloadOf(r), g = g && payloadOf(g)) {
    const rule = r.layer === 'other' ? undefined : answerRuleOf(r.layer);
    if (!rule) break;
    if (!g || g.layer !== r.layer) return { ok: false, reason: g ? `carries ${g.layer}; the request carried ${r.layer}` : `carries no ${r.layer}; the request did` };
    const answer = rule.answers(r as never, g as never);
    if (!answer.ok) return answer;
    fromAnywhere ||= answer.fromAnywhere === true;
  }
  return { ok: true, fromAnywhere };
}

/** An error message (ICMP): does it quote our request? */
function matchQuote(sent: SentProbe, u: UpperView): Verdict {
  const s = sent.view;
  const q = 'quote' in u ? u.quote : undefined;
  if (!q || q.family === undefined) return no('quotes no datagram that can be read');
  if (q.family !== s.family) return no(`quotes an IPv${q.family} datagram; the request was IPv${s.family}`);
  if (q.dst !== s.dst) return no(`quotes destination ${q.dst} (expected ${s.dst})`);
  if (sent.srcAsBuilt && q.src !== s.src) return no(`quotes source ${q.src} (expected ${s.src})`);
  if (q.protocol !== s.protocol) return no(`quotes protocol ${q.protocol} (expected ${s.protocol})`);
  if (s.family === 4 && sent.idAsBuilt && q.ipId !== s.ipId) return no(`quotes IPv4 id ${q.ipId} (expected ${s.ipId})`);
  const mine = s.upper;
  const theirs = q.upper;
  if (!mine || !theirs) return theirs ? ok('icmp-error') : no('quotes no transport header');
  if (mine.layer !== theirs.layer) return no(`quotes a ${theirs.layer} header (expected ${mine.layer})`);
  const why = mine.layer === 'other' || theirs.layer === 'other' ? sameHead(mine, theirs) : answerRuleOf(mine.layer)?.quoteDiffers(mine as never, theirs as never);
  return why === undefined ? ok('icmp-error') : no(why.startsWith('quote') ? why : `quoted ${why}`);
}

/** A header no rule reads: its first 8 quoted bytes (what RFC 792 routers quote) must be the request's. */
function sameHead(mine: UpperView, theirs: UpperView): string | undefined {
  if (mine.layer !== 'other' || theirs.layer !== 'other') return undefined;
  const n = Math.min(8, mine.head.length, theirs.head.length);
  for (let i = 0; i < n; i++) if (mine.head[i] !== theirs.head[i]) return `quoted byte ${i} of the transport header differs`;
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
