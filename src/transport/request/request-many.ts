/**
 * Send many and collect the answers (like Scapy's sr()): every packet is sent, then answers
 * are matched to requests (match.ts's rules) until `timeoutMs` after the last send; packets
 * left unanswered are sent again `retry` more times.
 *
 * One receive serves every request of a round (one socket per family and protocol, not one per
 * request), so a thousand probes cost a thousand sends and one wait, not a thousand waits.
 */
import { decode } from '../../codec/decode.js';
import { viewOf, type DatagramView } from './datagram-view.js';
import { TransportArgumentError } from '../errors.js';
import { listenFor, matchAnswer, type SentProbe } from './match.js';
import { outgoing } from '../transports/outgoing.js';
import type { ListenSpec, ReceivedPacket, Sendable, SendResult, Transport } from '../transport.js';

/** Options of `requestMany()`: timeout, retries, abort signal, a callback per answer. */
export interface RequestManyOptions {
  /** How long to wait for answers after the last packet of a round was sent, in ms (default 2000). */
  readonly timeoutMs?: number;
  /** Send the still unanswered packets again this many times (default 0). */
  readonly retry?: number;
  /** Stop early (Ctrl-C): no more sends or waiting; the result holds what was matched so far. */
  readonly signal?: AbortSignal;
  /** Called as each answer is matched. */
  readonly onAnswer?: (pair: AnsweredRequest) => void;
}

/** A request and the packet that answers it. */
export interface AnsweredRequest {
  /** Index of the request in the packets given. */
  readonly index: number;
  /** The request as sent (the last send, after retries). */
  readonly sent: SendResult;
  readonly request: DatagramView;
  readonly reply: ReceivedPacket;
  readonly view: DatagramView;
  /** `reply`: of the request's own protocol; `icmp-error`: an ICMP/ICMPv6 error quoting it. */
  readonly answer: 'reply' | 'icmp-error';
  readonly rttMs: number;
  /** How many times the request was sent. */
  readonly attempts: number;
}

/** A request of `requestMany()` that drew no answer. */
export interface UnansweredRequest {
  readonly index: number;
  readonly request: DatagramView;
  /** The last send (undefined when every send failed: see `error`). */
  readonly sent: SendResult | undefined;
  /** Why the last send failed, if it did. */
  readonly error?: Error;
  readonly attempts: number;
}

/** What `requestMany()` gives: the answered requests and the unanswered ones. */
export interface RequestManyResult {
  /** In the order the requests were given. */
  readonly answered: readonly AnsweredRequest[];
  readonly unanswered: readonly UnansweredRequest[];
  /** Packets received that answered none of the requests. */
  readonly unmatched: number;
}

interface Pending {
  readonly index: number;
  readonly bytes: Uint8Array;
  readonly view: DatagramView;
  probe: SentProbe | undefined;
  sent: SendResult | undefined;
  error: Error | undefined;
  attempts: number;
}

const TIMED_OUT = Symbol('timed out');

/**
 * Send every packet and match the answers in one wait (Scapy's `sr`), with `request()`'s rules;
 * the unanswered are sent again `retry` times. Throws only when the first send or the receive
 * fails: a later failed send leaves that request unanswered, with its `error`.
 *
 * @throws {@link TransportArgumentError} a bad option.
 * @throws {@link PreflightError} raw transport: the OS would refuse the first packet.
 * @throws {@link TransportError} a system call failed, with a remedy.
 * @example
 * {@includeCode ../../../examples/scripting.ts#match}
 */
export async function requestMany(transport: Transport, packets: Iterable<Sendable>, options: RequestManyOptions = {}): Promise<RequestManyResult> {
  const timeoutMs = options.timeoutMs ?? 2000;
  if (!(typeof timeoutMs === 'number' && timeoutMs >= 0)) throw new TransportArgumentError('timeoutMs', timeoutMs, 'a number of milliseconds >= 0');
  const retry = options.retry ?? 0;
  if (!(Number.isInteger(retry) && retry >= 0)) throw new TransportArgumentError('retry', retry, 'an integer >= 0');
  const all: Pending[] = [...packets].map((p, index) => {
    const out = outgoing(p);
    const view = viewOf(decode(out.bytes, { from: out.firstLayer === 'raw' ? 'auto' : out.firstLayer, mode: 'lax' }).layers);
    return { index, bytes: out.bytes, view, probe: undefined, sent: undefined, error: undefined, attempts: 0 };
  });
  const answered = new Map<number, AnsweredRequest>();
  let unmatched = 0;
  for (let round = 0; round <= retry && !options.signal?.aborted; round++) {
    const pending = all.filter((p) => !answered.has(p.index));
    if (pending.length === 0) break;
    unmatched += await runRound(transport, pending, timeoutMs, options, (pair) => {
      answered.set(pair.index, pair);
      options.onAnswer?.(pair);
    });
  }
  return {
    answered: [...answered.values()].sort((a, b) => a.index - b.index),
    unanswered: all.filter((p) => !answered.has(p.index)).map((p) => ({ index: p.index, request: p.view, sent: p.sent, attempts: p.attempts, ...(p.error && { error: p.error }) })),
    unmatched,
  };
}

/** One round: send each pending packet, match answers until timeoutMs after the last send. Returns the count of unmatched packets. */
async function runRound(transport: Transport, pending: Pending[], timeoutMs: number, options: RequestManyOptions, onAnswer: (pair: AnsweredRequest) => void): Promise<number> {
  const stop = new AbortController();
  if (options.signal?.aborted) return 0;
  const abort = () => stop.abort(TIMED_OUT);
  options.signal?.addEventListener('abort', abort, { once: true });
  // Listen before sending: answers may come back before send() resolves.
  const iterator = transport.receive({ signal: stop.signal, protocols: listenSpecs(pending) })[Symbol.asyncIterator]();
  const waiting = new Set(pending);
  /** Received before their request's send() resolved, or not matched yet. */
  const backlog: { received: ReceivedPacket; view: DatagramView }[] = [];
  let unmatched = 0;
  const tryMatch = (received: ReceivedPacket, view: DatagramView): boolean => {
    for (const p of waiting) {
      if (!p.probe) continue;
      const verdict = matchAnswer(p.probe, view);
      if (!verdict.ok) continue;
      waiting.delete(p);
      onAnswer({ index: p.index, sent: p.sent!, request: p.view, reply: received, view, answer: verdict.answer, rttMs: Number(received.receivedAt - p.sent!.sentAt) / 1e6, attempts: p.attempts });
      if (waiting.size === 0) stop.abort(TIMED_OUT);
      return true;
    }
    return false;
  };
  // Receiving runs beside the sends; its failure (no privileges, an abort) is kept and thrown
  // after them, never left as an unhandled rejection.
  let receiveError: { error: unknown } | undefined;
  const consume = (async () => {
    try {
      for (let step = await iterator.next(); !step.done; step = await iterator.next()) {
        const received = step.value;
        const view = viewOf(received.packet.layers, { family: received.family, src: received.from, protocol: received.protocol });
        if (!tryMatch(received, view)) backlog.push({ received, view });
      }
    } catch (error) {
      if (stop.signal.reason !== TIMED_OUT) receiveError = { error };
      if (!stop.signal.aborted) stop.abort(TIMED_OUT);
    }
  })();
  let timer: NodeJS.Timeout | undefined;
  try {
    for (const p of pending) {
      if (stop.signal.aborted) break;
      p.attempts++;
      try {
        p.sent = await transport.send(p.bytes);
        p.error = undefined;
      } catch (error) {
        // A packet the OS refuses stays unanswered; a failure for every packet (privileges) ends the run.
        if (!(error instanceof Error) || p === pending[0]) throw error;
        p.error = error;
        waiting.delete(p);
        continue;
      }
      p.probe = { view: p.view, srcAsBuilt: !p.sent.notHonoured.some((n) => n.field === 'src'), idAsBuilt: !p.sent.notHonoured.some((n) => n.field === 'id') };
      for (let i = 0; i < backlog.length; i++) {
        if (tryMatch(backlog[i].received, backlog[i].view)) backlog.splice(i--, 1);
      }
    }
    if (waiting.size > 0 && !stop.signal.aborted) timer = setTimeout(() => stop.abort(TIMED_OUT), timeoutMs);
    else if (!stop.signal.aborted) stop.abort(TIMED_OUT);
    await consume;
    if (receiveError) throw receiveError.error;
  } catch (error) {
    if (!stop.signal.aborted) stop.abort(TIMED_OUT);
    await consume;
    throw error;
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', abort);
    await iterator.return?.().catch(() => {});
  }
  unmatched += backlog.length;
  return unmatched;
}

/** Every family/protocol an answer to any of the requests can come on. */
function listenSpecs(pending: readonly Pending[]): ListenSpec[] {
  const specs = new Map<string, ListenSpec>();
  for (const p of pending) for (const s of listenFor(p.view)) specs.set(`${s.family}/${s.protocol}`, s);
  return [...specs.values()];
}
