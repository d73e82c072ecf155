/**
 * arping(8) and ndisc6(8) in one: ask for an address's MAC on one interface, `count` times, and
 * time each answer (capture timestamp minus send time). IPv4 addresses are asked with ARP,
 * IPv6 ones with a Neighbor Solicitation.
 */
import { isIPv4, isIPv6 } from 'node:net';
import { networkInterfaces } from 'node:os';
import { TransportArgumentError } from '../errors.js';
import { nowNs } from '../transports/outgoing.js';
import { LinkError } from './errors.js';
import type { Libpcap } from './libpcap.js';
import { answerFilter, answerFrom, solicitation } from './neighbours.js';
import { PcapHandle } from './pcap-handle.js';

/** Options of `arping()`: interface (required), count, timeout, interval, source. */
export interface ArpingOptions {
  readonly interface: string;
  /** Requests to send; default 3. */
  readonly count?: number;
  /** Wait this long for each answer; default 1000 ms. */
  readonly timeoutMs?: number;
  /** Pause between a request's end and the next one; default 1000 ms (like arping). */
  readonly intervalMs?: number;
  /** Ask from this address (default: the interface's first of the family; IPv6 prefers link-local). */
  readonly source?: string;
  readonly signal?: AbortSignal;
  /** Each answer or timeout as it happens. */
  readonly onReply?: (reply: ArpingReply) => void;
  /** Test seam. */
  readonly libpcap?: Libpcap;
}

/** One ARP reply of `arping()`: who answered, with which MAC, after how long. */
export interface ArpingReply {
  readonly seq: number;
  readonly status: 'reply' | 'timeout';
  readonly mac?: string;
  readonly rttMs?: number;
}

/** What `arping()` gives: the replies, how many requests were sent and answered. */
export interface ArpingResult {
  readonly address: string;
  readonly interface: string;
  readonly protocol: 'arp' | 'ndp';
  readonly sent: number;
  readonly received: number;
  readonly replies: readonly ArpingReply[];
}

/**
 * ARP requests for an IPv4 address on an Ethernet interface, like arping(8): who has it, and its MAC.
 * @throws {@link TransportArgumentError} not an IP address, or a bad option.
 * @throws {@link LinkError} no such interface, or one without an address or MAC to ask from; libpcap missing.
 * @example
 * {@includeCode ../../../examples/api-link.ts#arping}
 */
export async function arping(address: string, options: ArpingOptions): Promise<ArpingResult> {
  const v4 = isIPv4(address);
  if (!v4 && !isIPv6(address)) throw new TransportArgumentError('address', address, 'an IPv4 or IPv6 address');
  const iface = options.interface;
  const own = networkInterfaces()[iface];
  if (!own) throw new LinkError('E_LINK_NO_DEVICE', `arping on ${iface}`, 'no such interface', 'list the interfaces with `rawcraft interfaces`', iface);
  const family = v4 ? 'IPv4' : 'IPv6';
  const mine = own.filter((a) => a.family === family);
  const source = options.source ?? (mine.find((a) => a.address.startsWith('fe80:')) ?? mine[0])?.address.replace(/%.*$/, '');
  const mac = own.find((a) => a.mac && a.mac !== '00:00:00:00:00:00')?.mac;
  if (source === undefined || mac === undefined) throw new LinkError('E_LINK_RESOLVE', `arping on ${iface}`, `${iface} has no ${family} address or no MAC address to ask from`, 'choose an Ethernet interface with an address of that family', iface);

  const handle = PcapHandle.open(iface, { filter: answerFilter(v4), ...(options.libpcap && { libpcap: options.libpcap }) });
  const request = solicitation({ interface: iface, mac, address: source }, address);
  const replies: ArpingReply[] = [];
  const count = options.count ?? 3;
  try {
    for (let seq = 0; seq < count; seq++) {
      if (seq > 0) await pause(options.intervalMs ?? 1000, options.signal);
      options.signal?.throwIfAborted();
      const sentAt = nowNs();
      handle.inject(request);
      const reply = await answer(handle, address, v4, sentAt, seq, options);
      replies.push(reply);
      options.onReply?.(reply);
    }
  } finally {
    handle.close();
  }
  return { address, interface: iface, protocol: v4 ? 'arp' : 'ndp', sent: replies.length, received: replies.filter((r) => r.status === 'reply').length, replies };
}

async function answer(handle: PcapHandle, address: string, v4: boolean, sentAt: bigint, seq: number, options: ArpingOptions): Promise<ArpingReply> {
  const deadline = Date.now() + (options.timeoutMs ?? 1000);
  while (Date.now() < deadline) {
    options.signal?.throwIfAborted();
    for (let frame = handle.next(); frame; frame = handle.next()) {
      const mac = answerFrom(frame.bytes, address, v4);
      if (mac) return { seq, status: 'reply', mac, rttMs: Math.max(0, Number(frame.timestamp - sentAt) / 1e6) };
    }
    await handle.waitReadable();
  }
  return { seq, status: 'timeout' };
}

function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(done, ms);
    function done() {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }
    function onAbort() {
      clearTimeout(timer);
      reject(signal!.reason);
    }
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
