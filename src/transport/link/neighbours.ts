/**
 * The MAC address of a next hop: the kernel's ARP cache when it has a complete entry, else an
 * ARP request (RFC 826) or, for IPv6, a Neighbor Solicitation to the solicited-node multicast
 * address (RFC 4861 section 7.2.2), sent and answered through libpcap. Answers are cached for
 * `cacheMs`; requests are retried `tries` times, `timeoutMs` apart.
 */
import { readFileSync } from 'node:fs';
import { isIPv4 } from 'node:net';
import { ethernet } from '../../builders/packet.js';
import { parseIpv6, readIpv6, readMac } from '../../codec/bytes.js';
import { decode } from '../../codec/decode.js';
import { LinkError } from './errors.js';
import { PcapHandle, type PcapOpenOptions } from './pcap-handle.js';

/** How a `NeighbourCache` asks: per-try timeout, tries, how long an answer is kept, the kernel's cache. */
export interface NeighbourOptions {
  /** Wait for an answer this long per try; default 1000 ms. */
  readonly timeoutMs?: number;
  /** Requests sent before giving up; default 3. */
  readonly tries?: number;
  /** Keep an answer this long; default 60 s. */
  readonly cacheMs?: number;
  /** Skip the kernel's ARP cache (always ask on the wire); default false. */
  readonly ignoreKernelCache?: boolean;
  readonly signal?: AbortSignal;
}

/** Who asks: the interface and this host's addresses on it. */
export interface Asker {
  readonly interface: string;
  readonly mac: string;
  /** This host's address of the target's family on that interface. */
  readonly address: string;
}

/** A resolved neighbour, and how it was found. */
export interface Neighbour {
  readonly address: string;
  readonly mac: string;
  readonly source: 'kernel' | 'arp' | 'ndp' | 'cache';
}

/**
 * Resolves next-hop MAC addresses with ARP / Neighbor Discovery and remembers them for a while.
 * @throws {@link LinkError} `E_LINK_RESOLVE` from `resolve()`: nobody answered; or the interface cannot be opened.
 * @example
 * {@includeCode ../../../examples/api-link.ts#neighbours}
 */
export class NeighbourCache {
  readonly #entries = new Map<string, { mac: string; until: number }>();

  constructor(
    private readonly options: NeighbourOptions = {},
    /** Test seam and for the link transport's own options (snaplen, libpcap binding). */
    private readonly openOptions: PcapOpenOptions = {},
  ) {}

  /** Remember a MAC given by the user or learnt elsewhere. */
  set(iface: string, address: string, mac: string): void {
    this.#entries.set(`${iface}|${address}`, { mac, until: Date.now() + (this.options.cacheMs ?? 60_000) });
  }

  async resolve(asker: Asker, address: string, options: NeighbourOptions = {}): Promise<Neighbour> {
    const o = { ...this.options, ...options };
    const key = `${asker.interface}|${address}`;
    const cached = this.#entries.get(key);
    if (cached && cached.until > Date.now()) return { address, mac: cached.mac, source: 'cache' };
    const v4 = isIPv4(address);
    const kernel = v4 && !o.ignoreKernelCache ? kernelArpEntry(asker.interface, address) : undefined;
    const mac = kernel ?? (await this.#ask(asker, address, v4, o));
    this.set(asker.interface, address, mac);
    return { address, mac, source: kernel ? 'kernel' : v4 ? 'arp' : 'ndp' };
  }

  async #ask(asker: Asker, address: string, v4: boolean, o: NeighbourOptions): Promise<string> {
    const handle = PcapHandle.open(asker.interface, { ...this.openOptions, filter: answerFilter(v4) });
    try {
      const request = solicitation(asker, address);
      for (let attempt = 0; attempt < (o.tries ?? 3); attempt++) {
        handle.inject(request);
        const deadline = Date.now() + (o.timeoutMs ?? 1000);
        while (Date.now() < deadline) {
          o.signal?.throwIfAborted();
          for (let frame = handle.next(); frame; frame = handle.next()) {
            const mac = answerFrom(frame.bytes, address, v4);
            if (mac) return mac;
          }
          await handle.waitReadable();
        }
      }
    } finally {
      handle.close();
    }
    throw new LinkError(
      'E_LINK_RESOLVE',
      `resolve ${address} on ${asker.interface}`,
      `no ${v4 ? 'ARP reply' : 'Neighbor Advertisement'} after ${o.tries ?? 3} tries of ${o.timeoutMs ?? 1000} ms`,
      'check that the host is up and on that link, or give its MAC address (nextHopMac / --dst-mac)',
      asker.interface,
    );
  }
}

/** A complete entry of the kernel's ARP table (/proc/net/arp, Linux), if any. */
function kernelArpEntry(iface: string, address: string): string | undefined {
  let text: string;
  try {
    text = readFileSync('/proc/net/arp', 'utf8');
  } catch {
    return undefined;
  }
  const ATF_COM = 0x2;
  for (const line of text.split('\n').slice(1)) {
    const [ip, , flags, mac, , device] = line.trim().split(/\s+/);
    if (ip === address && device === iface && (parseInt(flags, 16) & ATF_COM) !== 0 && mac !== '00:00:00:00:00:00') return mac;
  }
  return undefined;
}

/** The kernel-side filter that keeps ARP replies or Neighbor Advertisements. */
export function answerFilter(v4: boolean): string {
  return v4 ? 'arp and arp[6:2] = 2' : 'icmp6 and ip6[40] = 136';
}

/** An ARP request (IPv4) or Neighbor Solicitation (IPv6) for `address`, as a whole Ethernet frame. */
export function solicitation(asker: Asker, address: string): Uint8Array {
  return isIPv4(address) ? arpRequest(asker, address) : neighborSolicitation(asker, address);
}

function arpRequest(asker: Asker, address: string): Uint8Array {
  return ethernet({ dst: 'ff:ff:ff:ff:ff:ff', src: asker.mac })
    .arp({ operation: 'request', senderMac: asker.mac, senderIp: asker.address, targetIp: address })
    .encode();
}

/** Solicited-node multicast address and its MAC (RFC 4291 section 2.7.1, RFC 2464 section 7). */
export function solicitedNode(address: string): { ip: string; mac: string } {
  const b = parseIpv6(address)!;
  const tail = [b[13], b[14], b[15]];
  const hex = (n: number) => n.toString(16).padStart(2, '0');
  return { ip: `ff02::1:ff${hex(tail[0])}:${hex(tail[1])}${hex(tail[2])}`, mac: `33:33:ff:${tail.map(hex).join(':')}` };
}

function neighborSolicitation(asker: Asker, address: string): Uint8Array {
  const group = solicitedNode(address);
  return ethernet({ dst: group.mac, src: asker.mac })
    .ipv6({ src: asker.address, dst: group.ip, hopLimit: 255 })
    .icmpv6({ type: 'neighbor-solicitation', target: address, options: [{ kind: 'source-link-layer-address', address: asker.mac }] })
    .encode();
}

/** The MAC in an ARP reply or Neighbor Advertisement for `address`, else undefined. */
export function answerFrom(frame: Uint8Array, address: string, v4: boolean): string | undefined {
  const layers = decode(frame, { from: 'ethernet', mode: 'lax' }).layers;
  if (v4) {
    const arp = layers[1];
    if (arp?.layer === 'arp' && arp.fields.operation === 'reply' && arp.fields.senderIp === address && typeof arp.fields.senderMac === 'string') return arp.fields.senderMac;
    return undefined;
  }
  const na = layers.find((l) => l.layer === 'icmpv6');
  if (!na || na.fields.type !== 'neighbor-advertisement' || na.fields.target !== canonicalIpv6(address)) return undefined;
  const option = (na.fields.options as { kind: string; address?: string }[] | undefined)?.find((o) => o.kind === 'target-link-layer-address');
  // An advertisement without the option (allowed for solicited ones on some links): the frame's source MAC.
  return option?.address ?? readMac(frame, 6);
}

/** The codec's (RFC 5952) text of an IPv6 address, for comparing with decoded fields. */
function canonicalIpv6(address: string): string {
  const bytes = parseIpv6(address);
  return bytes ? readIpv6(bytes, 0) : address;
}
