/**
 * Every protocol rawcraft knows. Adding a protocol is one file in protocols/ plus one line in
 * `codecs`: decode dispatch, the builder's methods, JSON and printing all come from this list.
 */
import type { LayerCodec, NextLayer } from './layer.js';
import { udpPortBindings, udpPortBound } from './udp-ports.js';
import { ethernet } from './protocols/ethernet.js';
import { linuxSll } from './protocols/linux-sll.js';
import { linuxSll2 } from './protocols/linux-sll2.js';
import { bsdLoop, bsdNull } from './protocols/bsd-loopback.js';
import { ppp } from './protocols/ppp.js';
import { ciscoHdlc } from './protocols/cisco-hdlc.js';
import { pktap } from './protocols/pktap.js';
import { nflog } from './protocols/nflog.js';
import { radiotap } from './protocols/radiotap.js';
import { ieee80211 } from './protocols/ieee80211.js';
import { llc } from './protocols/llc.js';
import { ipv4 } from './protocols/ipv4.js';
import { icmp } from './protocols/icmpv4.js';
import { udp } from './protocols/udp.js';
import { tcp } from './protocols/tcp.js';
import { raw } from './protocols/raw.js';
import { ipv6 } from './protocols/ipv6.js';
import { ipv6HopByHop } from './protocols/ipv6-hop-by-hop.js';
import { ipv6Routing } from './protocols/ipv6-routing.js';
import { ipv6Fragment } from './protocols/ipv6-fragment.js';
import { ipv6DestOptions } from './protocols/ipv6-dest-options.js';
import { ah } from './protocols/ah.js';
import { esp } from './protocols/esp.js';
import { icmpv6 } from './protocols/icmpv6.js';
import { sctp } from './protocols/sctp.js';
import { arp } from './protocols/arp.js';
import { gre } from './protocols/gre.js';
import { vxlan } from './protocols/vxlan.js';
import { igmp } from './protocols/igmp.js';

/** Every layer codec rawcraft knows, in registration order: what `rawcraft ls` lists. */
export const codecs: readonly LayerCodec[] = [
  ethernet,
  linuxSll,
  linuxSll2,
  bsdNull,
  bsdLoop,
  ppp,
  ciscoHdlc,
  pktap,
  nflog,
  radiotap,
  ieee80211,
  llc,
  ipv4,
  icmp,
  udp,
  tcp,
  ipv6,
  ipv6HopByHop,
  ipv6Routing,
  ipv6Fragment,
  ipv6DestOptions,
  ah,
  esp,
  icmpv6,
  sctp,
  arp,
  gre,
  vxlan,
  igmp,
  raw,
];

/**
 * The bindings must name registered layers and must not claim a number another layer claims:
 * checked once at load, so a new protocol's mistake is an error naming it, not a silent misroute.
 */
function checkBindings(list: readonly LayerCodec[]): void {
  const names = new Set(list.map((c) => c.name));
  const claimed = new Map<string, string>();
  for (const c of list) {
    for (const other of [...c.follows, ...(c.carries ?? [])]) {
      if (other !== 'start' && !names.has(other)) throw new Error(`codec registry: ${c.name}'s binding names '${other}', which is not a registered layer`);
    }
    for (const [kind, value] of [['ipProtocol', c.ipProtocol], ['etherType', c.etherType], ['udpPort', c.udpPort]] as const) {
      if (value === undefined) continue;
      const key = `${kind} ${value}`;
      const holder = claimed.get(key);
      if (holder !== undefined) throw new Error(`codec registry: ${c.name} and ${holder} both bind ${key}`);
      claimed.set(key, c.name);
    }
  }
}
checkBindings(codecs);

const byName = new Map(codecs.map((c) => [c.name, c]));
const byIpProtocol = new Map(codecs.filter((c) => c.ipProtocol !== undefined).map((c) => [c.ipProtocol!, c]));
const byEtherType = new Map(codecs.filter((c) => c.etherType !== undefined).map((c) => [c.etherType!, c]));
/**
 * What the decode loop needs of a codec, in one shape for every codec: the codecs themselves
 * are literals of many shapes, so reading their properties in the loop is a megamorphic load.
 */
export interface DecodeEntry {
  readonly codec: LayerCodec;
  readonly name: string;
  readonly decode: LayerCodec['decode'];
  readonly verifyChecksum: LayerCodec['verifyChecksum'];
  /** Has `pseudoHeaderSum`: an IP layer. */
  readonly isIp: boolean;
}

const entryOf = (codec: LayerCodec): DecodeEntry => ({
  codec,
  name: codec.name,
  decode: codec.decode,
  verifyChecksum: codec.verifyChecksum,
  isIp: codec.pseudoHeaderSum !== undefined,
});
const entryByName = new Map(codecs.map((c) => [c.name, entryOf(c)]));
const rawEntry = entryByName.get('raw')!;
const entryByIpProtocol = new Map([...byIpProtocol].map(([n, c]) => [n, entryByName.get(c.name)!]));
const entryByEtherType = new Map([...byEtherType].map(([n, c]) => [n, entryByName.get(c.name)!]));
/** Dense by protocol number: resolving what follows an IP header is one indexed load. */
const entryByIpProtocolDense: readonly DecodeEntry[] = Array.from({ length: 256 }, (_, n) => entryByIpProtocol.get(n) ?? rawEntry);

/** resolveNext, as a decode entry. */
export function resolveNextEntry(next: NextLayer): DecodeEntry {
  if (typeof next === 'string') return next === 'raw' ? rawEntry : (entryByName.get(next) ?? rawEntry);
  // A property read, not `in`: `in` is a slow generic lookup on these small objects.
  const n = (next as { readonly ipProtocol?: number }).ipProtocol;
  if (n !== undefined) {
    return (n >= 0 && n < 256 ? entryByIpProtocolDense[n] : entryByIpProtocol.get(n)) ?? rawEntry;
  }
  return entryByEtherType.get((next as { readonly etherType: number }).etherType) ?? rawEntry;
}

for (const c of codecs) {
  if (c.udpPort !== undefined) {
    udpPortBindings.set(c.udpPort, c.name);
    udpPortBound[c.udpPort] = 1;
  }
}

/**
 * The codec for a layer name, or undefined.
 * @example
 * {@includeCode ../../examples/api-codec.ts#registry}
 */
export function codecByName(name: string): LayerCodec | undefined {
  return byName.get(name);
}

/** Resolve what a decoded layer says comes next; unknown numbers give the raw layer. */
export function resolveNext(next: NextLayer): LayerCodec {
  if (typeof next === 'string') return byName.get(next) ?? raw;
  if ('ipProtocol' in next) return byIpProtocol.get(next.ipProtocol) ?? raw;
  return byEtherType.get(next.etherType) ?? raw;
}

const fieldNameCache = new Map<LayerCodec, ReadonlySet<string>>();

/** Every field name a layer accepts (fixed header plus extra fields), for rejecting typos. */
export function fieldNames(codec: LayerCodec): ReadonlySet<string> {
  let names = fieldNameCache.get(codec);
  if (!names) {
    names = new Set([...codec.fields.map((f) => f.name), ...(codec.extraFields ?? []).flatMap((f) => f.name.split(/,\s*/))]);
    fieldNameCache.set(codec, names);
  }
  return names;
}

/** The layer names, for error messages and CLI help. */
export const layerNames = (): string[] => codecs.map((c) => c.name);
