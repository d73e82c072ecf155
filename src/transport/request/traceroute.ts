/**
 * `traceroute(host, { protocol })`: probes with growing TTL / hop limit, each matched with
 * request(): routers answer with ICMP time exceeded quoting the probe; the destination with
 * an echo reply (ICMP), a port unreachable (UDP) or a SYN-ACK / RST (TCP). IPv4 and IPv6.
 * There is no default host.
 */
import { randomInt } from 'node:crypto';
import { isIP } from 'node:net';
import { ipv4, packet, type StepBase } from '../../builders/packet.js';
import { TransportArgumentError } from '../errors.js';
import { request, type RequestResult } from './match.js';
import { resolveHost, sourceAddressFor } from '../transports/route.js';
import type { Transport } from '../transport.js';
import { openTransport } from '../transports/open-transport.js';

/** What `traceroute()` probes with: `udp` (like traceroute(8)), `icmp` (-I) or `tcp` (-T). */
export type TracerouteProtocol = 'icmp' | 'udp' | 'tcp';

/** Payload bytes of ICMP and UDP probes (a 60-byte IPv4 probe, as traceroute(8) sends). */
const PROBE_DATA = 32;

/** Options of `traceroute()`: protocol, first and last hop, probes per hop, timeout, port (traceroute(8)'s flags). */
export interface TracerouteOptions {
  /** Probe with ICMP echo requests, UDP datagrams (default, like traceroute(8)) or TCP SYNs. */
  readonly protocol?: TracerouteProtocol;
  /** Force IPv4 or IPv6 when `host` is a name. */
  readonly family?: 4 | 6;
  /** First TTL (default 1). */
  readonly firstHop?: number;
  /** Last TTL (default 30). */
  readonly maxHops?: number;
  /** Probes per hop, sent together (default 3). */
  readonly queries?: number;
  /** Milliseconds to wait for each probe's answer (default 1000). */
  readonly timeoutMs?: number;
  /** UDP: first destination port, incremented per probe (default 33434). TCP: the destination port (default 80). */
  readonly port?: number;
  /** Source address of the probes (default: the one the route to `host` uses). */
  readonly source?: string;
  /** Send and receive only through this interface (SO_BINDTODEVICE). Ignored with `transport`. */
  readonly interface?: string;
  /** IPv4 TOS / IPv6 traffic class byte of the probes, 0..255 (traceroute -t; default 0). */
  readonly tos?: number;
  /** IPv4 Don't Fragment on the probes (traceroute -F). */
  readonly dontFragment?: boolean;
  /** Whole probe datagram length in bytes, IP header included (traceroute's packet_len); ICMP and UDP probes. */
  readonly packetLength?: number;
  /** Default: a raw transport opened and closed by traceroute(). */
  readonly transport?: Transport;
  /** Abort: traceroute() rejects. */
  readonly signal?: AbortSignal;
  /** Stop early (Ctrl-C): traceroute() resolves with the hops completed so far, `interrupted: true`. */
  readonly stopSignal?: AbortSignal;
  /** Called once the address is known, before the first probe. */
  readonly onStart?: (start: { readonly host: string; readonly address: string; readonly family: 4 | 6; readonly protocol: TracerouteProtocol; readonly packetSize: number; readonly source: string }) => void;
  /** Called as each hop completes. */
  readonly onHop?: (hop: TracerouteHop) => void;
}

/** One probe of `traceroute()`: who answered, and the round trip. */
export interface TracerouteProbe {
  readonly ttl: number;
  /**
   * `time-exceeded`: a router on the way; `reached`: the destination answered; `unreachable`:
   * an ICMP unreachable that ends the trace; `timeout`: no answer.
   */
  readonly status: 'time-exceeded' | 'reached' | 'unreachable' | 'timeout';
  readonly from: string | undefined;
  readonly rttMs: number | undefined;
  /** traceroute(8)'s annotation for unreachables: `!N`, `!H`, `!P`, `!X`, `!<code>`. */
  readonly note: string | undefined;
  readonly result: RequestResult;
}

/** One hop of `traceroute()`: its TTL and probes. */
export interface TracerouteHop {
  readonly ttl: number;
  readonly probes: readonly TracerouteProbe[];
}

/** What `traceroute()` gives: the hops, and whether the destination was reached. */
export interface TracerouteResult {
  readonly host: string;
  readonly address: string;
  readonly family: 4 | 6;
  readonly protocol: TracerouteProtocol;
  readonly hops: readonly TracerouteHop[];
  /** True when the destination answered. */
  readonly reached: boolean;
  /** True when `stopSignal` ended the trace early. */
  readonly interrupted?: boolean;
}

/**
 * Probes with a growing TTL / hop limit towards `host`, like traceroute(8), by UDP, ICMP or TCP:
 * routers answer with time exceeded, the destination with a port unreachable, an echo reply, or
 * a SYN-ACK / RST.
 *
 * @throws {@link TransportArgumentError} a bad option, or a host name the resolver does not know.
 * @throws {@link PreflightError} the OS would refuse the probes.
 * @throws {@link TransportError} a system call failed, with a remedy.
 * @example
 * {@includeCode ../../../examples/traceroute.ts#traceroute}
 */
export async function traceroute(host: string, options: TracerouteOptions = {}): Promise<TracerouteResult> {
  const protocol = options.protocol ?? 'udp';
  if (protocol !== 'icmp' && protocol !== 'udp' && protocol !== 'tcp') throw new TransportArgumentError('protocol', protocol, "'icmp', 'udp' or 'tcp'");
  const firstHop = options.firstHop ?? 1;
  const maxHops = options.maxHops ?? 30;
  const queries = options.queries ?? 3;
  const timeoutMs = options.timeoutMs ?? 1000;
  checkInt('firstHop', firstHop, 1, 255);
  checkInt('maxHops', maxHops, firstHop, 255);
  checkInt('queries', queries, 1, 10);
  const port = options.port ?? (protocol === 'tcp' ? 80 : 33434);
  checkInt('port', port, 1, 0xffff);
  const { address, family } = await resolveHost(host, options.family);
  const tos = options.tos ?? 0;
  checkInt('tos', tos, 0, 255);
  const headers = (family === 4 ? 20 : 40) + (protocol === 'tcp' ? 20 : 8);
  if (options.packetLength !== undefined && protocol === 'tcp') throw new TransportArgumentError('packetLength', options.packetLength, 'no length: TCP probes are SYNs without data');
  const dataLength = options.packetLength === undefined ? (protocol === 'tcp' ? 0 : PROBE_DATA) : options.packetLength - headers;
  checkInt('packetLength', headers + dataLength, headers, 65535);
  const src = options.source ?? (await sourceAddressFor(address, family)) ?? (family === 4 ? '0.0.0.0' : '::');
  if (isIP(src.replace(/%.*$/, '')) !== family) throw new TransportArgumentError('source', src, `an IPv${family} address (the destination is IPv${family})`);
  const transport = options.transport ?? openTransport({ kind: 'raw', ...(options.interface !== undefined && { interface: options.interface }) });
  const id = randomInt(1, 0x10000);
  const basePort = randomInt(32768, 60000);
  const hops: TracerouteHop[] = [];
  let reached = false;
  const packetSize = headers + dataLength;
  options.onStart?.({ host, address, family, protocol, packetSize, source: src });
  // One signal for the waits: either the caller's abort or the stop request.
  const waits = new AbortController();
  const stopWaits = () => waits.abort();
  options.signal?.addEventListener('abort', stopWaits, { once: true });
  options.stopSignal?.addEventListener('abort', stopWaits, { once: true });
  try {
    for (let ttl = firstHop; ttl <= maxHops && !options.stopSignal?.aborted; ttl++) {
      let probes: TracerouteProbe[];
      try {
        probes = await Promise.all(
          Array.from({ length: queries }, async (_, q) => {
            const n = (ttl - firstHop) * queries + q;
            const probe = buildProbe(protocol, family, src, address.replace(/%.*$/, ''), ttl, n, { id, basePort, port }, { tos, dontFragment: !!options.dontFragment, dataLength });
            const result = await request(transport, probe, { timeoutMs, signal: waits.signal, ...(address.includes('%') && { destination: address }) });
            return classify(ttl, protocol, family, address, result);
          }),
        );
      } catch (error) {
        // Stopped in the middle of a hop: the hop is left out, the ones before are the result.
        if (options.stopSignal?.aborted && !options.signal?.aborted) break;
        throw error;
      }
      const hop: TracerouteHop = { ttl, probes };
      hops.push(hop);
      options.onHop?.(hop);
      if (probes.some((p) => p.status === 'reached')) {
        reached = true;
        break;
      }
      if (probes.some((p) => p.status === 'unreachable')) break;
    }
  } finally {
    options.signal?.removeEventListener('abort', stopWaits);
    options.stopSignal?.removeEventListener('abort', stopWaits);
    if (!options.transport) await transport.close();
  }
  options.signal?.throwIfAborted();
  return { host, address, family, protocol, hops, reached, ...(!reached && options.stopSignal?.aborted && { interrupted: true }) };
}

function buildProbe(
  protocol: TracerouteProtocol,
  family: 4 | 6,
  src: string,
  dst: string,
  ttl: number,
  n: number,
  ids: { id: number; basePort: number; port: number },
  shape: { tos: number; dontFragment: boolean; dataLength: number },
): StepBase {
  const data = Buffer.alloc(shape.dataLength, 0x40 + (n % 26));
  const trafficClass = { dscp: shape.tos >> 2, ecn: shape.tos & 3 };
  if (family === 4) {
    const ip = ipv4({ src, dst, ttl, id: randomInt(1, 0x10000), ...trafficClass, ...(shape.dontFragment && { flags: ['df' as const] }) });
    if (protocol === 'icmp') return ip.icmp({ type: 'echo-request', id: ids.id, seq: n + 1 }).payload(data);
    if (protocol === 'udp') return ip.udp({ srcPort: ids.basePort, dstPort: (ids.port + n) & 0xffff }).payload(data);
    return ip.tcp({ srcPort: (ids.basePort + n) & 0xffff, dstPort: ids.port, seq: randomInt(0, 2 ** 31), flags: ['syn'], window: 64240 });
  }
  const ip = packet().ipv6({ src, dst, hopLimit: ttl, ...trafficClass });
  if (protocol === 'icmp') return ip.icmpv6({ type: 'echo-request', id: ids.id, seq: n + 1 }).payload(data);
  if (protocol === 'udp') return ip.udp({ srcPort: ids.basePort, dstPort: (ids.port + n) & 0xffff }).payload(data);
  return ip.tcp({ srcPort: (ids.basePort + n) & 0xffff, dstPort: ids.port, seq: randomInt(0, 2 ** 31), flags: ['syn'], window: 64240 });
}

function classify(ttl: number, protocol: TracerouteProtocol, family: 4 | 6, destination: string, result: RequestResult): TracerouteProbe {
  if (result.status === 'timeout') return { ttl, status: 'timeout', from: undefined, rttMs: undefined, note: undefined, result };
  const from = result.view.src ?? result.reply.from;
  const base = { ttl, from, rttMs: result.rttMs, result };
  const u = result.view.upper;
  if (result.answer === 'reply' || !u || (u.layer !== 'icmp' && u.layer !== 'icmpv6')) return { ...base, status: 'reached', note: undefined };
  const timeExceeded = family === 4 ? u.type === 11 : u.type === 3;
  if (timeExceeded) return { ...base, status: 'time-exceeded', note: undefined };
  const unreachable = family === 4 ? u.type === 3 : u.type === 1;
  if (unreachable) {
    const portUnreachable = family === 4 ? u.code === 3 : u.code === 4;
    const protoUnreachable = family === 4 && u.code === 2;
    // The destination itself says the port (or, for ICMP, the protocol) is closed: it was reached.
    if (from === destination.replace(/%.*$/, '') && (portUnreachable || (protoUnreachable && protocol !== 'udp'))) return { ...base, status: 'reached', note: undefined };
    return { ...base, status: 'unreachable', note: unreachableNote(family, u.code) };
  }
  return { ...base, status: 'unreachable', note: `!<${u.typeName}>` };
}

/** traceroute(8)'s annotations. */
function unreachableNote(family: 4 | 6, code: number): string {
  const v4: Record<number, string> = { 0: '!N', 1: '!H', 2: '!P', 3: '', 4: '!F', 5: '!S', 9: '!X', 10: '!X', 13: '!X', 14: '!V', 15: '!C' };
  const v6: Record<number, string> = { 0: '!N', 1: '!X', 2: '!S', 3: '!H', 4: '', 5: '!X', 6: '!X' };
  const note = (family === 4 ? v4 : v6)[code];
  return note === undefined ? `!<${code}>` : note || '!';
}

function checkInt(name: string, v: number, min: number, max: number): void {
  if (!Number.isInteger(v) || v < min || v > max) throw new TransportArgumentError(name, v, `an integer ${min}..${max}`);
}
