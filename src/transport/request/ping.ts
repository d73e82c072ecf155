/**
 * `ping(host)`: ICMP or ICMPv6 echo requests, one per interval, each matched with request().
 * There is no default host.
 */
import { randomInt } from 'node:crypto';
import { isIP } from 'node:net';
import { networkInterfaces } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { ipv4, packet, type StepBase } from '../../builders/packet.js';
import { TransportArgumentError } from '../errors.js';
import { request, type RequestResult } from './match.js';
import { resolveHost, sourceAddressFor } from '../transports/route.js';
import type { Transport } from '../transport.js';
import { openTransport } from '../transports/open-transport.js';

/** Options of `ping()`: count, interval, timeout, size, TTL, source, family, transport (ping(8)'s flags). */
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
  /** Bytes repeated to fill the payload (ping(8)'s `-p`, at most 16); default 8, 9, 10... like ping(8). */
  readonly pattern?: Uint8Array;
  /** Source address of the requests (default: the one the route to `host` uses, or the interface's). */
  readonly source?: string;
  /** Send and receive only through this interface (SO_BINDTODEVICE); the source becomes its address. Ignored with `transport`. */
  readonly interface?: string;
  /** IPv4 only: add a Record Route option (9 slots) and report each reply's recorded route (ping(8)'s `-R`). */
  readonly recordRoute?: boolean;
  /** Force IPv4 or IPv6 when `host` is a name. */
  readonly family?: 4 | 6;
  /** Echo identifier (default random). */
  readonly id?: number;
  /** Default: a raw transport opened and closed by ping(). */
  readonly transport?: Transport;
  /** Abort: ping() rejects. */
  readonly signal?: AbortSignal;
  /** Stop early (ping(8)'s Ctrl-C): ping() resolves with the statistics so far, `interrupted: true`. */
  readonly stopSignal?: AbortSignal;
  /** Called once the address is known, before the first request. `packetSize`: the whole IP datagram of a request. */
  readonly onStart?: (start: { readonly host: string; readonly address: string; readonly family: 4 | 6; readonly size: number; readonly source: string; readonly packetSize: number }) => void;
  /** Called for each request as soon as it is answered or timed out. */
  readonly onReply?: (reply: PingReply) => void;
}

/** One echo of `ping()`: its sequence number, whether it was answered, and the round trip. */
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
  /** With `recordRoute`: the addresses the reply's Record Route option carries (IPv4). */
  readonly route?: readonly string[];
  readonly result: RequestResult;
}

/** What `ping()` gives: every echo, and transmitted / received / loss like ping(8)'s summary. */
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
  /** True when `stopSignal` ended the run early. */
  readonly interrupted?: boolean;
}

/** Record Route with 9 address slots: the most a 60-byte IPv4 header holds (RFC 791), as ping(8) -R. */
const RECORD_ROUTE = { kind: 'record-route', addresses: Array<string>(9).fill('0.0.0.0') } as const;

/**
 * ICMP or ICMPv6 echo requests to `host`, like ping(8): each reply, error or timeout, and the
 * statistics. Opens (and closes) a raw transport unless `transport` is given.
 *
 * @throws {@link TransportArgumentError} a bad option, or a host name the resolver does not know.
 * @throws {@link PreflightError} the OS would refuse the requests (no privilege to open raw sockets...).
 * @throws {@link TransportError} a system call failed, with a remedy.
 * @example
 * {@includeCode ../../../examples/ping.ts#ping}
 */
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
  const pattern = options.pattern ?? Uint8Array.from({ length: 256 }, (_, i) => (i + 8) & 0xff);
  if (pattern.length < 1 || (options.pattern && pattern.length > 16)) throw new TransportArgumentError('pattern', options.pattern, '1 to 16 bytes');
  const id = options.id ?? randomInt(1, 0x10000);
  checkInt('id', id, 0, 0xffff);
  const { address, family } = await resolveHost(host, options.family);
  if (options.recordRoute && family !== 4) throw new TransportArgumentError('recordRoute', true, 'IPv4 only (IPv6 has no Record Route option)');
  const src = options.source ?? (options.interface !== undefined ? interfaceAddress(options.interface, family) : undefined) ?? (await sourceAddressFor(address, family)) ?? (family === 4 ? '0.0.0.0' : '::');
  if (isIP(src.replace(/%.*$/, '')) !== family) throw new TransportArgumentError('source', src, `an IPv${family} address (the destination is IPv${family})`);
  const transport = options.transport ?? openTransport({ kind: 'raw', ...(options.interface !== undefined && { interface: options.interface }) });
  // A link-local zone (fe80::1%eth0) is for the socket, not the header.
  const dst = address.replace(/%.*$/, '');
  const payload = Buffer.alloc(size);
  for (let i = 0; i < size; i++) payload[i] = pattern[i % pattern.length];
  const replies: PingReply[] = [];
  const ipHeader = family === 4 ? (options.recordRoute ? 60 : 20) : 40;
  options.onStart?.({ host, address, family, size, source: src, packetSize: ipHeader + 8 + size });
  const started = performance.now();
  let transmitted = 0;
  // One signal for the waits: either the caller's abort or the stop request.
  const waits = new AbortController();
  const stopWaits = () => waits.abort();
  options.signal?.addEventListener('abort', stopWaits, { once: true });
  options.stopSignal?.addEventListener('abort', stopWaits, { once: true });
  try {
    for (let seq = 1; seq <= count; seq++) {
      if (options.signal?.aborted) options.signal.throwIfAborted();
      if (options.stopSignal?.aborted) break;
      const begin = performance.now();
      const probe: StepBase =
        family === 4
          ? ipv4({ src, dst, ttl, id: randomInt(1, 0x10000), ...(options.recordRoute && { options: [RECORD_ROUTE] }) }).icmp({ type: 'echo-request', id, seq }).payload(payload)
          : packet().ipv6({ src, dst, hopLimit: ttl }).icmpv6({ type: 'echo-request', id, seq }).payload(payload);
      transmitted++;
      let result: RequestResult;
      try {
        result = await request(transport, probe, { timeoutMs, signal: waits.signal, ...(address.includes('%') && { destination: address }) });
      } catch (error) {
        if (options.stopSignal?.aborted && !options.signal?.aborted) break;
        throw error;
      }
      const reply = toReply(seq, result, !!options.recordRoute);
      replies.push(reply);
      options.onReply?.(reply);
      if (seq < count) {
        const wait = intervalMs - (performance.now() - begin);
        if (wait > 0) await sleep(wait, undefined, { signal: waits.signal }).catch(() => undefined);
      }
    }
  } finally {
    options.signal?.removeEventListener('abort', stopWaits);
    options.stopSignal?.removeEventListener('abort', stopWaits);
    if (!options.transport) await transport.close();
  }
  options.signal?.throwIfAborted();
  const interrupted = !!options.stopSignal?.aborted;
  const rtts = replies.filter((r) => r.status === 'reply').map((r) => r.rttMs!);
  const received = rtts.length;
  return {
    host,
    address,
    family,
    size,
    transmitted,
    received,
    errors: replies.filter((r) => r.status === 'error').length,
    lossPercent: transmitted ? Math.round((100 * (transmitted - received)) / transmitted) : 0,
    timeMs: performance.now() - started,
    rtt: received ? stats(rtts) : undefined,
    replies,
    ...(interrupted && { interrupted }),
  };
}

/** The first address of `family` on interface `name` (ping(8)'s `-I eth0`). */
function interfaceAddress(name: string, family: 4 | 6): string {
  const addresses = networkInterfaces()[name];
  if (!addresses) throw new TransportArgumentError('interface', name, `an interface of this machine (${Object.keys(networkInterfaces()).join(', ')})`);
  const found = addresses.find((a) => a.family === `IPv${family}`);
  if (!found) throw new TransportArgumentError('interface', name, `an interface with an IPv${family} address`);
  return found.address;
}

/** The addresses a reply's Record Route option holds (the filled slots, before the pointer). */
function recordedRoute(result: Extract<RequestResult, { status: 'answered' }>): string[] {
  const ip = result.reply.packet.layers[0];
  if (ip?.layer !== 'ipv4') return [];
  const options = (ip.fields as { options?: readonly { kind: string; pointer?: number; addresses?: readonly string[] }[] }).options ?? [];
  const rr = options.find((o) => o.kind === 'record-route');
  if (!rr?.addresses) return [];
  const filled = rr.pointer === undefined ? rr.addresses.length : Math.max(0, Math.floor((rr.pointer - 4) / 4));
  return rr.addresses.slice(0, filled);
}

function toReply(seq: number, result: RequestResult, recordRoute: boolean): PingReply {
  if (result.status === 'timeout') {
    return { seq, status: 'timeout', from: undefined, bytes: undefined, ttl: undefined, rttMs: undefined, error: undefined, result };
  }
  const v = result.view;
  const ipHeader = result.reply.includesIpHeader ? (v.family === 4 ? ((result.reply.bytes[0] & 0x0f) * 4) : 40) : 0;
  // A frame from the link transport starts with its link header: count what follows the IP header, as ping(8) does.
  const ip = result.reply.firstLayer === 'ipv4' || result.reply.firstLayer === 'ipv6' ? undefined : result.reply.packet.layers.find((l) => l.layer === 'ipv4' || l.layer === 'ipv6');
  const bytes = !ip ? result.reply.bytes.length - ipHeader : ip.layer === 'ipv4' ? Number(ip.fields.totalLength) - Number(ip.fields.ihl) * 4 : Number(ip.fields.payloadLength);
  const u = v.upper;
  const error = result.answer === 'icmp-error' && u && (u.layer === 'icmp' || u.layer === 'icmpv6') ? `${u.typeName}${u.code ? ` code ${u.code}` : ''}` : undefined;
  return {
    seq,
    status: result.answer === 'reply' ? 'reply' : 'error',
    from: v.src ?? result.reply.from,
    bytes,
    ttl: v.ttl,
    rttMs: result.rttMs,
    error,
    ...(recordRoute && { route: recordedRoute(result) }),
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
