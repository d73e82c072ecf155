/**
 * The machine's network interfaces as a link-layer user needs them (like `tcpdump -D` and
 * `ip link`): name, state, MTU, MAC, link type and addresses. Names and flags come from
 * libpcap when it loads (so they are what the link transport can open), else from Node's
 * own list; MTU and link type from /sys/class/net on Linux.
 */
import { readFileSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import { ERRBUF_SIZE, loadLibpcap, PCAP_IF, type Libpcap } from './libpcap.js';

/** A network interface as listed: name, description, state, MTU, MAC, link type, addresses. */
export interface InterfaceInfo {
  readonly name: string;
  /** libpcap's description (Windows adapter names), when it has one. */
  readonly description?: string;
  /** Administratively up (undefined when unknown). */
  readonly up: boolean | undefined;
  /** Carrier present / running (undefined when unknown). */
  readonly running: boolean | undefined;
  readonly loopback: boolean;
  readonly mtu: number | undefined;
  /** MAC address, when the interface has one. */
  readonly mac: string | undefined;
  /** LINKTYPE_ value frames on it have (1 Ethernet...), when known. */
  readonly linkType: number | undefined;
  /** Addresses with their prefix length, e.g. `198.18.5.1/24`, `2001:db8::1/64`. */
  readonly addresses: readonly string[];
}

/** ARPHRD_* (Linux if_arp.h) to the LINKTYPE_ of captures on such an interface. */
const LINK_TYPE_OF_ARPHRD: Readonly<Record<number, number>> = {
  1: 1, // Ethernet
  772: 1, // loopback: libpcap gives it Ethernet framing on Linux
  512: 9, // PPP
  65534: 12, // none (tun, WireGuard): raw IP
  801: 105, // IEEE 802.11
  803: 127, // 802.11 with radiotap
};

function sysNumber(name: string, file: string): number | undefined {
  try {
    const n = Number(readFileSync(`/sys/class/net/${name}/${file}`, 'utf8').trim());
    return Number.isFinite(n) ? n : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Every interface, in libpcap's order when it is available (`libpcap: null` to skip it).
 * @throws {@link LinkError} libpcap cannot be loaded.
 * @example
 * {@includeCode ../../../examples/api-link.ts#interfaces}
 */
export function listInterfaces(libpcap?: Libpcap | null): InterfaceInfo[] {
  const os = networkInterfaces();
  let lib = libpcap;
  if (lib === undefined) {
    try {
      lib = loadLibpcap();
    } catch {
      lib = null;
    }
  }
  const devices = lib ? lib.devices(Buffer.alloc(ERRBUF_SIZE)) : undefined;
  const named = Array.isArray(devices)
    ? devices.filter((d) => d.name !== 'any' && !/^(nflog|nfqueue|dbus|bluetooth)/.test(d.name))
    : Object.keys(os).map((name) => ({ name, description: null, flags: undefined as number | undefined }));
  return named.map((d) => {
    const addresses = os[d.name] ?? [];
    const arphrd = sysNumber(d.name, 'type');
    const flags = d.flags;
    const carrier = sysNumber(d.name, 'carrier');
    return {
      name: d.name,
      ...(d.description && { description: d.description }),
      up: flags === undefined ? (addresses.length ? true : undefined) : (flags & PCAP_IF.UP) !== 0,
      running: flags === undefined ? (carrier === undefined ? undefined : carrier === 1) : (flags & PCAP_IF.RUNNING) !== 0,
      loopback: flags === undefined ? addresses.some((a) => a.internal) : (flags & PCAP_IF.LOOPBACK) !== 0,
      mtu: sysNumber(d.name, 'mtu'),
      mac: addresses.find((a) => a.mac && a.mac !== '00:00:00:00:00:00')?.mac ?? readMac(d.name),
      linkType: arphrd === undefined ? undefined : LINK_TYPE_OF_ARPHRD[arphrd],
      addresses: addresses.map((a) => (a.cidr ?? a.address).replace(/%[^/]*/, '')),
    };
  });
}

function readMac(name: string): string | undefined {
  try {
    const mac = readFileSync(`/sys/class/net/${name}/address`, 'utf8').trim();
    return /^([0-9a-f]{2}:){5}[0-9a-f]{2}$/.test(mac) && mac !== '00:00:00:00:00:00' ? mac : undefined;
  } catch {
    return undefined;
  }
}
