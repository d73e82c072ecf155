/**
 * A seeded generator of packets for the interop tests (not a test file itself). Every packet uses
 * only 127.0.0.0/8 and the documentation ranges (RFC 5737); nothing here is ever sent.
 *
 * The generator is a plain PRNG (mulberry32), so a seed gives the same packets on every machine
 * and every fast-check version.
 */
import type { EncodableLayer } from '../../src/index.js';

/** mulberry32: tiny, fast and good enough to spread test cases. */
export class Rng {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  /** Uniform in [0, 1). */
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  /** Integer in [lo, hi]. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  bool(p = 0.5): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }
  u16(): number {
    return this.int(0, 0xffff);
  }
  u32(): number {
    return this.int(0, 0xffffffff);
  }
  bytes(n: number): Buffer {
    const b = Buffer.alloc(n);
    for (let i = 0; i < n; i++) b[i] = this.int(0, 255);
    return b;
  }
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(0, i);
      [items[i], items[j]] = [items[j], items[i]];
    }
    return items;
  }
}

/** Loopback and the three documentation networks: the only addresses a generated packet may carry. */
export function address(rng: Rng): string {
  switch (rng.int(0, 3)) {
    case 0:
      return `127.${rng.int(0, 255)}.${rng.int(0, 255)}.${rng.int(1, 254)}`;
    case 1:
      return `192.0.2.${rng.int(1, 254)}`;
    case 2:
      return `198.51.100.${rng.int(1, 254)}`;
    default:
      return `203.0.113.${rng.int(1, 254)}`;
  }
}

export const SAFE_ADDRESS = /^(127\.\d+\.\d+\.\d+|192\.0\.2\.\d+|198\.51\.100\.\d+|203\.0\.113\.\d+)$/;

/** Ports given to the `data` dissector with Decode As, so random payloads are never read as an application protocol. */
export const PORT_LO = 40000;
export const PORT_HI = 60000;
export const port = (rng: Rng): number => rng.int(PORT_LO, PORT_HI);

type Fields = Record<string, unknown>;

/** A layer's fields as a record (EncodableLayer types them loosely). */
export const fieldsOf = (layer: EncodableLayer): Fields => (layer.fields ?? {}) as Fields;

/** IPv4 options within `budget` bytes: each kind at most once, valid lengths and pointers, EOL only last. */
function ipv4Options(rng: Rng, budget = 40): Fields[] {
  const out: Fields[] = [];
  let used = 0;
  const kinds = rng.shuffle(['nop', 'nop', 'record-route', 'source-route', 'timestamp', 'router-alert']).slice(0, rng.int(1, 4));
  for (const kind of kinds) {
    const room = budget - used;
    if (kind === 'nop' && room >= 1) {
      out.push({ kind: 'nop' });
      used += 1;
    } else if ((kind === 'record-route' || kind === 'source-route') && room >= 7) {
      const n = rng.int(1, Math.min(9, Math.floor((room - 3) / 4)));
      const addresses = Array.from({ length: n }, () => address(rng));
      // A source route still in progress (pointer at or before the last slot): the case every tool
      // agrees on. A completed route (pointer past the end) is tested on its own, see tshark.test.ts.
      const filled = kind === 'record-route' ? rng.int(0, n) : rng.int(0, n - 1);
      const name = kind === 'record-route' ? 'record-route' : rng.pick(['lsrr', 'ssrr']);
      out.push({ kind: name, pointer: 4 + 4 * filled, addresses });
      used += 3 + 4 * n;
    } else if (kind === 'timestamp' && room >= 8) {
      const flag = room >= 12 ? rng.pick(['timestamps-only', 'with-addresses', 'prespecified'] as const) : 'timestamps-only';
      const size = flag === 'timestamps-only' ? 4 : 8;
      const n = rng.int(1, Math.min(flag === 'timestamps-only' ? 9 : 4, Math.floor((room - 4) / size)));
      const entries = Array.from({ length: n }, () => (size === 8 ? { address: address(rng), timestamp: rng.u32() } : { timestamp: rng.u32() }));
      out.push({ kind: 'timestamp', pointer: 5 + size * rng.int(0, n), overflow: rng.int(0, 15), flag, entries });
      used += 4 + size * n;
    } else if (kind === 'router-alert' && room >= 4) {
      out.push({ kind: 'router-alert', value: rng.bool(0.8) ? 0 : rng.u16() });
      used += 4;
    }
  }
  if (used < budget && rng.bool(0.3)) out.push({ kind: 'eol' });
  return out;
}

/** Kinds tshark 4.0 has no dissector for (unassigned by IANA), so they show as unknown options. */
const UNKNOWN_TCP_KINDS = [31, 32, 33, 35, 40, 41, 50, 60, 77, 100, 120, 150, 200, 222, 250];

function tcpOptions(rng: Rng): Fields[] {
  const out: Fields[] = [];
  let used = 0;
  const kinds = rng.shuffle(['mss', 'window-scale', 'sack-permitted', 'sack', 'timestamps', 'nop', 'nop', 'unknown']).slice(0, rng.int(1, 6));
  for (const kind of kinds) {
    const room = 40 - used;
    if (kind === 'nop' && room >= 1) {
      out.push({ kind: 'nop' });
      used += 1;
    } else if (kind === 'mss' && room >= 4) {
      out.push({ kind: 'mss', value: rng.u16() });
      used += 4;
    } else if (kind === 'window-scale' && room >= 3) {
      out.push({ kind: 'window-scale', shift: rng.int(0, 14) });
      used += 3;
    } else if (kind === 'sack-permitted' && room >= 2) {
      out.push({ kind: 'sack-permitted' });
      used += 2;
    } else if (kind === 'sack' && room >= 10) {
      const n = rng.int(1, Math.min(4, Math.floor((room - 2) / 8)));
      out.push({ kind: 'sack', blocks: Array.from({ length: n }, () => ({ left: rng.u32(), right: rng.u32() })) });
      used += 2 + 8 * n;
    } else if (kind === 'timestamps' && room >= 10) {
      out.push({ kind: 'timestamps', value: rng.u32(), echo: rng.u32() });
      used += 10;
    } else if (kind === 'unknown' && room >= 2) {
      const data = rng.bytes(rng.int(0, Math.min(6, room - 2)));
      out.push({ kind: rng.pick(UNKNOWN_TCP_KINDS), data: data.toString('hex') });
      used += 2 + data.length;
    }
  }
  if (used < 40 && rng.bool(0.3)) out.push({ kind: 'eol' });
  return out;
}

/** IPv4 fields: random TTL, TOS, id and flags (DF and the reserved bit; fragmentation is tested on its own). */
function ipv4Fields(rng: Rng, withOptions: boolean): Fields {
  const flags: string[] = [];
  if (rng.bool(0.05)) flags.push('evil');
  if (rng.bool(0.5)) flags.push('df');
  const f: Fields = {
    src: address(rng),
    dst: address(rng),
    ttl: rng.int(1, 255),
    dscp: rng.int(0, 63),
    ecn: rng.pick(['not-ect', 'ect0', 'ect1', 'ce', 0, 1, 2, 3]),
    id: rng.u16(),
    flags: rng.bool(0.5) ? flags : (flags.includes('evil') ? 4 : 0) | (flags.includes('df') ? 2 : 0),
  };
  if (withOptions) f.options = ipv4Options(rng);
  return f;
}

function udpLayers(rng: Rng): EncodableLayer[] {
  const fields: Fields = { srcPort: port(rng), dstPort: port(rng) };
  // Over IPv4 a zero checksum means "none" (RFC 768): both tools must see that, not a bad checksum.
  if (rng.bool(0.05)) fields.checksum = 0;
  return [{ layer: 'udp', fields }, { layer: 'raw', fields: { data: rng.bytes(rng.int(0, 64)) } }];
}

const TCP_FLAGS = ['ae', 'cwr', 'ece', 'urg', 'ack', 'psh', 'rst', 'syn', 'fin'];

function tcpLayers(rng: Rng, payloadMax = 64): EncodableLayer[] {
  const bits = rng.int(0, 511);
  const fields: Fields = {
    srcPort: port(rng),
    dstPort: port(rng),
    seq: rng.u32(),
    ack: rng.u32(),
    // A list of names or the raw number: both inputs must give the same bits.
    flags: rng.bool(0.5) ? bits : TCP_FLAGS.filter((_, i) => bits & (1 << (8 - i))),
    window: rng.u16(),
    urgentPointer: rng.bool(0.8) ? 0 : rng.u16(),
  };
  if (rng.bool(0.1)) fields.reserved = rng.int(1, 7);
  if (rng.bool(0.7)) fields.options = tcpOptions(rng);
  return [{ layer: 'tcp', fields }, { layer: 'raw', fields: { data: rng.bytes(rng.int(0, payloadMax)) } }];
}

/**
 * The datagram an ICMP error quotes: IPv4 with UDP or TCP, complete, or cut after the transport
 * header as routers do (RFC 792 asks for 8 bytes, RFC 1812 for as much as fits): then the quoted
 * IPv4 total length and UDP length keep their original (larger) values.
 */
function quotedLayers(rng: Rng, outer: Fields): EncodableLayer[] {
  const ip = ipv4Fields(rng, rng.bool(0.2));
  ip.src = outer.dst;
  ip.dst = address(rng);
  const transport = rng.bool(0.5) ? udpLayers(rng) : tcpLayers(rng, 32);
  const cut = rng.bool(0.5);
  if (cut) {
    const payload = fieldsOf(transport[1]).data as Buffer;
    const kept = rng.int(0, Math.min(payload.length, 8));
    const lost = payload.length - kept + rng.int(1, 200);
    // Lengths as the original datagram had them, checksums as computed over it (any value will do: unverifiable).
    const ipHeader = 20 + optionBytes(ip.options as Fields[] | undefined);
    const transportHeader = transport[0].layer === 'udp' ? 8 : 20 + optionBytes(fieldsOf(transport[0]).options as Fields[] | undefined);
    ip.totalLength = ipHeader + transportHeader + kept + lost;
    const t = { ...fieldsOf(transport[0]) };
    if (transport[0].layer === 'udp') t.length = 8 + kept + lost;
    if (t.checksum === undefined) t.checksum = rng.u16();
    return [
      { layer: 'ipv4', fields: ip },
      { layer: transport[0].layer, fields: t },
      { layer: 'raw', fields: { data: payload.subarray(0, kept) } },
    ];
  }
  return [{ layer: 'ipv4', fields: ip }, ...transport];
}

/** Bytes an option list takes, padded to a multiple of 4 (as the encoder pads it). */
export function optionBytes(options: Fields[] | undefined): number {
  if (!options?.length) return 0;
  let n = 0;
  for (const o of options) {
    switch (o.kind) {
      case 'eol':
      case 'nop':
        n += 1;
        break;
      case 'record-route':
      case 'lsrr':
      case 'ssrr':
        n += 3 + 4 * (o.addresses as unknown[]).length;
        break;
      case 'timestamp':
        n += 4 + (o.flag === 'timestamps-only' ? 4 : 8) * (o.entries as unknown[]).length;
        break;
      case 'router-alert':
      case 'mss':
        n += 4;
        break;
      case 'window-scale':
        n += 3;
        break;
      case 'sack-permitted':
        n += 2;
        break;
      case 'sack':
        n += 2 + 8 * (o.blocks as unknown[]).length;
        break;
      case 'timestamps':
        n += 10;
        break;
      default:
        n += 2 + (o.data as string).length / 2;
    }
  }
  return (n + 3) & ~3;
}

const UNREACHABLE = 16;

function icmpLayers(rng: Rng, ip: Fields): EncodableLayer[] {
  const variant = rng.pick([
    'echo-request', 'echo-reply', 'echo-request', 'echo-reply',
    'destination-unreachable', 'destination-unreachable', 'destination-unreachable',
    'redirect', 'time-exceeded', 'parameter-problem', 'source-quench',
    'timestamp-request', 'timestamp-reply', 'information-request', 'information-reply',
    'address-mask-request', 'address-mask-reply', 'router-solicitation', 'router-advertisement',
  ] as const);
  const idSeq = () => ({ id: rng.u16(), seq: rng.u16() });
  switch (variant) {
    case 'echo-request':
    case 'echo-reply':
      return [{ layer: 'icmp', fields: { type: variant, code: 0, ...idSeq() } }, { layer: 'raw', fields: { data: rng.bytes(rng.int(0, 56)) } }];
    case 'destination-unreachable': {
      const code = rng.int(0, UNREACHABLE - 1);
      const fields: Fields = { type: variant, code: rng.bool(0.5) ? code : codeName(code) };
      if (code === 4) fields.nextHopMtu = rng.int(68, 65535);
      return [{ layer: 'icmp', fields }, ...quotedLayers(rng, ip)];
    }
    case 'redirect':
      return [{ layer: 'icmp', fields: { type: variant, code: rng.int(0, 3), gateway: address(rng) } }, ...quotedLayers(rng, ip)];
    case 'time-exceeded':
      return [{ layer: 'icmp', fields: { type: variant, code: rng.int(0, 1) } }, ...quotedLayers(rng, ip)];
    case 'parameter-problem':
      return [{ layer: 'icmp', fields: { type: variant, code: rng.int(0, 2), pointer: rng.int(0, 19) } }, ...quotedLayers(rng, ip)];
    case 'source-quench':
      return [{ layer: 'icmp', fields: { type: variant, code: 0 } }, ...quotedLayers(rng, ip)];
    case 'timestamp-request':
    case 'timestamp-reply':
      return [{ layer: 'icmp', fields: { type: variant, code: 0, ...idSeq(), originate: rng.int(0, 86_399_999), receive: rng.int(0, 86_399_999), transmit: rng.int(0, 86_399_999) } }];
    case 'information-request':
    case 'information-reply':
      return [{ layer: 'icmp', fields: { type: variant, code: 0, ...idSeq() } }];
    case 'address-mask-request':
    case 'address-mask-reply':
      return [{ layer: 'icmp', fields: { type: variant, code: 0, ...idSeq(), mask: `255.255.${rng.pick([0, 128, 192, 255])}.0` } }];
    case 'router-solicitation':
      return [{ layer: 'icmp', fields: { type: variant, code: 0 } }];
    case 'router-advertisement': {
      const n = rng.int(1, 3);
      const entries = Buffer.alloc(8 * n);
      for (let i = 0; i < n; i++) {
        entries.writeUInt32BE(Number(address(rng).split('.').reduce((a, o) => a * 256 + Number(o), 0)), 8 * i);
        entries.writeInt32BE(rng.int(-1000, 1000), 8 * i + 4);
      }
      return [
        { layer: 'icmp', fields: { type: variant, code: 0, addressCount: n, addressEntrySize: 2, lifetime: rng.int(0, 9000) } },
        { layer: 'raw', fields: { data: entries } },
      ];
    }
  }
}

const UNREACHABLE_NAMES = [
  'net-unreachable', 'host-unreachable', 'protocol-unreachable', 'port-unreachable', 'fragmentation-needed',
  'source-route-failed', 'destination-network-unknown', 'destination-host-unknown', 'source-host-isolated',
  'network-prohibited', 'host-prohibited', 'network-unreachable-for-tos', 'host-unreachable-for-tos',
  'communication-prohibited', 'host-precedence-violation', 'precedence-cutoff',
];
const codeName = (code: number): string => UNREACHABLE_NAMES[code];

export interface GeneratedPacket {
  /** What the packet exercises, for failure messages. */
  readonly kind: string;
  readonly layers: EncodableLayer[];
}

/** One IPv4 datagram: UDP, TCP, ICMP or an experimental protocol carrying raw data. */
export function ipPacket(rng: Rng): GeneratedPacket {
  const ip = ipv4Fields(rng, rng.bool(0.3));
  const roll = rng.next();
  let rest: EncodableLayer[];
  let kind: string;
  if (roll < 0.33) [kind, rest] = ['udp', udpLayers(rng)];
  else if (roll < 0.66) [kind, rest] = ['tcp', tcpLayers(rng)];
  else if (roll < 0.96) {
    rest = icmpLayers(rng, ip);
    kind = `icmp ${fieldsOf(rest[0]).type}`;
  } else [kind, rest] = ['raw', [{ layer: 'raw', fields: { data: rng.bytes(rng.int(0, 40)) } }]];
  return { kind, layers: [{ layer: 'ipv4', fields: ip }, ...rest] };
}

/** A unicast, locally administered MAC (a group bit in a source address draws a tshark warning). */
function mac(rng: Rng): string {
  const b = rng.bytes(6);
  b[0] = (b[0] & 0xfc) | 0x02;
  return [...b].map((x) => x.toString(16).padStart(2, '0')).join(':');
}

/** An IPv4 datagram in an Ethernet II frame with zero, one or two 802.1Q tags, sometimes padded to 60 bytes. */
export function ethernetPacket(rng: Rng): GeneratedPacket {
  const inner = ipPacket(rng);
  const vlans = Array.from({ length: rng.pick([0, 0, 1, 1, 2]) }, () => ({ pcp: rng.int(0, 7), dei: rng.int(0, 1), vid: rng.int(1, 4094) }));
  const eth: EncodableLayer = { layer: 'ethernet', fields: { dst: rng.bool(0.1) ? 'ff:ff:ff:ff:ff:ff' : mac(rng), src: mac(rng), vlans } };
  return { kind: `ethernet${vlans.length ? ` ${vlans.length}x802.1Q` : ''} ${inner.kind}`, layers: [eth, ...inner.layers] };
}

/** Pad an Ethernet frame to the 60-byte minimum (without FCS): the padding is the Ethernet layer's trailer. */
export function padEthernet(layers: EncodableLayer[], length: number): EncodableLayer[] {
  if (length >= 60) return layers;
  return [{ ...layers[0], trailer: Buffer.alloc(60 - length) }, ...layers.slice(1)];
}
