/**
 * The fast path (src/codec/encode-fast.ts) must give exactly the bytes of the general encoder,
 * and leave everything it does not cover (bad values, options it does not handle, unknown
 * fields) to the general encoder, so errors stay the same. Both are ours, so the reference
 * here is the general path; the general path itself is pinned by the vectors and by tshark.
 */
import { afterEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { compileFast } from '../../src/codec/encode-fast.js';
import { compileFastDecode } from '../../src/codec/decode-fast.js';
import { decode, type DecodeOptions } from '../../src/codec/decode.js';
import { setFastPath } from '../../src/codec/fast-path.js';
import { encodeLayers, type EncodableLayer } from '../../src/codec/encode.js';
import { codecByName } from '../../src/codec/registry.js';
import type { LayerCodec } from '../../src/codec/layer.js';
import { ipv4, ipv6 } from '../../src/builders/packet.js';
import { FieldValueError } from '../../src/codec/errors.js';
import { bundleArb, validBundleArb } from '../sctp/arbitraries.js';
import { ipv4Address, optionList, tcpOption, tcpOptionSize, u16, u32, u8 } from '../property/arbitraries.js';

afterEach(() => setFastPath(true));

function general(layers: EncodableLayer[]): Buffer {
  setFastPath(false);
  try {
    return encodeLayers(layers);
  } finally {
    setFastPath(true);
  }
}

/** The outcome of encoding: the bytes, or the error's class and message. */
function outcome(encode: () => Buffer): string {
  try {
    return encode().toString('hex');
  } catch (error) {
    return `${(error as Error).constructor.name}: ${(error as Error).message}`;
  }
}

/** A decode result (or error) as comparable text: JSON with the key order, plus the issues' texts. */
function outcome2(run: () => unknown): string {
  try {
    const packet = run() as { layers: unknown[]; issues: Error[] };
    const json = JSON.stringify(packet.layers, (_k, v: unknown) => (v instanceof Uint8Array ? `bytes:${Buffer.from(v).toString('hex')}` : v));
    return `${json} issues: ${packet.issues.map((e) => `${e.constructor.name}: ${e.message}`).join(' | ')}`;
  } catch (error) {
    return `${(error as Error).constructor.name}: ${(error as Error).message}`;
  }
}

const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined, freq: 2 });
/** A record whose undefined values are dropped (a field left out, not a field given as undefined). */
const partial = <T extends Record<string, fc.Arbitrary<unknown>>>(shape: T) =>
  fc.record(shape).map((r) => Object.fromEntries(Object.entries(r).filter(([, v]) => v !== undefined)));

const ipv4Fields = partial({
  dscp: maybe(fc.integer({ min: 0, max: 63 })),
  ecn: maybe(fc.constantFrom('not-ect', 'ect1', 'ect0', 'ce', 3)),
  id: maybe(u16),
  flags: maybe(fc.constantFrom(['df'], ['mf'], ['evil', 'df'], [], 2)),
  fragmentOffset: maybe(fc.constant(0)),
  ttl: maybe(u8),
  src: maybe(ipv4Address),
  dst: maybe(ipv4Address),
  // Explicit values, right or wrong, are written as given on both paths.
  totalLength: maybe(u16),
  checksum: maybe(u16),
  protocol: maybe(u8),
  ihl: maybe(fc.integer({ min: 0, max: 15 })),
});
const udpFields = partial({ srcPort: maybe(u16), dstPort: maybe(u16), length: maybe(u16), checksum: maybe(u16) });
const tcpFields = partial({
  srcPort: maybe(u16),
  dstPort: maybe(u16),
  seq: maybe(u32),
  ack: maybe(u32),
  reserved: maybe(fc.integer({ min: 0, max: 7 })),
  flags: maybe(fc.constantFrom(['syn'], ['syn', 'ack'], ['ae', 'fin'], [], 0x1ff)),
  window: maybe(u16),
  urgentPointer: maybe(u16),
  checksum: maybe(u16),
  dataOffset: maybe(fc.integer({ min: 0, max: 15 })),
  options: maybe(optionList(tcpOption, tcpOptionSize)),
});
const icmpFields = partial({
  type: maybe(fc.constantFrom('echo-request', 'echo-reply', 8, 0, 'information-request', 16)),
  code: maybe(u8),
  id: maybe(u16),
  seq: maybe(u16),
  checksum: maybe(u16),
});
const ipv6Address = fc.oneof(
  fc.constantFrom('2001:db8::1', '::1', '::', 'fe80::1', '2001:db8:0:1::', '::ffff:192.0.2.1', '2001:DB8::A'),
  fc.uint8Array({ minLength: 16, maxLength: 16 }).map((b) => Array.from({ length: 8 }, (_, k) => ((b[2 * k] << 8) | b[2 * k + 1]).toString(16)).join(':')),
);
const ipv6Fields = partial({
  dscp: maybe(fc.integer({ min: 0, max: 63 })),
  ecn: maybe(fc.constantFrom('not-ect', 'ect1', 'ect0', 'ce', 3)),
  flowLabel: maybe(fc.integer({ min: 0, max: 0xfffff })),
  hopLimit: maybe(u8),
  src: maybe(ipv6Address),
  dst: maybe(ipv6Address),
  // Explicit values, right or wrong, are written as given on both paths.
  payloadLength: maybe(u16),
  nextHeader: maybe(u8),
  version: maybe(fc.constantFrom(6, 4)),
});
const icmpv6Fields = partial({
  type: maybe(fc.constantFrom('echo-request', 'echo-reply', 128, 129)),
  code: maybe(u8),
  id: maybe(u16),
  seq: maybe(u16),
  checksum: maybe(u16),
});
const ndOption = fc.oneof(
  fc.record({ kind: fc.constantFrom('source-link-layer-address', 'target-link-layer-address'), address: fc.uint8Array({ minLength: 6, maxLength: 6 }).map((b) => [...b].map((x) => x.toString(16).padStart(2, '0')).join(':')) }),
  fc.record({ kind: fc.constant('mtu'), mtu: u32 }),
  fc.record({ kind: fc.integer({ min: 0, max: 255 }), data: fc.uint8Array({ maxLength: 14 }) }),
);
const ndCommon = { code: maybe(u8), target: maybe(ipv6Address), checksum: maybe(u16), options: maybe(fc.array(ndOption, { maxLength: 3 })) };
const ndFields = fc.oneof(
  partial({ type: fc.constantFrom('neighbor-solicitation', 135), reserved: maybe(u32), ...ndCommon }),
  partial({ type: fc.constantFrom('neighbor-advertisement', 136), reserved: maybe(fc.integer({ min: 0, max: 0x1fffffff })), flags: maybe(fc.constantFrom(['s', 'o'], ['r'], [], 7)), ...ndCommon }),
);
const icmpErrorFields = fc.oneof(
  partial({ type: fc.constantFrom('destination-unreachable', 3), code: maybe(fc.constantFrom('port-unreachable', 'fragmentation-needed', 13)), nextHopMtu: maybe(u16), length: maybe(fc.constantFrom(0, 2, 40)), checksum: maybe(u16) }),
  partial({ type: fc.constantFrom('time-exceeded', 11), code: maybe(fc.constantFrom('ttl-exceeded', 1)), rest: maybe(u16), unused: maybe(u8) }),
);
const payload = fc.uint8Array({ maxLength: 300 });
const sctpFields = fc
  .tuple(partial({ srcPort: maybe(u16), dstPort: maybe(u16), verificationTag: maybe(u32), checksum: maybe(u32) }), fc.oneof(validBundleArb, bundleArb, fc.constant(undefined)))
  .map(([fields, chunks]) => (chunks === undefined ? fields : { ...fields, chunks }));

const stacks: fc.Arbitrary<EncodableLayer[]> = fc.oneof(
  fc.tuple(ipv4Fields, udpFields, payload).map(([ip, udp, data]) => [{ layer: 'ipv4', fields: ip }, { layer: 'udp', fields: udp }, { layer: 'raw', fields: { data } }]),
  fc.tuple(ipv4Fields, tcpFields, payload).map(([ip, tcp, data]) => [{ layer: 'ipv4', fields: ip }, { layer: 'tcp', fields: tcp }, { layer: 'raw', fields: { data } }]),
  fc.tuple(ipv4Fields, icmpFields, payload).map(([ip, icmp, data]) => [{ layer: 'ipv4', fields: ip }, { layer: 'icmp', fields: icmp }, { layer: 'raw', fields: { data } }]),
  fc.tuple(ipv4Fields, tcpFields).map(([ip, tcp]) => [{ layer: 'ipv4', fields: ip }, { layer: 'tcp', fields: tcp }]),
  fc.tuple(ipv4Fields, payload).map(([ip, data]) => [{ layer: 'ipv4', fields: ip }, { layer: 'raw', fields: { data } }]),
  // IPv4 in IPv4, and an ICMP echo quoting nothing in particular.
  fc.tuple(ipv4Fields, ipv4Fields, udpFields, payload).map(([outer, inner, udp, data]) => [
    { layer: 'ipv4', fields: outer },
    { layer: 'ipv4', fields: inner },
    { layer: 'udp', fields: udp },
    { layer: 'raw', fields: { data } },
  ]),
  fc.tuple(ipv6Fields, udpFields, payload).map(([ip, udp, data]) => [{ layer: 'ipv6', fields: ip }, { layer: 'udp', fields: udp }, { layer: 'raw', fields: { data } }]),
  fc.tuple(ipv6Fields, tcpFields, payload).map(([ip, tcp, data]) => [{ layer: 'ipv6', fields: ip }, { layer: 'tcp', fields: tcp }, { layer: 'raw', fields: { data } }]),
  fc.tuple(ipv6Fields, icmpv6Fields, payload).map(([ip, icmp, data]) => [{ layer: 'ipv6', fields: ip }, { layer: 'icmpv6', fields: icmp }, { layer: 'raw', fields: { data } }]),
  fc.tuple(ipv6Fields, icmpv6Fields).map(([ip, icmp]) => [{ layer: 'ipv6', fields: ip }, { layer: 'icmpv6', fields: icmp }]),
  fc.tuple(ipv6Fields, ndFields).map(([ip, nd]) => [{ layer: 'ipv6', fields: ip }, { layer: 'icmpv6', fields: nd }]),
  fc.tuple(ipv6Fields, payload).map(([ip, data]) => [{ layer: 'ipv6', fields: ip }, { layer: 'raw', fields: { data } }]),
  fc.tuple(ipv4Fields, sctpFields).map(([ip, sctp]) => [{ layer: 'ipv4', fields: ip }, { layer: 'sctp', fields: sctp }]),
  fc.tuple(ipv6Fields, sctpFields).map(([ip, sctp]) => [{ layer: 'ipv6', fields: ip }, { layer: 'sctp', fields: sctp }]),
  // ICMP errors quoting a datagram (whole, or its start: a lax quote for the decoder).
  fc.tuple(ipv4Fields, icmpErrorFields, ipv4Fields, udpFields, payload).map(([outer, icmp, inner, udp, data]) => [
    { layer: 'ipv4', fields: outer },
    { layer: 'icmp', fields: icmp },
    { layer: 'ipv4', fields: inner },
    { layer: 'udp', fields: udp },
    { layer: 'raw', fields: { data } },
  ]),
  fc.tuple(ipv4Fields, icmpErrorFields, ipv4Fields, icmpFields).map(([outer, icmp, inner, echo]) => [
    { layer: 'ipv4', fields: outer },
    { layer: 'icmp', fields: icmp },
    { layer: 'ipv4', fields: inner },
    { layer: 'icmp', fields: echo },
  ]),
  // IPv6 in IPv4 (6in4) and IPv4 in IPv6.
  fc.tuple(ipv4Fields, ipv6Fields, udpFields, payload).map(([outer, inner, udp, data]) => [
    { layer: 'ipv4', fields: outer },
    { layer: 'ipv6', fields: inner },
    { layer: 'udp', fields: udp },
    { layer: 'raw', fields: { data } },
  ]),
  fc.tuple(ipv6Fields, ipv4Fields, icmpFields, payload).map(([outer, inner, icmp, data]) => [
    { layer: 'ipv6', fields: outer },
    { layer: 'ipv4', fields: inner },
    { layer: 'icmp', fields: icmp },
    { layer: 'raw', fields: { data } },
  ]),
);

describe('fast path', () => {
  it('gives the general encoder\u2019s bytes for every packet it takes, and takes most of them', () => {
    let taken = 0;
    let runs = 0;
    fc.assert(
      fc.property(stacks, (layers) => {
        const fast = compileFast(layers.map((l) => codecByName(l.layer)!), 'list');
        expect(fast).toBeDefined();
        const bytes = fast!(layers);
        runs++;
        if (bytes !== undefined) {
          taken++;
          expect(bytes.toString('hex')).toBe(general(layers).toString('hex'));
        }
        expect(encodeLayers(layers).toString('hex')).toBe(general(layers).toString('hex'));
      }),
      { numRuns: 600 },
    );
    // Only TCP options outside the fast forms (raw kinds, SACK blocks) and over-long lengths go the general way.
    expect(taken / runs).toBeGreaterThan(0.6);
  });

  it('leaves bad values, unknown fields and variable parts to the general encoder, which reports them as before', () => {
    const bad: unknown[] = [256, -1, 1.5, NaN, '1.2.3.999', 'x', null, [], {}, ['nope'], 'echo-requestt', 2 ** 32];
    const fieldsOf: Record<string, string[]> = {
      ipv4: ['ttl', 'src', 'dst', 'id', 'flags', 'ecn', 'totalLength', 'options', 'padding', 'ttll'],
      udp: ['srcPort', 'length', 'checksum', 'dport'],
      tcp: ['seq', 'flags', 'options', 'window', 'padding'],
      icmp: ['type', 'id', 'gateway', 'pointer'],
      ipv6: ['hopLimit', 'src', 'dst', 'flowLabel', 'ecn', 'payloadLength', 'nextHeader', 'hoplimit'],
      icmpv6: ['type', 'code', 'id', 'seq', 'mtu', 'target', 'options'],
      raw: ['data', 'datta'],
    };
    fc.assert(
      fc.property(fc.constantFrom('udp', 'tcp', 'icmp', 'icmpv6', 'raw'), fc.constantFrom('ip', 'upper'), fc.constantFrom(...bad), fc.nat(), fc.boolean(), (upper, where, value, pick, six) => {
        const ip = upper === 'icmpv6' || (six && upper !== 'icmp') ? 'ipv6' : 'ipv4';
        const layer = where === 'ip' ? ip : upper;
        const names = fieldsOf[layer];
        const field = names[pick % names.length];
        const fields = [{} as Record<string, unknown>, {} as Record<string, unknown>, { data: Buffer.from('hi') } as Record<string, unknown>];
        fields[where === 'ip' ? 0 : 1][field] = value;
        const layers: EncodableLayer[] = [{ layer: ip, fields: fields[0] }, { layer: upper, fields: fields[1] }];
        if (upper !== 'raw') layers.push({ layer: 'raw', fields: fields[2] });
        expect(outcome(() => encodeLayers(layers))).toBe(outcome(() => general(layers)));
      }),
      { numRuns: 400 },
    );
  });

  it('is used by the builder, and trailers and corrupt checksums still come out right', () => {
    const build = () => ipv4({ src: '192.0.2.1', dst: '198.51.100.2' }).udp({ dstPort: 9 }).payload('hello');
    const layers = build().layers as EncodableLayer[];
    expect(build().encode().toString('hex')).toBe(general(layers).toString('hex'));
    const spoiled = ipv4({ src: '192.0.2.1', dst: '198.51.100.2' }).udp({ dstPort: 9 }).corrupt('checksum').payload('hello');
    expect(spoiled.encode().toString('hex')).toBe(general(spoiled.layers as EncodableLayer[]).toString('hex'));
    expect(spoiled.encode().readUInt16BE(26)).not.toBe(build().encode().readUInt16BE(26));
    const trailed = ipv4({ src: '192.0.2.1', dst: '198.51.100.2' }).trailer('0000').udp({ dstPort: 9 }).payload('hello');
    expect(trailed.encode().toString('hex')).toBe(general(trailed.layers as EncodableLayer[]).toString('hex'));
    expect(trailed.encode().toString('hex')).toBe(`${build().encode().toString('hex')}0000`);
  });

  it('decodes exactly as the general decoder, also damaged, cut and padded packets, and takes the plain ones', () => {
    let taken = 0;
    let plain = 0;
    const damaged = fc.oneof(
      fc.constant((b: Buffer) => b),
      fc.nat().map((at) => (b: Buffer) => b.subarray(0, at % (b.length + 1))),
      fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })).map(([at, x]) => (b: Buffer) => {
        const c = Buffer.from(b);
        if (c.length) c[at % c.length] ^= x;
        return c;
      }),
      fc.uint8Array({ minLength: 1, maxLength: 8 }).map((extra) => (b: Buffer) => Buffer.concat([b, extra])),
    );
    fc.assert(
      fc.property(stacks, damaged, fc.constantFrom<DecodeOptions>({}, { mode: 'lax' }), (layers, damage, options) => {
        const intact = general(layers);
        const bytes = damage(intact);
        const reference = outcome2(() => {
          setFastPath(false);
          try {
            return decode(bytes, options);
          } finally {
            setFastPath(true);
          }
        });
        // Twice: the first general decode of a stack teaches the decoder, the second may take the fast one.
        expect(outcome2(() => decode(bytes, options))).toBe(reference);
        expect(outcome2(() => decode(bytes, options))).toBe(reference);
        let decodedStack: string[] = [];
        try {
          const lax = decode(bytes, { mode: 'lax' });
          // A packet with issues is never the fast decoder's (its raw remainder is no stack).
          if (lax.issues.length === 0) decodedStack = lax.layers.map((l) => l.layer);
        } catch {
          // nothing decodes: no stack to compile for
        }
        const fast = decodedStack.length ? compileFastDecode(decodedStack.map((name) => codecByName(name)!)) : undefined;
        const direct = fast?.(bytes);
        if (direct !== undefined) {
          taken++;
          expect(outcome2(() => direct)).toBe(reference);
        }
        if (bytes === intact) plain++;
      }),
      { numRuns: 800 },
    );
    // Explicit wrong lengths, protocols and zero UDP checksums in the arbitraries keep many intact packets off the fast path.
    expect(taken).toBeGreaterThan(plain / 4);
    for (const built of [
      ipv4({ src: '192.0.2.1', dst: '198.51.100.2' }).udp({ srcPort: 40000, dstPort: 53 }).payload('query'),
      ipv4().tcp({ flags: ['syn'], options: [{ kind: 'mss', value: 1460 }, { kind: 'sack-permitted' }, { kind: 'timestamps', value: 1, echo: 0 }, { kind: 'nop' }, { kind: 'window-scale', shift: 7 }] }),
      ipv4().icmp({ type: 'echo-request', id: 7, seq: 1 }).payload('ping'),
      ipv4().ipv4().udp().payload('tunnelled'),
      ipv6({ src: '2001:db8::1', dst: '2001:db8::2' }).udp({ srcPort: 40000, dstPort: 53 }).payload('query'),
      ipv6({ src: '2001:db8::1', dst: '2001:db8::2' }).tcp({ flags: ['syn'], options: [{ kind: 'mss', value: 1440 }] }).payload('data'),
      ipv6({ src: '2001:db8::1', dst: '2001:db8::2' }).icmpv6({ type: 'echo-request', id: 7, seq: 1 }).payload('ping'),
      ipv6().icmpv6({ type: 'echo-reply', id: 7, seq: 1 }),
      ipv4({ src: '198.51.100.2', dst: '192.0.2.1' }).icmp({ type: 'destination-unreachable', code: 'port-unreachable' }).ipv4({ src: '192.0.2.1', dst: '198.51.100.2' }).udp({ srcPort: 1234, dstPort: 5678 }).payload('quoted'),
      ipv6({ src: '2001:db8::1', dst: 'ff02::1:ff00:2', hopLimit: 255 }).icmpv6({ type: 'neighbor-solicitation', target: '2001:db8::2', options: [{ kind: 'source-link-layer-address', address: '02:00:00:00:00:01' }] }),
      ipv4().sctp({ srcPort: 5000, dstPort: 5001, verificationTag: 7, chunks: [{ type: 'data', tsn: 1, streamId: 0, streamSeq: 0, ppid: 0, data: Buffer.alloc(100, 1) }] }),
      ipv4().sctp({ chunks: [{ type: 'init', initiateTag: 1, arwnd: 65536, outboundStreams: 10, inboundStreams: 10, initialTsn: 1, params: [{ type: 'ipv4-address', address: '192.0.2.1' }, { type: 'supported-address-types', addressTypes: ['ipv4-address', 'ipv6-address'] }, { type: 'ecn-capable' }, { type: 'forward-tsn-supported' }] }] }),
    ]) {
      const bytes = built.encode();
      const stack = decode(bytes).layers.map((l) => codecByName(l.layer)!);
      const direct = compileFastDecode(stack)?.(bytes);
      expect(direct).toBeDefined();
      expect(outcome2(() => direct)).toBe(outcome2(() => decode(bytes)));
    }
  });

  it('turns a packet of another stack away before reading any header (mixed streams: echo requests and neighbour solicitations)', () => {
    // The IPv6 codec with a header reader that counts its calls: a rejected try must not read
    // (and format the addresses of) the IPv6 header, which made a mixed stream decode at a third of the speed.
    let reads = 0;
    const real = codecByName('ipv6')!;
    const header = real.fast!.header!;
    const counting = { ...real, fast: { ...real.fast!, header: { ...header, read: (buf: Uint8Array, off: number) => (reads++, header.read(buf, off)) } } } as LayerCodec;
    const icmpv6 = codecByName('icmpv6')!;
    const raw = codecByName('raw')!;
    const echo = ipv6({ src: '2001:db8::1', dst: '2001:db8::2' }).icmpv6({ type: 'echo-request', id: 7, seq: 1 }).payload('ping').encode();
    const ns = ipv6({ src: '2001:db8::1', dst: 'ff02::1:ff00:2', hopLimit: 255 }).icmpv6({ type: 'neighbor-solicitation', target: '2001:db8::2', options: [{ kind: 'source-link-layer-address', address: '02:00:00:00:00:01' }] }).encode();
    const echoStack = compileFastDecode([counting, icmpv6, raw])!;
    const ndStack = compileFastDecode([counting, icmpv6])!;
    expect(ndStack(echo)).toBeUndefined();
    expect(echoStack(ns)).toBeUndefined();
    expect(reads).toBe(0);
    // Each still takes its own packets, reading the IPv6 header once.
    expect(outcome2(() => echoStack(echo))).toBe(outcome2(() => decode(echo)));
    expect(outcome2(() => ndStack(ns))).toBe(outcome2(() => decode(ns)));
    expect(reads).toBe(2);
  });

  it('does not swallow its own bugs: only a PacketError (an invalid value) falls back to the general path', () => {
    const udp = codecByName('udp')!;
    const broken = (thrown: Error) => ({
      ...udp,
      fast: { ...udp.fast!, tail: { field: 'srcPort', measure: () => 4, maxHeader: 12, write: () => { throw thrown; } } },
    });
    const layers: EncodableLayer[] = [{ layer: 'ipv4' }, { layer: 'udp', fields: { srcPort: 1 } }];
    const bug = compileFast([codecByName('ipv4')!, broken(new TypeError('a bug in a fast form'))], 'list')!;
    expect(() => bug(layers)).toThrow(TypeError);
    const invalid = compileFast([codecByName('ipv4')!, broken(new FieldValueError('udp', 'srcPort', 1, 'a test value'))], 'list')!;
    expect(invalid(layers)).toBeUndefined();
  });

  it('parses an address field afresh whenever its text changes (the last text is remembered per field, not per packet)', () => {
    // Alternate texts per field, a bad text after a good one, and a good one again: each packet
    // must carry its own addresses, and the bad one must still be refused by name.
    const texts = ['192.0.2.1', '198.51.100.7', '203.0.113.255', '192.0.2.1'];
    for (let k = 0; k < 12; k++) {
      const src = texts[k % 4];
      const dst = texts[(k + 1) % 4];
      const bytes = ipv4({ src, dst }).udp({ srcPort: 1, dstPort: 2 }).encode();
      expect([...bytes.subarray(12, 16)].join('.')).toBe(src);
      expect([...bytes.subarray(16, 20)].join('.')).toBe(dst);
      const inner = `2001:db8::${k.toString(16)}`;
      const six = ipv6({ src: inner, dst: '2001:db8::ffff' }).udp({}).encode();
      expect(six.subarray(8, 24).toString('hex')).toBe(`20010db8${'0'.repeat(20)}${k.toString(16).padStart(4, '0')}`);
    }
    // A layer twice in one packet (an ICMP error quoting a datagram) with other texts each time,
    // and echo requests in between (another fast variant of ICMP): each as the general path gives it.
    for (let k = 0; k < 12; k++) {
      const [outer, inner] = [texts[k % 4], texts[(k + 2) % 4]];
      const quote: EncodableLayer[] = [
        { layer: 'ipv4', fields: { src: outer, dst: inner } },
        { layer: 'icmp', fields: { type: 'destination-unreachable', code: 'port-unreachable' } },
        { layer: 'ipv4', fields: { src: inner, dst: outer } },
        { layer: 'udp', fields: { srcPort: 1, dstPort: 2 } },
      ];
      const echo: EncodableLayer[] = [{ layer: 'ipv4', fields: { src: inner, dst: outer } }, { layer: 'icmp', fields: { type: 'echo-request', id: k, seq: k } }];
      for (const layers of k % 3 ? [quote, echo] : [echo, quote]) expect(encodeLayers(layers).toString('hex')).toBe(general(layers).toString('hex'));
    }
    expect(() => ipv4({ src: '192.0.2.256' }).udp({}).encode()).toThrow(/ipv4\.src/);
    expect(() => ipv4({ src: new String('192.0.2.1') as unknown as string }).udp({}).encode()).toThrow(FieldValueError);
    expect([...ipv4({ src: '192.0.2.1' }).udp({}).encode().subarray(12, 16)].join('.')).toBe('192.0.2.1');
  });

  it('has no fast path for stacks the general encoder must handle (no IP layer for a pseudo-header)', () => {
    expect(compileFast([codecByName('udp')!, codecByName('raw')!], 'list')).toBeUndefined();
    expect(compileFast([codecByName('ethernet')!, codecByName('ipv4')!], 'chain')).toBeUndefined();
  });
});
