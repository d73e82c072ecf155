/**
 * `ping(host)`: ICMP or ICMPv6 echo requests, one per interval, each matched with request().
 * There is no default host.
 */
import { randomInt } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { ipv4, packet, type StepBase } from '../builders/packet.js';
import { TransportArgumentError } from './errors.js';
import { request, type RequestResult } from './match.js';
import { resolveHost, sourceAddressFor } from './route.js';
import { openTransport, type Transport } from './transport.js';

export interface PingOptions {
  /** Echo requests to send (default 4). */
  readonly count?: number;
  /** Milliseconds between requests (default 1000). */
  readonly intervalMs?: number;
  /** Milliseconds to wait for each reply (default 1000). */
  readonly timeoutMs?: number;
  /** Payload bytes after the 8-byte ICMP header (default 56). */
  readonly size?: number;
  /** IPv4 TTL or IPv6 hop limit (default 64). */
  readonly ttl?: number;
  /** Force IPv4 or IPv6 when `host` is a name. */
  readonly family?: 4 | 6;
  /** Echo identifier (default random). */
  readonly id?: number;
  /** Default: a raw transport opened and closed by ping(). */
  readonly transport?: Transport;
  readonly signal?: AbortSignal;
  /** Called once the address is known, before the first request. */
  readonly onStart?: (start: { readonly host: string; readonly address: string; readonly family: 4 | 6; readonly size: number }) => void;
  /** Called for each request as soon as it is answered or timed out. */
  readonly onReply?: (reply: PingReply) => void;
}

export interface PingReply {
  readonly seq: number;
  /** `reply`: an echo reply; `error`: an ICMP error about the request; `timeout`: nothing. */
  readonly status: 'reply' | 'error' | 'timeout';
  readonly from: string | undefined;
  /** ICMP message length of the reply (header and payload). */
  readonly bytes: number | undefined;
  /** TTL / hop limit of the reply, when the IP header was delivered (IPv4). */
  readonly ttl: number | undefined;
  readonly rttMs: number | undefined;
  /** For `error`: e.g. `time-exceeded`, `destination-unreachable code 1`. */
  readonly error: string | undefined;
  readonly result: RequestResult;
}

export interface PingResult {
  readonly host: string;
  readonly address: string;
  readonly family: 4 | 6;
  /** ICMP payload size per request. */
  readonly size: number;
  readonly transmitted: number;
  readonly received: number;
  readonly errors: number;
  readonly lossPercent: number;
  /** Milliseconds from the first request to the last answer or timeout. */
  readonly timeMs: number;
  /** Over the replies; undefined when none came. */
  readonly rtt: { readonly minMs: number; readonly avgMs: number; readonly maxMs: number; readonly mdevMs: number } | undefined;
  readonly replies: readonly PingReply[];
}

/** Ping `host` (an address, or a name). IPv4 or IPv6 from the address; raw sockets need privileges. */
export async function ping(host: string, options: PingOptions = {}): Promise<PingResult> {
  const count = options.count ?? 4;
  const intervalMs = options.intervalMs ?? 1000;
  const timeoutMs = options.timeoutMs ?? 1000;
  const size = options.size ?? 56;
  const ttl = options.ttl ?? 64;
  checkInt('count', count, 1, 2 ** 31);
  checkInt('size', size, 0, 65_000);
  checkInt('ttl', ttl, 1, 255);
  if (!(intervalMs >= 0)) throw new TransportArgumentError('intervalMs', intervalMs, 'a number of milliseconds >= 0');
  const id = options.id ?? randomInt(1, 0x10000);
  checkInt('id', id, 0, 0xffff);
  const { address, family } = await resolveHost(host, options.family);
  const transport = options.transport ?? openTransport('raw');
  const src = (await sourceAddressFor(address, family)) ?? (family === 4 ? '0.0.0.0' : '::');
  // A link-local zone (fe80::1%eth0) is for the socket, not the header.
  const dst = address.replace(/%.*$/, '');
  const payload = Buffer.alloc(size);
  for (let i = 0; i < size; i++) payload[i] = (i + 8) & 0xff;
  const replies: PingReply[] = [];
  options.onStart?.({ host, address, family, size });
  const started = performance.now();
  try {
    for (let seq = 1; seq <= count; seq++) {
      const begin = performance.now();
      const probe: StepBase =
        family === 4
          ? ipv4({ src, dst, ttl, id: randomInt(1, 0x10000) }).icmp({ type: 'echo-request', id, seq }).payload(payload)
          : packet().ipv6({ src, dst, hopLimit: ttl }).icmpv6({ type: 'echo-request', id, seq }).payload(payload);
      const result = await request(transport, probe, { timeoutMs, ...(options.signal && { signal: options.signal }), ...(address.includes('%') && { destination: address }) });
      const reply = toReply(seq, result);
      replies.push(reply);
      options.onReply?.(reply);
      if (seq < count) {
        const wait = intervalMs - (performance.now() - begin);
        if (wait > 0) await sleep(wait, undefined, options.signal ? { signal: options.signal } : undefined);
      }
    }
  } finally {
    if (!options.transport) await transport.close();
  }
  const rtts = replies.filter((r) => r.status === 'reply').map((r) => r.rttMs!);
  const received = rtts.length;
  return {
    host,
    address,
    family,
    size,
    transmitted: replies.length,
    received,
    errors: replies.filter((r) => r.status === 'error').length,
    lossPercent: replies.length ? Math.round((100 * (replies.length - received)) / replies.length) : 0,
    timeMs: performance.now() - started,
    rtt: received ? stats(rtts) : undefined,
    replies,
  };
}

function toReply(seq: number, result: RequestResult): PingReply {
  if (result.status === 'timeout') {
    return { seq, status: 'timeout', from: undefined, bytes: undefined, ttl: undefined, rttMs: undefined, error: undefined, result };
  }
  const v = result.view;
  const ipHeader = result.reply.includesIpHeader ? (v.family === 4 ? ((result.reply.bytes[0] & 0x0f) * 4) : 40) : 0;
  const u = v.upper;
  const error = result.answer === 'icmp-error' && u && (u.layer === 'icmp' || u.layer === 'icmpv6') ? `${u.typeName}${u.code ? ` code ${u.code}` : ''}` : undefined;
  return {
    seq,
    status: result.answer === 'reply' ? 'reply' : 'error',
    from: v.src ?? result.reply.from,
    bytes: result.reply.bytes.length - ipHeader,
    ttl: v.ttl,
    rttMs: result.rttMs,
    error,
    result,
  };
}

function stats(values: readonly number[]): { minMs: number; avgMs: number; maxMs: number; mdevMs: number } {
  const avg = values.reduce((a, b) => a + b, 0) / values.length;
  const mdev = Math.sqrt(values.reduce((a, b) => a + b * b, 0) / values.length - avg * avg) || 0;
  return { minMs: Math.min(...values), avgMs: avg, maxMs: Math.max(...values), mdevMs: mdev };
}

function checkInt(name: string, v: number, min: number, max: number): void {
  if (!Number.isInteger(v) || v < min || v > max) throw new TransportArgumentError(name, v, `an integer ${min}..${max}`);
}
