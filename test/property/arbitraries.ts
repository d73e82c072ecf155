/**
 * fast-check generators of valid field values, per protocol, in the canonical form the decoder
 * gives back (names where the decoder has names, every optional field present), so a property
 * can compare decode(encode(x)) with x directly. Not a test file itself.
 */
import fc from 'fast-check';
import { codecs, type EncodableLayer } from '../../src/index.js';

/** Numbers that select a decoder (read from the registry, which grows as protocols are added). */
export const BOUND_IP_PROTOCOLS = new Set(codecs.flatMap((c) => (c.ipProtocol === undefined ? [] : [c.ipProtocol])));
export const BOUND_ETHER_TYPES = new Set(codecs.flatMap((c) => (c.etherType === undefined ? [] : [c.etherType])));
export const BOUND_UDP_PORTS = new Set(codecs.flatMap((c) => ((c as { udpPort?: number }).udpPort === undefined ? [] : [(c as { udpPort?: number }).udpPort!])));

export const u8 = fc.integer({ min: 0, max: 0xff });
export const u16 = fc.integer({ min: 0, max: 0xffff });
export const u32 = fc.integer({ min: 0, max: 0xffffffff });
export const ipv4Address = fc.tuple(u8, u8, u8, u8).map((o) => o.join('.'));
export const macAddress = fc.uint8Array({ minLength: 6, maxLength: 6 }).map((b) => [...b].map((x) => x.toString(16).padStart(2, '0')).join(':'));
export const bytes = (maxLength: number) => fc.uint8Array({ maxLength }).map((b) => Buffer.from(b));
export const hexBytes = (minLength: number, maxLength: number) => fc.uint8Array({ minLength, maxLength }).map((b) => Buffer.from(b).toString('hex'));

/** A subset of `names`, in their order (the order the decoder lists flags in). */
const subsetInOrder = <T>(names: readonly T[]) => fc.subarray([...names]);

// ---------------------------------------------------------------------------------------------
// IPv4 options (RFC 791 section 3.1, RFC 2113)

const IPV4_KNOWN_KINDS = new Set([0, 1, 7, 131, 137, 68, 148]);
const TIMESTAMP_FLAGS = ['timestamps-only', 'with-addresses', 'prespecified'] as const;

export type Opt = { kind: string | number; [k: string]: unknown };

const routeOption = fc.record({
  kind: fc.constantFrom('record-route', 'lsrr', 'ssrr'),
  pointer: u8,
  addresses: fc.array(ipv4Address, { maxLength: 9 }),
});
const timestampOption = fc
  .record({
    pointer: u8,
    overflow: fc.integer({ min: 0, max: 15 }),
    flag: fc.oneof(fc.constantFrom(...TIMESTAMP_FLAGS), fc.constantFrom(2, 4, 5, 9, 15)),
    n: fc.integer({ min: 0, max: 4 }),
  })
  .chain(({ n, flag, ...rest }) => {
    const withAddress = flag === 'with-addresses' || flag === 'prespecified';
    const entry = withAddress ? fc.record({ address: ipv4Address, timestamp: u32 }) : fc.record({ timestamp: u32 });
    return fc.array(entry, { minLength: n, maxLength: n }).map((entries) => ({ kind: 'timestamp', ...rest, flag, entries }));
  });
const unknownKind = (known: Set<number>) => u8.filter((k) => !known.has(k));

export const ipv4Option: fc.Arbitrary<Opt> = fc.oneof(
  fc.constant({ kind: 'nop' }),
  routeOption,
  timestampOption,
  fc.record({ kind: fc.constant('router-alert'), value: u16 }),
  fc.record({ kind: unknownKind(IPV4_KNOWN_KINDS), data: hexBytes(0, 6) }),
);

/** Encoded size of an IPv4 option as given. */
export function ipv4OptionSize(o: Opt): number {
  switch (o.kind) {
    case 'eol':
    case 'nop':
      return 1;
    case 'record-route':
    case 'lsrr':
    case 'ssrr':
      return 3 + 4 * (o.addresses as unknown[]).length;
    case 'timestamp': {
      const withAddress = o.flag === 'with-addresses' || o.flag === 'prespecified';
      return 4 + (withAddress ? 8 : 4) * (o.entries as unknown[]).length;
    }
    case 'router-alert':
      return 4;
    default:
      return 2 + (o.data as string).length / 2;
  }
}

// ---------------------------------------------------------------------------------------------
// TCP options (RFC 9293 section 3.2, RFC 7323, RFC 2018)

const TCP_KNOWN_KINDS = new Set([0, 1, 2, 3, 4, 5, 8]);
export const tcpOption: fc.Arbitrary<Opt> = fc.oneof(
  fc.constant({ kind: 'nop' }),
  fc.record({ kind: fc.constant('mss'), value: u16 }),
  fc.record({ kind: fc.constant('window-scale'), shift: u8 }),
  fc.constant({ kind: 'sack-permitted' }),
  fc.record({ kind: fc.constant('sack'), blocks: fc.array(fc.record({ left: u32, right: u32 }), { minLength: 1, maxLength: 4 }) }),
  fc.record({ kind: fc.constant('timestamps'), value: u32, echo: u32 }),
  fc.record({ kind: unknownKind(TCP_KNOWN_KINDS), data: hexBytes(0, 6) }),
);

export function tcpOptionSize(o: Opt): number {
  switch (o.kind) {
    case 'eol':
    case 'nop':
      return 1;
    case 'mss':
      return 4;
    case 'window-scale':
      return 3;
    case 'sack-permitted':
      return 2;
    case 'sack':
      return 2 + 8 * (o.blocks as unknown[]).length;
    case 'timestamps':
      return 10;
    default:
      return 2 + (o.data as string).length / 2;
  }
}

/** A list that fits in 40 bytes, optionally closed by an EOL. */
export function optionList(option: fc.Arbitrary<Opt>, size: (o: Opt) => number): fc.Arbitrary<Opt[]> {
  return fc
    .tuple(fc.array(option, { maxLength: 8 }), fc.boolean())
    .map(([list, eol]) => (eol ? [...list, { kind: 'eol' }] : list))
    .filter((list) => list.reduce((n, o) => n + size(o), 0) <= 40);
}

/**
 * What the decoder reads back for a list: the options are padded with zeros to a multiple of 4
 * bytes (RFC 791 / RFC 9293), and the first zero byte of padding reads as an EOL option.
 */
export function decodedOptions(list: Opt[], size: (o: Opt) => number): Opt[] {
  const length = list.reduce((n, o) => n + size(o), 0);
  return length % 4 && list.at(-1)?.kind !== 'eol' ? [...list, { kind: 'eol' }] : list;
}

// ---------------------------------------------------------------------------------------------
// Headers

export const ipv4Fields = fc.record({
  version: fc.constant(4),
  dscp: fc.integer({ min: 0, max: 63 }),
  ecn: fc.constantFrom('not-ect', 'ect1', 'ect0', 'ce'),
  id: u16,
  flags: subsetInOrder(['evil', 'df', 'mf'] as const),
  fragmentOffset: fc.constant(0),
  ttl: u8,
  src: ipv4Address,
  dst: ipv4Address,
  options: optionList(ipv4Option, ipv4OptionSize),
});

/** A UDP port that does not select a decoder for the payload (e.g. SCTP over UDP, 9899). */
export const udpPort = u16.filter((p) => !BOUND_UDP_PORTS.has(p));
export const udpFields = fc.record({ srcPort: udpPort, dstPort: udpPort }, { requiredKeys: [] });

export const tcpFields = fc.record({
  srcPort: u16,
  dstPort: u16,
  seq: u32,
  ack: u32,
  reserved: fc.integer({ min: 0, max: 7 }),
  flags: subsetInOrder(['ae', 'cwr', 'ece', 'urg', 'ack', 'psh', 'rst', 'syn', 'fin'] as const),
  window: u16,
  urgentPointer: u16,
  options: optionList(tcpOption, tcpOptionSize),
});

const CODES: Record<string, readonly string[]> = {
  'destination-unreachable': ['net-unreachable', 'host-unreachable', 'protocol-unreachable', 'port-unreachable', 'fragmentation-needed',
    'source-route-failed', 'destination-network-unknown', 'destination-host-unknown', 'source-host-isolated', 'network-prohibited',
    'host-prohibited', 'network-unreachable-for-tos', 'host-unreachable-for-tos', 'communication-prohibited', 'host-precedence-violation',
    'precedence-cutoff'],
  redirect: ['network', 'host', 'tos-network', 'tos-host'],
  'time-exceeded': ['ttl-exceeded', 'reassembly-time-exceeded'],
  'parameter-problem': ['pointer', 'missing-option', 'bad-length'],
};
const named = (type: string) => {
  const names = CODES[type];
  return names ? fc.oneof(fc.constantFrom(...names), fc.integer({ min: names.length, max: 255 })) : u8;
};

/**
 * RFC 4884's length of the quoted datagram: 0, "not given". Any other value must match the
 * quote the stack around it makes (RFC 4884 sections 4.1 and 5), which the decoder reports
 * otherwise; test/codec/deviations.test.ts covers those values.
 */
const quotedLength = fc.constant(0);

/** ICMP messages of every known type (RFC 792, 950, 1191, 1256, 4884) and unknown ones. */
export const icmpFields: fc.Arbitrary<Record<string, unknown>> = fc.oneof(
  ...(['echo-reply', 'echo-request', 'information-request', 'information-reply'] as const).map((type) =>
    fc.record({ type: fc.constant(type), code: u8, id: u16, seq: u16 }),
  ),
  fc.record({ type: fc.constant('destination-unreachable'), code: named('destination-unreachable'), unused: u8, length: quotedLength, nextHopMtu: u16 }),
  fc.record({ type: fc.constant('source-quench'), code: u8, unused: u32 }),
  fc.record({ type: fc.constant('redirect'), code: named('redirect'), gateway: ipv4Address }),
  fc.record({ type: fc.constant('router-advertisement'), code: u8, addressCount: u8, addressEntrySize: u8, lifetime: u16 }),
  fc.record({ type: fc.constant('router-solicitation'), code: u8, unused: u32 }),
  fc.record({ type: fc.constant('time-exceeded'), code: named('time-exceeded'), unused: u8, length: quotedLength, rest: u16 }),
  fc.record({ type: fc.constant('parameter-problem'), code: named('parameter-problem'), pointer: u8, length: quotedLength, unused: u16 }),
  ...(['timestamp-request', 'timestamp-reply'] as const).map((type) =>
    fc.record({ type: fc.constant(type), code: u8, id: u16, seq: u16, originate: u32, receive: u32, transmit: u32 }),
  ),
  ...(['address-mask-request', 'address-mask-reply'] as const).map((type) =>
    fc.record({ type: fc.constant(type), code: u8, id: u16, seq: u16, mask: ipv4Address }),
  ),
  fc.record({ type: fc.integer({ min: 19, max: 255 }), code: u8, rest: u32 }),
  fc.record({ type: fc.constantFrom(1, 2, 6, 7), code: u8, rest: u32 }),
);
export const ICMP_ERROR_TYPES = new Set(['destination-unreachable', 'source-quench', 'redirect', 'time-exceeded', 'parameter-problem']);

const TAG_TPIDS = [0x8100, 0x88a8, 0x9100];
export const vlanTag = fc.record({ tpid: fc.constantFrom(...TAG_TPIDS), pcp: fc.integer({ min: 0, max: 7 }), dei: fc.integer({ min: 0, max: 1 }), vid: fc.integer({ min: 0, max: 4095 }) });
export const ethernetFields = fc.record({ dst: macAddress, src: macAddress, vlans: fc.array(vlanTag, { maxLength: 3 }) });

export const linuxSllFields = fc.record({
  packetType: u16,
  arphrdType: u16,
  addressLength: u16,
  address: hexBytes(8, 8),
});

// ---------------------------------------------------------------------------------------------
// Link layers of capture files (before an IPv4 datagram)

export const bsdNullFields = fc.record({ family: fc.constant(2), byteOrder: fc.constantFrom('little', 'big') });
export const pppFields = fc.record({ addressControl: fc.boolean(), protocol: fc.constant(0x21), protocolCompressed: fc.boolean() });
export const linuxSll2Fields = fc.record({
  protocol: fc.constant(0x0800),
  reserved: u16,
  interfaceIndex: u32,
  arphrdType: u16,
  packetType: u8,
  addressLength: u8,
  address: hexBytes(8, 8),
});
/** An 802.11 data frame (plain or QoS, any DS direction, unprotected, no A-MSDU) and the LLC/SNAP header after it. */
export const ieee80211DataLayers: fc.Arbitrary<EncodableLayer[]> = fc
  .record({
    subtype: fc.constantFrom(0, 8),
    flags: subsetInOrder(['more-data', 'power-management', 'retry', 'from-ds', 'to-ds']),
    duration: u16,
    sequence: fc.integer({ min: 0, max: 4095 }),
    fragment: fc.integer({ min: 0, max: 15 }),
    qosControl: u16.filter((q) => (q & 0x80) === 0),
    addresses: fc.array(macAddress, { minLength: 4, maxLength: 4 }),
  })
  .map(({ subtype, flags, qosControl, addresses, ...rest }) => [
    {
      layer: 'ieee80211',
      fields: { subtype, flags, ...rest, addresses: addresses.slice(0, flags.includes('from-ds') && flags.includes('to-ds') ? 4 : 3), ...(subtype === 8 ? { qosControl } : {}) },
    },
    { layer: 'llc', fields: {} },
  ]);
const latin1 = (max: number) => fc.array(fc.integer({ min: 1, max: 255 }), { maxLength: max }).map((codes) => String.fromCharCode(...codes));
export const pktapFields = fc.record({ interfaceName: latin1(24), pid: u32, command: latin1(20), interfaceType: u16, flags: u32 }, { requiredKeys: [] });
export const radiotapFields = fc.record(
  { tsft: fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), flags: u8.map((f) => f & ~0x30), rate: u8, antennaSignal: fc.integer({ min: -128, max: 127 }), antenna: u8 },
  { requiredKeys: [] },
);

// ---------------------------------------------------------------------------------------------
// Whole packets: valid stacks of layers, for mutation

const payload = bytes(40).map((data) => ({ layer: 'raw', fields: { data } }));
const transport: fc.Arbitrary<EncodableLayer[]> = fc.oneof(
  fc.tuple(udpFields, payload).map(([f, p]) => [{ layer: 'udp', fields: f }, p]),
  fc.tuple(tcpFields, payload).map(([f, p]) => [{ layer: 'tcp', fields: f }, p]),
  fc.tuple(icmpFields.filter((f) => !ICMP_ERROR_TYPES.has(f.type as string)), payload).map(([f, p]) => [{ layer: 'icmp', fields: f }, p]),
  fc.tuple(icmpFields.filter((f) => ICMP_ERROR_TYPES.has(f.type as string)), ipv4Fields, udpFields, payload).map(([f, ip, u, p]) => [
    { layer: 'icmp', fields: f },
    { layer: 'ipv4', fields: ip },
    { layer: 'udp', fields: u },
    p,
  ]),
  payload.map((p) => [p]),
);

/** A valid packet, starting at `from`. */
export const validPacket: fc.Arbitrary<{ from: string; layers: EncodableLayer[] }> = fc.oneof(
  fc.tuple(ipv4Fields, transport).map(([ip, rest]) => ({ from: 'ipv4', layers: [{ layer: 'ipv4', fields: ip }, ...rest] })),
  fc.tuple(ethernetFields, ipv4Fields, transport).map(([eth, ip, rest]) => ({
    from: 'ethernet',
    layers: [{ layer: 'ethernet', fields: eth }, { layer: 'ipv4', fields: ip }, ...rest],
  })),
  fc.tuple(linuxSllFields, ipv4Fields, transport).map(([sll, ip, rest]) => ({
    from: 'linux-sll',
    layers: [{ layer: 'linux-sll', fields: sll }, { layer: 'ipv4', fields: ip }, ...rest],
  })),
  fc.tuple(fc.constantFrom('linux-sll2', 'bsd-null', 'bsd-loop', 'ppp'), linuxSll2Fields, bsdNullFields, pppFields, ipv4Fields, transport).map(([from, sll2, bsdNull, ppp, ip, rest]) => ({
    from,
    layers: [{ layer: from, fields: from === 'linux-sll2' ? sll2 : from === 'bsd-null' ? bsdNull : from === 'ppp' ? ppp : { family: 2 } }, { layer: 'ipv4', fields: ip }, ...rest],
  })),
  fc.tuple(pktapFields, fc.boolean(), ipv4Fields, transport).map(([tap, overNull, ip, rest]) => ({
    from: 'pktap',
    layers: [{ layer: 'pktap', fields: tap }, ...(overNull ? [{ layer: 'bsd-null', fields: { family: 2 } }] : []), { layer: 'ipv4', fields: ip }, ...rest],
  })),
  fc.tuple(fc.option(radiotapFields), ieee80211DataLayers, ipv4Fields, transport).map(([radio, wlan, ip, rest]) => ({
    from: radio ? 'radiotap' : 'ieee80211',
    layers: [...(radio ? [{ layer: 'radiotap', fields: radio }] : []), ...wlan, { layer: 'ipv4', fields: ip }, ...rest],
  })),
);

// ---------------------------------------------------------------------------------------------
// Tunnels (RFC 2784/2890 GRE, RFC 7348 VXLAN)

/** GRE with any mix of the optional parts; the checksum flag given explicitly (the checksum then computed). */
export const greFields: fc.Arbitrary<Record<string, unknown>> = fc
  .record({ withChecksum: fc.boolean(), key: fc.option(u32, { nil: undefined }), sequence: fc.option(u32, { nil: undefined }) })
  .map(({ withChecksum, key, sequence }) => ({
    ...(withChecksum ? { flags: ['checksum', ...(key !== undefined ? ['key'] : []), ...(sequence !== undefined ? ['sequence'] : [])] } : {}),
    ...(key !== undefined ? { key } : {}),
    ...(sequence !== undefined ? { sequence } : {}),
  }));
export const vxlanFields = fc.record({ vni: fc.integer({ min: 0, max: 0xffffff }) }, { requiredKeys: [] });

// ---------------------------------------------------------------------------------------------
// IGMP (RFC 1112, RFC 2236, RFC 3376)

const igmpRecord = fc.record({
  type: fc.constantFrom('mode-is-include', 'mode-is-exclude', 'change-to-include', 'change-to-exclude', 'allow-new-sources', 'block-old-sources'),
  multicastAddress: ipv4Address,
  sources: fc.array(ipv4Address, { maxLength: 3 }),
  auxData: fc.integer({ min: 0, max: 2 }).chain((words) => hexBytes(4 * words, 4 * words)),
});
export const igmpFields: fc.Arbitrary<Record<string, unknown>> = fc.oneof(
  fc.record({ type: fc.constantFrom('membership-query', 'v1-membership-report', 'v2-membership-report', 'leave-group'), maxRespCode: u8, group: ipv4Address }),
  fc.record({ type: fc.constant('membership-query'), maxRespCode: u8, group: ipv4Address, reserved: fc.integer({ min: 0, max: 15 }), suppress: fc.boolean(), qrv: fc.integer({ min: 0, max: 7 }), qqic: u8, sources: fc.array(ipv4Address, { maxLength: 4 }) }),
  fc.record({ type: fc.constant('v3-membership-report'), reserved2: u16, records: fc.array(igmpRecord, { maxLength: 3 }) }),
);

/**
 * Valid fields of each layer by name, for the registry-driven properties (registry.test.ts):
 * a protocol added to the registry needs its entry here, or that test names it.
 */
export const LAYER_ARBITRARIES: Readonly<Record<string, fc.Arbitrary<Record<string, unknown>>>> = {
  ipv4: ipv4Fields,
  udp: udpFields,
  tcp: tcpFields,
  icmp: icmpFields.filter((f) => !ICMP_ERROR_TYPES.has(f.type as string)),
  ethernet: ethernetFields,
  'linux-sll': linuxSllFields,
  'linux-sll2': linuxSll2Fields,
  'bsd-null': bsdNullFields,
  ppp: pppFields,
  pktap: pktapFields,
  radiotap: radiotapFields,
  gre: greFields,
  vxlan: vxlanFields,
  igmp: igmpFields,
};
