/**
 * Template re-encoding: `PatchableTemplate.patch` with two fixed-header fields changing per
 * packet (an IP field, and the upper layer's source port or echo sequence number) against the
 * hand-written full encode of the same values (bench/baseline*.ts). Before timing, both must
 * give identical bytes for a spread of values.
 */
import { PatchableTemplate } from '../src/traffic/patch.js';
import type { EncodableLayer } from '../src/codec/encode.js';
import { encodeIcmpEcho, encodeTcp, encodeUdp, type TcpIn } from './baseline.js';
import { encodeIcmpv6Echo, encodeTcp6, encodeUdp6 } from './baseline-ipv6.js';
import { encodeSctpData, encodeSctpData6 } from './baseline-sctp.js';

export interface TemplateCase {
  readonly name: string;
  /** Packet k's bytes, rawcraft and baseline: the same values for the same k. */
  readonly rawcraft: (k: number) => Buffer;
  readonly baseline: (k: number) => Buffer;
}

const SRC = '192.0.2.1';
const DST = '198.51.100.2';
const SRC6 = '2001:db8::1';
const DST6 = '2001:db8::2';
const payload64 = Uint8Array.from({ length: 64 }, (_, i) => (i * 37 + 11) & 255);
const payload56 = Uint8Array.from({ length: 56 }, (_, i) => (i * 53 + 7) & 255);
const data100 = Uint8Array.from({ length: 100 }, (_, i) => (i * 29 + 3) & 255);
const TCP: TcpIn = { srcPort: 40000, dstPort: 443, seq: 0x12345678, ack: 0, flags: ['syn'], window: 64240, options: [{ kind: 'mss', value: 1460 }, { kind: 'sack-permitted' }, { kind: 'timestamps', value: 1, echo: 0 }, { kind: 'nop' }, { kind: 'window-scale', shift: 7 }] };

/** The varying values of packet k: an IP field and an upper-layer port or sequence number. */
const id = (k: number): number => k & 0xffff;
const hop = (k: number): number => 1 + (k % 255);
const port = (k: number): number => 1024 + (k % 60000);

const ip4 = { src: SRC, dst: DST, ttl: 64, id: 1 };
const ip6 = { src: SRC6, dst: DST6, hopLimit: 64 };

function template(layers: EncodableLayer[]): PatchableTemplate {
  const t = new PatchableTemplate(layers);
  if (!t.patchable) throw new Error(`template ${layers.map((l) => l.layer).join('/')} is not patchable`);
  return t;
}

const sctpChunk = { type: 'data', flags: ['beginning', 'ending'], tsn: 1, streamId: 0, streamSeq: 0, ppid: 0, data: data100 };

export function templateCases(): TemplateCase[] {
  const udp4 = template([{ layer: 'ipv4', fields: ip4 }, { layer: 'udp', fields: { srcPort: 1234, dstPort: 5678 } }, { layer: 'raw', fields: { data: payload64 } }]);
  const tcp4 = template([{ layer: 'ipv4', fields: ip4 }, { layer: 'tcp', fields: TCP }, { layer: 'raw', fields: { data: payload64 } }]);
  const icmp4 = template([{ layer: 'ipv4', fields: ip4 }, { layer: 'icmp', fields: { type: 'echo-request', id: 1, seq: 1 } }, { layer: 'raw', fields: { data: payload56 } }]);
  const sctp4 = template([{ layer: 'ipv4', fields: ip4 }, { layer: 'sctp', fields: { srcPort: 5000, dstPort: 5001, verificationTag: 0x1234, chunks: [sctpChunk] } }]);
  const udp6 = template([{ layer: 'ipv6', fields: ip6 }, { layer: 'udp', fields: { srcPort: 1234, dstPort: 5678 } }, { layer: 'raw', fields: { data: payload64 } }]);
  const tcp6 = template([{ layer: 'ipv6', fields: ip6 }, { layer: 'tcp', fields: TCP }, { layer: 'raw', fields: { data: payload64 } }]);
  const icmp6 = template([{ layer: 'ipv6', fields: ip6 }, { layer: 'icmpv6', fields: { type: 'echo-request', id: 1, seq: 1 } }, { layer: 'raw', fields: { data: payload56 } }]);
  const sctp6 = template([{ layer: 'ipv6', fields: ip6 }, { layer: 'sctp', fields: { srcPort: 5000, dstPort: 5001, verificationTag: 0x1234, chunks: [sctpChunk] } }]);
  const dataIn = { flags: ['beginning', 'ending'] as const, tsn: 1, streamId: 0, streamSeq: 0, ppid: 0, data: data100 };
  // Change lists written inline per packet, as a caller of patch() writes them.
  return [
    { name: 'ipv4-udp', rawcraft: (k) => udp4.patch([[0, 'id', id(k)], [1, 'srcPort', port(k)]]), baseline: (k) => encodeUdp({ src: SRC, dst: DST, ttl: 64, id: id(k) }, { srcPort: port(k), dstPort: 5678 }, payload64) },
    { name: 'ipv4-tcp-options', rawcraft: (k) => tcp4.patch([[0, 'id', id(k)], [1, 'srcPort', port(k)]]), baseline: (k) => encodeTcp({ src: SRC, dst: DST, ttl: 64, id: id(k) }, { ...TCP, srcPort: port(k) }, payload64) },
    { name: 'ipv4-icmp-echo', rawcraft: (k) => icmp4.patch([[0, 'id', id(k)], [1, 'seq', id(k)]]), baseline: (k) => encodeIcmpEcho({ src: SRC, dst: DST, ttl: 64, id: id(k) }, { type: 'echo-request', id: 1, seq: id(k) }, payload56) },
    { name: 'ipv4-sctp-data', rawcraft: (k) => sctp4.patch([[0, 'id', id(k)], [1, 'srcPort', port(k)]]), baseline: (k) => encodeSctpData({ src: SRC, dst: DST, ttl: 64, id: id(k) }, { srcPort: port(k), dstPort: 5001, verificationTag: 0x1234 }, dataIn) },
    { name: 'ipv6-udp', rawcraft: (k) => udp6.patch([[0, 'hopLimit', hop(k)], [1, 'srcPort', port(k)]]), baseline: (k) => encodeUdp6({ src: SRC6, dst: DST6, hopLimit: hop(k) }, { srcPort: port(k), dstPort: 5678 }, payload64) },
    { name: 'ipv6-tcp-options', rawcraft: (k) => tcp6.patch([[0, 'hopLimit', hop(k)], [1, 'srcPort', port(k)]]), baseline: (k) => encodeTcp6({ src: SRC6, dst: DST6, hopLimit: hop(k) }, { ...TCP, srcPort: port(k) }, payload64) },
    { name: 'ipv6-icmpv6-echo', rawcraft: (k) => icmp6.patch([[0, 'hopLimit', hop(k)], [1, 'seq', id(k)]]), baseline: (k) => encodeIcmpv6Echo({ src: SRC6, dst: DST6, hopLimit: hop(k) }, { type: 'echo-request', id: 1, seq: id(k) }, payload56) },
    { name: 'ipv6-sctp-data', rawcraft: (k) => sctp6.patch([[0, 'hopLimit', hop(k)], [1, 'srcPort', port(k)]]), baseline: (k) => encodeSctpData6({ src: SRC6, dst: DST6, hopLimit: hop(k) }, { srcPort: port(k), dstPort: 5001, verificationTag: 0x1234 }, dataIn) },
  ];
}

/** Both sides' bytes for a spread of k: the name of the first case that differs, or undefined. */
export function verifyTemplates(cases: readonly TemplateCase[]): string | undefined {
  for (const c of cases) {
    for (const k of [0, 1, 2, 255, 256, 4095, 65535, 65536, 123457, 999999]) {
      const ours = c.rawcraft(k);
      const theirs = c.baseline(k);
      if (!ours.equals(theirs)) return `template ${c.name}, packet ${k}:\n  rawcraft ${ours.toString('hex')}\n  baseline ${theirs.toString('hex')}`;
    }
  }
  return undefined;
}
