/**
 * Which interface and next hop the kernel uses for a destination. On Linux the kernel is asked
 * (rtnetlink RTM_GETROUTE, as `ip route get`), so policy rules and every table count. Where it
 * cannot be asked, the tables are read instead: this host's addresses (local delivery through
 * the loopback interface), then the main routing table (/proc/net/route, /proc/net/ipv6_route),
 * longest prefix first, lowest metric among equals. A user with other needs (macOS, Windows,
 * a route of their own) passes a `RouteLookup`, or names the interface and the next hop's MAC.
 */
import { readFileSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import { isIPv4 } from 'node:net';
import { parseIpv4, parseIpv6, readIpv6 } from '../../codec/bytes.js';
import { netlinkRoute } from './netlink-route.js';

/** Where a datagram for one destination goes. */
export interface Route {
  /** Outgoing interface, e.g. `eth0`. */
  readonly interface: string;
  /** The address whose MAC the frame is sent to: a gateway, or the destination itself when on-link. */
  readonly nextHop: string;
  /** True when the destination is an address of this host (sent through the loopback interface). */
  readonly local: boolean;
  /** The source address the kernel would send from, when it said. */
  readonly source?: string;
}

/**
 * Picks the route for a destination; undefined when there is none. `source` is the packet's
 * source address when it has one, for policy rules that select by source (`ip rule add from`).
 */
export type RouteLookup = (destination: string, source?: string) => Route | undefined;

/**
 * The kernel's choice for `destination` (from `source`): asked over rtnetlink on Linux, else read from the tables.
 * @example
 * {@includeCode ../../../examples/api-link.ts#routes-link}
 */
export const kernelRouteLookup: RouteLookup = (destination, source) => {
  const asked = netlinkRoute(destination, source !== undefined && !isUnspecified(source) ? source : undefined);
  if (asked === null) return undefined;
  if (asked) return { interface: asked.interface, nextHop: asked.gateway ?? destination, local: asked.local, ...(asked.source !== undefined && { source: asked.source }) };
  return tableRouteLookup(destination);
};

/**
 * The same choice from this host's addresses and the main routing table alone (what is read where the kernel cannot be asked).
 * @example
 * {@includeCode ../../../examples/api-link.ts#routes-link}
 */
export const tableRouteLookup: RouteLookup = (destination) => localRoute(destination) ?? tableRoute(destination);

const isUnspecified = (address: string): boolean => address === '0.0.0.0' || address === '::';

function loopbackName(): string {
  for (const [name, addresses] of Object.entries(networkInterfaces())) {
    if (addresses?.some((a) => a.internal)) return name;
  }
  return 'lo';
}

function localRoute(destination: string): Route | undefined {
  const v4 = isIPv4(destination);
  const local = v4 ? (parseIpv4(destination)! >>> 24) === 127 : destination === '::1';
  const own = Object.values(networkInterfaces()).some((list) => list?.some((a) => a.address === destination));
  return local || own ? { interface: loopbackName(), nextHop: destination, local: true } : undefined;
}

interface Entry {
  readonly iface: string;
  readonly prefix: bigint;
  readonly bits: number;
  readonly gateway: string | undefined;
  readonly metric: number;
}

function tableRoute(destination: string): Route | undefined {
  const v4 = isIPv4(destination);
  const entries = v4 ? ipv4Table() : ipv6Table();
  const width = v4 ? 32 : 128;
  const target = v4 ? BigInt(parseIpv4(destination) ?? 0) : toBigInt(parseIpv6(destination) ?? new Uint8Array(16));
  let best: Entry | undefined;
  for (const e of entries) {
    const mask = e.bits === 0 ? 0n : ((1n << BigInt(e.bits)) - 1n) << BigInt(width - e.bits);
    if ((target & mask) !== e.prefix) continue;
    if (!best || e.bits > best.bits || (e.bits === best.bits && e.metric < best.metric)) best = e;
  }
  return best && { interface: best.iface, nextHop: best.gateway ?? destination, local: false };
}

function read(path: string): string[] {
  try {
    return readFileSync(path, 'utf8').split('\n').slice(0).filter((l) => l.trim());
  } catch {
    return [];
  }
}

/** /proc/net/route: Iface Destination Gateway Flags RefCnt Use Metric Mask ...; addresses little-endian hex. */
function ipv4Table(): Entry[] {
  const RTF_UP = 1;
  const RTF_GATEWAY = 2;
  return read('/proc/net/route')
    .slice(1)
    .map((line) => line.trim().split(/\s+/))
    .filter((c) => (parseInt(c[3], 16) & RTF_UP) !== 0)
    .map((c) => {
      const flags = parseInt(c[3], 16);
      const mask = littleEndianHex(c[7]);
      return {
        iface: c[0],
        prefix: BigInt((littleEndianHex(c[1]) & mask) >>> 0),
        bits: popcount(mask),
        gateway: flags & RTF_GATEWAY ? dotted(littleEndianHex(c[2])) : undefined,
        metric: Number(c[6]),
      };
    });
}

/** /proc/net/ipv6_route: dest plen src plen nexthop metric refcnt use flags iface; hex, network order. It lists the routes of every table, without saying which. */
function ipv6Table(): Entry[] {
  const RTF_UP = 1;
  return read('/proc/net/ipv6_route')
    .map((line) => line.trim().split(/\s+/))
    .filter((c) => c.length >= 10 && (parseInt(c[8], 16) & RTF_UP) !== 0 && c[9] !== 'lo')
    .map((c) => {
      const bits = parseInt(c[1], 16);
      const nexthop = BigInt(`0x${c[4]}`);
      return {
        iface: c[9],
        prefix: BigInt(`0x${c[0]}`),
        bits,
        gateway: nexthop === 0n ? undefined : ipv6Text(c[4]),
        metric: parseInt(c[5], 16),
      };
    });
}

const littleEndianHex = (hex: string): number => Buffer.from(hex.padStart(8, '0'), 'hex').readUInt32LE(0);
const dotted = (n: number): string => [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
/** RFC 5952 text, as the codec writes addresses (so a next hop compares equal to decoded fields). */
const ipv6Text = (hex: string): string => readIpv6(Buffer.from(hex, 'hex'), 0);
const toBigInt = (bytes: Uint8Array): bigint => BigInt(`0x${Buffer.from(bytes).toString('hex')}`);

function popcount(n: number): number {
  let c = 0;
  for (let v = n >>> 0; v; v >>>= 1) c += v & 1;
  return c;
}
