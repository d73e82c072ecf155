/**
 * fast-check arbitraries for IPv6 packets: legal extension-header chains (RFC 8200 section 4:
 * any order, any repetition, Hop-by-Hop only first), ICMPv6 with Neighbor Discovery options and
 * MLD, UDP and TCP, tunnels. Shared by the property tests and the tshark interop test (which
 * draws a fixed, seeded sample). Addresses come from 2001:db8::/32 (RFC 3849), link-local and
 * multicast ranges, and IPv4 documentation ranges (RFC 5737). Not a test file itself.
 */
import fc from 'fast-check';
import type { LayerInput, MldRecordTypeName } from '../../src/index.js';
import { ICMPV6_PARAMETER_PROBLEM_CODES, ICMPV6_UNREACHABLE_CODES } from '../../src/codec/protocols/icmpv6.js';
import { MLD_RECORD_TYPES } from '../../src/codec/protocols/icmpv6-mld.js';

export type Layers = LayerInput[];

const u8 = fc.integer({ min: 0, max: 255 });
const u16 = fc.integer({ min: 0, max: 0xffff });
const u32 = fc.integer({ min: 0, max: 0xffffffff });
const highPort = fc.integer({ min: 49152, max: 65535 });

/** Address text in one of the RFC 4291 forms: canonical, full, upper case, or mixed. */
function textForm(bytes: Uint8Array, style: number): string {
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((bytes[i] << 8) | bytes[i + 1]).toString(16));
  switch (style) {
    case 0:
      return groups.map((g) => g.padStart(4, '0')).join(':');
    case 1:
      return groups.join(':').toUpperCase();
    default: {
      // Compress the longest run of zero groups (or leave it when there is none).
      let best = -1;
      let bestLen = 0;
      for (let i = 0; i < 8; ) {
        let j = i;
        while (j < 8 && groups[j] === '0') j++;
        if (j - i > bestLen) {
          best = i;
          bestLen = j - i;
        }
        i = j === i ? i + 1 : j;
      }
      const text = bestLen < 2 ? groups.join(':') : `${groups.slice(0, best).join(':')}::${groups.slice(best + bestLen).join(':')}`;
      return style === 3 ? text.toUpperCase() : text;
    }
  }
}

const addressFrom = (prefix: number[]) =>
  fc
    .tuple(fc.array(u8, { minLength: 16 - prefix.length, maxLength: 16 - prefix.length }), fc.integer({ min: 0, max: 3 }), fc.boolean())
    .map(([rest, style, sparse]) => {
      const b = Uint8Array.from([...prefix, ...rest]);
      // Half the time, mostly zeros: exercises :: compression.
      if (sparse) b.fill(0, prefix.length, 14);
      return textForm(b, style);
    });

/** 2001:db8::/32 (RFC 3849). */
export const docAddress = addressFrom([0x20, 0x01, 0x0d, 0xb8]);
export const linkLocal = addressFrom([0xfe, 0x80, 0, 0, 0, 0, 0, 0]);
export const multicast = fc.constantFrom('ff02::1', 'ff02::2', 'ff02::16', 'ff02::1:ff00:1', 'ff05::db8:1', 'ff0e::db8:2');
const unicast = fc.oneof(docAddress, linkLocal);
const mac = fc.array(u8, { minLength: 5, maxLength: 5 }).map((b) => ['02', ...b.map((x) => x.toString(16).padStart(2, '0'))].join(':'));
const text = fc.string({ unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789 '), maxLength: 48 });
const bytes = (min: number, max: number) => fc.uint8Array({ minLength: min, maxLength: max });

/** Options any receiver accepts: padding, Router Alert, and experimental types (RFC 4727) whose action is "skip". */
export const hopByHopOption = fc.oneof(
  fc.constant({ kind: 'pad1' as const }),
  fc.integer({ min: 0, max: 5 }).map((length) => ({ kind: 'padn' as const, length })),
  fc.constantFrom('mld' as const, 'rsvp' as const, 'active-networks' as const).map((value) => ({ kind: 'router-alert' as const, value })),
  fc.tuple(fc.constantFrom(0x1e, 0x3e), bytes(0, 6)).map(([kind, data]) => ({ kind, data })),
);
export const destOption = fc.oneof(
  fc.constant({ kind: 'pad1' as const }),
  fc.integer({ min: 0, max: 5 }).map((length) => ({ kind: 'padn' as const, length })),
  u8.map((limit) => ({ kind: 'tunnel-encapsulation-limit' as const, limit })),
  fc.tuple(fc.constantFrom(0x1e, 0x3e), bytes(0, 6)).map(([kind, data]) => ({ kind, data })),
);

export const hopByHop = fc.array(hopByHopOption, { maxLength: 4 }).map((options): LayerInput => ({ layer: 'ipv6-hop-by-hop', fields: { options } }));
export const destOptions = fc.array(destOption, { maxLength: 4 }).map((options): LayerInput => ({ layer: 'ipv6-dest-options', fields: { options } }));

const srhTlv = fc.oneof(
  fc.integer({ min: 0, max: 5 }).map((length) => ({ kind: 'padn' as const, length })),
  fc.tuple(fc.integer({ min: 0, max: 1 }), u32, fc.constantFrom(16, 32)).chain(([d, keyId, n]) => bytes(n, n).map((hmac) => ({ kind: 'hmac' as const, d, keyId, hmac }))),
);

/**
 * Routing headers. `forQuote`: for a packet quoted in an ICMPv6 error, no segments left.
 * Wireshark 4.0 checks a quoted UDP checksum against the quoted header's destination, not the
 * final destination RFC 8200 section 8.1 prescribes (which is what the original sender used and
 * what rawcraft computes); with no segments left the two agree. Type 2 always has one segment
 * left (RFC 6275 section 6.4), so it is not quoted.
 */
function routingHeader(forQuote: boolean) {
  const left = (max: number) => (forQuote ? fc.constant(0) : fc.integer({ min: 0, max }));
  return fc.oneof(
    // Type 0 (kept for crafting; RFC 5095 deprecates it).
    fc.array(docAddress, { minLength: 1, maxLength: 3 }).chain((addresses) =>
      left(addresses.length).map((segmentsLeft): LayerInput => ({ layer: 'ipv6-routing', fields: { routingType: 'source-route', addresses, segmentsLeft } })),
    ),
    // Type 2 (Mobile IPv6): exactly one segment left.
    ...(forQuote ? [] : [docAddress.map((homeAddress): LayerInput => ({ layer: 'ipv6-routing', fields: { homeAddress } }))]),
    // Type 4 (SRH).
    fc.tuple(fc.array(docAddress, { minLength: 1, maxLength: 3 }), u16, fc.array(srhTlv, { maxLength: 2 })).chain(([segments, tag, tlvs]) =>
      left(segments.length - 1).map((segmentsLeft): LayerInput => ({ layer: 'ipv6-routing', fields: { segments, segmentsLeft, tag, tlvs } })),
    ),
    // Experimental types (RFC 4727: 253, 254) with no segments left: ignored by receivers (RFC 8200 section 4.4).
    fc.tuple(fc.constantFrom(253, 254), fc.integer({ min: 0, max: 3 })).chain(([routingType, words]) =>
      bytes(4 + 8 * words, 4 + 8 * words).map((data): LayerInput => ({ layer: 'ipv6-routing', fields: { routingType, segmentsLeft: 0, data } })),
    ),
  );
}
export const routing = routingHeader(false);
const quotedRouting = routingHeader(true);

/** An atomic fragment (RFC 6946): offset 0, no more fragments. */
export const atomicFragment = u32.map((id): LayerInput => ({ layer: 'ipv6-fragment', fields: { id } }));
export const ah = fc.tuple(fc.integer({ min: 0x100, max: 0xffffffff }), u32, fc.constantFrom(12, 20, 28)).chain(([spi, seq, n]) =>
  bytes(n, n).map((icv): LayerInput => ({ layer: 'ah', fields: { spi, seq, icv } })),
);

/** Extension headers after the IPv6 header: Hop-by-Hop only first, the others in any order, any of them repeated. */
export const extensionChain = fc
  .tuple(fc.option(hopByHop, { nil: undefined, freq: 2 }), fc.array(fc.oneof(destOptions, routing, atomicFragment, ah), { maxLength: 4 }))
  .map(([hbh, rest]) => (hbh ? [hbh, ...rest] : rest));

const tcpOption = fc.oneof(
  fc.constant({ kind: 'nop' as const }),
  fc.integer({ min: 0, max: 14 }).map((shift) => ({ kind: 'window-scale' as const, shift })),
  fc.constant({ kind: 'sack-permitted' as const }),
  fc.tuple(u32, u32).map(([value, echo]) => ({ kind: 'timestamps' as const, value, echo })),
);

export const udp = fc.tuple(highPort, highPort, text).map(([srcPort, dstPort, data]): Layers => [
  { layer: 'udp', fields: { srcPort, dstPort } },
  ...(data ? [{ layer: 'raw' as const, fields: { data: Buffer.from(data) } }] : []),
]);
/** TCP segments as a stack sends them: MSS on every SYN and on no other segment (tshark warns otherwise), a non-zero window. */
export const tcp = fc
  .tuple(highPort, highPort, u32, u32, fc.subarray(['ack', 'psh'] as const), fc.constantFrom<readonly ('syn' | 'fin')[]>(['syn'], [], ['fin']), fc.integer({ min: 1, max: 0xffff }), fc.integer({ min: 536, max: 65535 }), fc.array(tcpOption, { maxLength: 3 }), text)
  .map(([srcPort, dstPort, seq, ack, f1, f2, window, mss, more, data]): Layers => {
    const syn = f2.includes('syn');
    const options = syn ? [{ kind: 'mss' as const, value: mss }, ...more] : more;
    return [
      { layer: 'tcp', fields: { srcPort, dstPort, seq, ack: f1.includes('ack') ? ack : 0, flags: [...f1, ...f2], window, options } },
      ...(data && !syn ? [{ layer: 'raw' as const, fields: { data: Buffer.from(data) } }] : []),
    ];
  });

export const echo = fc.tuple(fc.constantFrom('echo-request' as const, 'echo-reply' as const), u16, u16, bytes(0, 56)).map(([type, id, seq, data]): Layers => [
  { layer: 'icmpv6', fields: { type, id, seq } },
  ...(data.length ? [{ layer: 'raw' as const, fields: { data } }] : []),
]);

const prefixInfo = fc
  .tuple(fc.integer({ min: 1, max: 128 }), fc.subarray(['l', 'a', 'r'] as const), u32, u32, docAddress)
  .map(([prefixLength, flags, validLifetime, preferredLifetime, prefix]) => ({ kind: 'prefix-information' as const, prefixLength, flags, validLifetime, preferredLifetime, prefix }));
const mtuOption = fc.integer({ min: 1280, max: 65535 }).map((mtu) => ({ kind: 'mtu' as const, mtu }));
const rdnss = fc.tuple(u32, fc.array(docAddress, { minLength: 1, maxLength: 3 })).map(([lifetime, servers]) => ({ kind: 'rdnss' as const, lifetime, servers }));
const sll = mac.map((address) => ({ kind: 'source-link-layer-address' as const, address }));
const tll = mac.map((address) => ({ kind: 'target-link-layer-address' as const, address }));
/** An option type no ND message defines (RFC 4861 says: ignore it), kept raw. */
const unknownNd = fc.tuple(fc.constantFrom(253, 254), bytes(6, 6)).map(([kind, data]) => ({ kind, data }));

export const neighborDiscovery = fc.oneof(
  fc.array(fc.oneof(sll, unknownNd), { maxLength: 2 }).map((options): Layers => [{ layer: 'icmpv6', fields: { type: 'router-solicitation', options } }]),
  fc
    .tuple(u8, fc.subarray(['m', 'o', 'h'] as const), fc.constantFrom('medium' as const, 'high' as const, 'low' as const), u16, u32, u32, fc.array(fc.oneof(sll, prefixInfo, mtuOption, rdnss), { maxLength: 4 }))
    .map(([curHopLimit, flags, preference, routerLifetime, reachableTime, retransTimer, options]): Layers => [
      { layer: 'icmpv6', fields: { type: 'router-advertisement', curHopLimit, flags, preference, routerLifetime, reachableTime, retransTimer, options } },
    ]),
  fc.tuple(unicast, fc.array(sll, { maxLength: 1 })).map(([target, options]): Layers => [{ layer: 'icmpv6', fields: { type: 'neighbor-solicitation', target, options } }]),
  fc.tuple(unicast, fc.subarray(['r', 's', 'o'] as const), fc.array(tll, { maxLength: 1 })).map(([target, flags, options]): Layers => [
    { layer: 'icmpv6', fields: { type: 'neighbor-advertisement', flags, target, options } },
  ]),
  fc.tuple(linkLocal, docAddress, fc.array(tll, { maxLength: 1 })).map(([target, destination, options]): Layers => [
    { layer: 'icmpv6', fields: { type: 'redirect', target, destination, options } },
  ]),
);

const mldRecord = fc
  .tuple(fc.constantFrom(...(Object.keys(MLD_RECORD_TYPES) as MldRecordTypeName[])), multicast, fc.array(docAddress, { maxLength: 2 }))
  .map(([recordType, multicastAddress, sources]) => ({ recordType, multicastAddress, sources }));

export const mld = fc.oneof(
  fc.tuple(fc.constantFrom('mld-query' as const, 'mld-report' as const, 'mld-done' as const), u16, multicast).map(([type, maxResponseDelay, multicastAddress]): Layers => [
    { layer: 'icmpv6', fields: { type, maxResponseDelay, multicastAddress } },
  ]),
  fc
    .tuple(u16, fc.oneof(fc.constant('::'), multicast), fc.integer({ min: 0, max: 1 }), fc.integer({ min: 0, max: 7 }), u8, fc.array(docAddress, { maxLength: 3 }))
    .map(([maxResponseCode, multicastAddress, suppress, qrv, qqic, sources]): Layers => [
      { layer: 'icmpv6', fields: { type: 'mld-query', maxResponseCode, multicastAddress, suppress, qrv, qqic, sources } },
    ]),
  fc.array(mldRecord, { minLength: 1, maxLength: 3 }).map((records): Layers => [{ layer: 'icmpv6', fields: { type: 'mldv2-report', records } }]),
);

/** An ICMPv6 error quoting a whole small packet (IPv6, maybe extension headers, then UDP or an echo). */
export const icmpv6Error = fc
  .tuple(
    fc.oneof(
      fc.constantFrom(...(Object.keys(ICMPV6_UNREACHABLE_CODES) as (keyof typeof ICMPV6_UNREACHABLE_CODES)[])).map((code) => ({ type: 'destination-unreachable' as const, code })),
      fc.integer({ min: 1280, max: 9000 }).map((mtu) => ({ type: 'packet-too-big' as const, mtu })),
      fc.constantFrom('hop-limit-exceeded' as const, 'reassembly-time-exceeded' as const).map((code) => ({ type: 'time-exceeded' as const, code })),
      fc.tuple(fc.constantFrom(...(Object.keys(ICMPV6_PARAMETER_PROBLEM_CODES) as (keyof typeof ICMPV6_PARAMETER_PROBLEM_CODES)[])), fc.integer({ min: 0, max: 80 })).map(([code, pointer]) => ({ type: 'parameter-problem' as const, code, pointer })),
    ),
    docAddress,
    docAddress,
    fc.array(fc.oneof(destOptions, quotedRouting), { maxLength: 1 }),
    fc.oneof(udp, echo),
  )
  .map(([fields, src, dst, chain, upper]): Layers => [{ layer: 'icmpv6', fields }, { layer: 'ipv6', fields: { src, dst } }, ...chain, ...upper]);

/** What follows the extension headers. */
export const upper = fc.oneof(
  { weight: 4, arbitrary: udp },
  { weight: 3, arbitrary: tcp },
  { weight: 3, arbitrary: echo },
  { weight: 4, arbitrary: neighborDiscovery },
  { weight: 2, arbitrary: mld },
  { weight: 3, arbitrary: icmpv6Error },
  // IPv4 in IPv6 (RFC 2473).
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom('192.0.2.1', '198.51.100.7'), fc.constantFrom('203.0.113.9', '192.0.2.200'), udp).map(([src, dst, u]): Layers => [{ layer: 'ipv4', fields: { src, dst } }, ...u]) },
  // IPv6 in IPv6.
  { weight: 1, arbitrary: fc.tuple(docAddress, docAddress, echo).map(([src, dst, e]): Layers => [{ layer: 'ipv6', fields: { src, dst } }, ...e]) },
  // ESP: opaque from its sequence number on.
  { weight: 1, arbitrary: fc.tuple(fc.integer({ min: 0x100, max: 0xffffffff }), u32, bytes(16, 48)).map(([spi, seq, data]): Layers => [{ layer: 'esp', fields: { spi, seq } }, { layer: 'raw', fields: { data } }]) },
  // No Next Header (59) with octets after it, which receivers ignore (RFC 8200 section 4.7). (Wireshark
  // 4.0 reads one octet past a Pad1 that ends the whole packet and calls it malformed, so the
  // sample never ends a packet with the options header itself; the property tests do.)
  { weight: 1, arbitrary: bytes(1, 16).map((data): Layers => [{ layer: 'raw', fields: { data } }]) },
);

export const ipv6Header = fc
  .tuple(fc.integer({ min: 0, max: 63 }), fc.constantFrom('not-ect' as const, 'ect0' as const, 'ect1' as const, 'ce' as const), fc.integer({ min: 0, max: 0xfffff }), fc.integer({ min: 1, max: 255 }), unicast, fc.oneof(unicast, multicast))
  .map(([dscp, ecn, flowLabel, hopLimit, src, dst]): LayerInput => ({ layer: 'ipv6', fields: { dscp, ecn, flowLabel, hopLimit, src, dst } }));

/** A whole IPv6 packet: header, a legal extension chain, an upper layer. */
export const ipv6Packet = fc.tuple(ipv6Header, extensionChain, upper).map(([ip, chain, rest]): Layers => [ip, ...chain, ...rest]);

/** IPv6 in IPv4 (protocol 41, RFC 4213). */
export const sixInFour = fc
  .tuple(fc.constantFrom('192.0.2.1', '198.51.100.7'), fc.constantFrom('203.0.113.9', '192.0.2.200'), ipv6Packet)
  .map(([src, dst, inner]): Layers => [{ layer: 'ipv4', fields: { src, dst } }, ...inner]);
