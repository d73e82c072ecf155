/**
 * The IPv6 builder and codec behaviour the issue spells out: every field with its default or
 * computed value, addresses in every text form (RFC 4291 section 2.2, RFC 5952 output), zone ids
 * refused, tunnels, the UDP zero checksum over IPv6 (RFC 8200 section 8.1), jumbograms (RFC 2675),
 * extension-header rules, typed errors.
 */
import { describe, expect, it } from 'vitest';
import {
  ContentError,
  FieldValueError,
  LengthError,
  StackError,
  UnknownFieldError,
  decode,
  encodeLayers,
  ethernet,
  ipv4,
  ipv6,
  layerForLinkType,
  layersFromJson,
  packet,
  packetToJson,
  show,
  summary,
} from '../../src/index.js';

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  return undefined;
}

const reencode = (bytes: Uint8Array): Buffer => encodeLayers(layersFromJson(JSON.parse(JSON.stringify(packetToJson(0, decode(bytes, { mode: 'lax' })))), 0));

describe('IPv6 header fields', () => {
  it('defaults: version 6, hop limit 64, ::1 to ::1, No Next Header, payload length computed', () => {
    const bytes = ipv6().encode();
    expect(bytes.toString('hex')).toBe('60000000' + '0000' + '3b' + '40' + '0'.repeat(30) + '01' + '0'.repeat(30) + '01');
    expect(decode(bytes).layers[0].fields).toEqual({
      version: 6,
      dscp: 0,
      ecn: 'not-ect',
      flowLabel: 0,
      payloadLength: 0,
      nextHeader: 59,
      hopLimit: 64,
      src: '::1',
      dst: '::1',
    });
  });

  it('traffic class as DSCP and ECN, a 20-bit flow label, explicit values written as given', () => {
    const bytes = ipv6({ dscp: 46, ecn: 'ce', flowLabel: 0xfffff, hopLimit: 1, payloadLength: 999, nextHeader: 200 }).encode();
    expect(bytes.subarray(0, 8).toString('hex')).toBe('6bbfffff03e7c801');
    expect(thrown(() => ipv6({ flowLabel: 0x100000 }).encode())).toBeInstanceOf(FieldValueError);
    expect(thrown(() => ipv6({ dscp: 64 }).encode())).toBeInstanceOf(FieldValueError);
  });

  it('Next Header and payload length are filled in from what follows', () => {
    const next = (b: Buffer) => b[6];
    expect(next(ipv6().udp().encode())).toBe(17);
    expect(next(ipv6().tcp().encode())).toBe(6);
    expect(next(ipv6().icmpv6().encode())).toBe(58);
    expect(next(ipv6().ipv6HopByHop().encode())).toBe(0);
    expect(next(ipv6().ipv6Routing({ addresses: [] }).encode())).toBe(43);
    expect(next(ipv6().ipv6Fragment().encode())).toBe(44);
    expect(next(ipv6().ipv6DestOptions().encode())).toBe(60);
    expect(next(ipv6().ah().encode())).toBe(51);
    expect(next(ipv6().esp().encode())).toBe(50);
    expect(next(ipv6().ipv4().encode())).toBe(4);
    expect(next(ipv6().ipv6().encode())).toBe(41);
    expect(next(ipv6().payload('x').encode())).toBe(59);
    const b = ipv6().ipv6DestOptions().udp().payload('abc').encode();
    expect(b.readUInt16BE(4)).toBe(8 + 8 + 3);
    expect(b[40]).toBe(17);
  });

  it('accepts addresses in every text form and prints them in RFC 5952 form', () => {
    const forms = ['2001:db8::1', '2001:0DB8:0000:0000:0000:0000:0000:0001', '2001:db8:0:0::1', '2001:DB8::0:1'];
    const encoded = forms.map((dst) => ipv6({ dst }).encode().toString('hex'));
    expect(new Set(encoded).size).toBe(1);
    expect((decode(ipv6({ dst: forms[1] }).encode()).layers[0].fields as { dst: string }).dst).toBe('2001:db8::1');
    // IPv4-mapped and IPv4-embedded forms (RFC 4291 section 2.5.5).
    const mapped = ipv6({ src: '::ffff:192.0.2.1', dst: '64:ff9b::198.51.100.7' }).encode();
    expect(mapped.subarray(8, 40).toString('hex')).toBe('00000000000000000000ffffc0000201' + '0064ff9b0000000000000000c6336407');
    expect(decode(mapped).layers[0].fields).toMatchObject({ src: '::ffff:192.0.2.1', dst: '64:ff9b::c633:6407' });
    expect((decode(ipv6({ dst: '2001:db8:0:0:1:0:0:1' }).encode()).layers[0].fields as { dst: string }).dst).toBe('2001:db8::1:0:0:1');
  });

  it('refuses a zone id, in the header and in every other address field, with an error naming the field', () => {
    const cases: [string, () => unknown][] = [
      ['ipv6.src', () => ipv6({ src: 'fe80::1%eth0' }).encode()],
      ['ipv6.dst', () => ipv6({ dst: 'fe80::2%1' }).encode()],
      ['ipv6-routing.addresses[0]', () => ipv6().ipv6Routing({ addresses: ['fe80::1%lo'] }).encode()],
      ['ipv6-routing.segments[0]', () => ipv6().ipv6Routing({ segments: ['fe80::1%lo'] }).encode()],
      ['icmpv6.target', () => ipv6().icmpv6({ type: 'neighbor-solicitation', target: 'fe80::1%eth0' }).encode()],
      ['icmpv6.options[0].prefix', () => ipv6().icmpv6({ type: 'router-advertisement', options: [{ kind: 'prefix-information', prefix: 'fe80::%eth0' }] }).encode()],
    ];
    for (const [where, fn] of cases) {
      const error = thrown(fn);
      expect(error, where).toBeInstanceOf(FieldValueError);
      expect((error as Error).message, where).toContain(where);
      expect((error as Error).message, where).toMatch(/zone id/);
    }
    expect(thrown(() => ipv6({ dst: '2001:db8::g' }).encode())).toBeInstanceOf(FieldValueError);
    expect(thrown(() => ipv6({ dst: '1:2:3:4:5:6:7:8:9' }).encode())).toBeInstanceOf(FieldValueError);
  });

  it('refuses unknown field names with a suggestion', () => {
    const error = thrown(() => ipv6({ hoplimit: 3 } as never).encode());
    expect(error).toBeInstanceOf(UnknownFieldError);
    expect((error as UnknownFieldError).suggestion).toBe('hopLimit');
    expect(thrown(() => ipv6().icmpv6({ type: 'echo-request', target: '::1' } as never).encode())).toBeInstanceOf(UnknownFieldError);
    expect(thrown(() => ipv6().ipv6Routing({ segments: ['2001:db8::1'], addresses: ['2001:db8::2'] }).encode())).toBeInstanceOf(UnknownFieldError);
  });

  it('decodes from a capture: version nibble, link types 101 and 229, EtherType 0x86DD', () => {
    const bytes = ipv6().udp().encode();
    expect(decode(bytes).layers[0].layer).toBe('ipv6');
    expect(layerForLinkType(229)).toBe('ipv6');
    const frame = ethernet().ipv6().udp().encode();
    expect(frame.readUInt16BE(12)).toBe(0x86dd);
    expect(decode(frame, { from: 'ethernet' }).layers.map((l) => l.layer)).toEqual(['ethernet', 'ipv6', 'udp']);
    expect(summary(decode(frame, { from: 'ethernet' }))).toMatch(/IPv6 ::1 > ::1 nh 17/);
    expect(show(decode(bytes))).toMatch(/ipv6 {2}Internet Protocol version 6 \(RFC 8200\)/);
  });

  it('reports a truncated packet with its offset and the field that demanded the length', () => {
    const bytes = ipv6().udp().payload('hello').encode();
    const error = thrown(() => decode(bytes.subarray(0, 50)));
    expect(error).toBeInstanceOf(LengthError);
    expect((error as LengthError).source).toBe('ipv6.payloadLength');
    expect((error as LengthError).offset).toBe(0);
    const lax = decode(bytes.subarray(0, 50), { mode: 'lax' });
    expect(lax.issues.map((i) => i.code)).toEqual(['E_LENGTH']);
    expect(reencode(bytes.subarray(0, 50)).equals(bytes.subarray(0, 50))).toBe(true);
  });
});

describe('typestate (npm run typecheck: each @ts-expect-error line must be a type error)', () => {
  it('offers only the layers that may follow', () => {
    // @ts-expect-error Hop-by-Hop comes only right after the IPv6 header (RFC 8200 section 4.3).
    void (() => ipv6().ipv6DestOptions().ipv6HopByHop());
    // @ts-expect-error nothing but its opaque data follows ESP.
    void (() => ipv6().esp().udp());
    // @ts-expect-error ICMPv6 needs IPv6 around it.
    void (() => ipv4().icmpv6());
    // @ts-expect-error typo in a field name.
    void (() => ipv6({ hoplimit: 1 }));
    // Allowed: any order and repeats after the IPv6 header, tunnels, UDP after extension headers.
    void (() => ipv6().ipv6HopByHop().ah().ipv6Routing().ipv6Fragment().ipv6DestOptions().ipv6DestOptions().ipv4().ipv6().udp().payload('x'));
    expect(typeof ipv6().ipv6HopByHop).toBe('function');
  });
});

describe('tunnels by stacking', () => {
  it('IPv6 in IPv4 (41), IPv4 in IPv6 (4), IPv6 in IPv6 (41)', () => {
    const sixInFour = ipv4({ src: '192.0.2.1', dst: '198.51.100.1' }).ipv6({ src: '2001:db8::1', dst: '2001:db8::2' }).udp().payload('6in4').encode();
    expect(sixInFour[9]).toBe(41);
    expect(decode(sixInFour).layers.map((l) => l.layer)).toEqual(['ipv4', 'ipv6', 'udp', 'raw']);
    const fourInSix = ipv6().ipv4({ src: '192.0.2.1', dst: '198.51.100.1' }).udp().payload('4in6').encode();
    expect(fourInSix[6]).toBe(4);
    const decoded = decode(fourInSix).layers;
    expect(decoded.map((l) => l.layer)).toEqual(['ipv6', 'ipv4', 'udp', 'raw']);
    // The inner UDP checksum uses the nearest IP header: the inner IPv4 one.
    expect(decoded[2].checksum?.status).toBe('valid');
    const sixInSix = ipv6().ipv6DestOptions({ options: [{ kind: 'tunnel-encapsulation-limit', limit: 4 }] }).ipv6({ src: '2001:db8::9' }).icmpv6({ id: 1 }).encode();
    expect(decode(sixInSix).layers.map((l) => l.layer)).toEqual(['ipv6', 'ipv6-dest-options', 'ipv6', 'icmpv6']);
    expect(decode(sixInSix).layers[3].checksum?.status).toBe('valid');
  });
});

describe('UDP checksum over IPv6 (RFC 8200 section 8.1)', () => {
  it('never computes 0: a sum that comes out 0 is written 0xffff and verifies', () => {
    const probe = ipv6({ src: '2001:db8::1', dst: '2001:db8::2' }).udp({ srcPort: 1, dstPort: 2 }).payload(Buffer.alloc(2)).encode();
    const c = probe.readUInt16BE(46);
    // Put the checksum value into the payload: the sum then comes out 0.
    const zero = ipv6({ src: '2001:db8::1', dst: '2001:db8::2' }).udp({ srcPort: 1, dstPort: 2 }).payload(Buffer.from([c >> 8, c & 255])).encode();
    expect(zero.readUInt16BE(46)).toBe(0xffff);
    expect(decode(zero).layers[1].checksum).toEqual({ status: 'valid', expected: 0xffff, actual: 0xffff });
  });

  it('writes 0 only when given, and decodes 0 as invalid over IPv6 (over IPv4 it means "none")', () => {
    const over6 = ipv6().udp({ checksum: 0 }).payload('x').encode();
    expect(over6.readUInt16BE(46)).toBe(0);
    const verdict = decode(over6, { mode: 'lax' }).layers[1].checksum!;
    expect(verdict.status).toBe('invalid');
    expect(verdict.expected).not.toBe(0);
    const over4 = ipv4().udp({ checksum: 0 }).payload('x').encode();
    expect(decode(over4).layers[1].checksum?.status).toBe('unverifiable');
  });

  it('ICMPv6 and TCP use the same pseudo-header (RFC 4443 section 2.3)', () => {
    for (const b of [ipv6().icmpv6().payload('x').encode(), ipv6().tcp().payload('x').encode()]) expect(decode(b).layers[1].checksum?.status).toBe('valid');
    expect(decode(ipv6().icmpv6().corrupt('checksum').encode(), { mode: 'lax' }).layers[1].checksum?.status).toBe('invalid');
  });
});

describe('jumbograms (RFC 2675)', () => {
  it('a payload above 65535 needs a Jumbo Payload option; then payload length and UDP length are 0', () => {
    const data = Buffer.alloc(70_000, 0x5a);
    expect(thrown(() => ipv6().udp().payload(data).encode())).toBeInstanceOf(FieldValueError);
    const bytes = ipv6({ src: '2001:db8::1', dst: '2001:db8::2' }).ipv6HopByHop({ options: [{ kind: 'jumbo' }] }).udp({ srcPort: 1, dstPort: 2 }).payload(data).encode();
    expect(bytes.readUInt16BE(4)).toBe(0);
    expect(bytes.subarray(40, 48).toString('hex')).toBe('1100c204' + (70_000 + 16).toString(16).padStart(8, '0'));
    expect(bytes.readUInt16BE(48 + 4)).toBe(0);
    const packet = decode(bytes);
    expect(packet.layers.map((l) => l.layer)).toEqual(['ipv6', 'ipv6-hop-by-hop', 'udp', 'raw']);
    expect(packet.layers[2].checksum?.status).toBe('valid');
    expect(packet.layers[1].fields).toMatchObject({ options: [{ kind: 'jumbo', payloadLength: 70_016 }] });
    expect(reencode(bytes).equals(bytes)).toBe(true);
  });
});

describe('extension headers', () => {
  it('pads options to 8 octets with Pad1 or PadN', () => {
    const hbh = (options: Parameters<ReturnType<typeof ipv6>['ipv6HopByHop']>[0]) => ipv6().ipv6HopByHop(options).encode().subarray(40).toString('hex');
    expect(hbh({})).toBe('3b00' + '0104' + '00000000'); // PadN of 6
    expect(hbh({ options: [{ kind: 'router-alert', value: 'mld' }] })).toBe('3b00' + '05020000' + '0100'); // PadN of 2
    expect(hbh({ options: [{ kind: 'tunnel-encapsulation-limit', limit: 1 }, { kind: 'padn', length: 0 }] })).toBe('3b00' + '040101' + '0100' + '00'); // then Pad1
    expect(hbh({ options: [{ kind: 'pad1' }, { kind: 0x1e, data: '010203' }] })).toBe('3b00' + '00' + '1e03010203'); // exactly 8: no padding
    // Explicit padding replaces the computed one; the header must still come to a multiple of 8 octets.
    expect(hbh({ padding: '010400000000' })).toBe('3b00010400000000');
    expect(thrown(() => ipv6().ipv6HopByHop({ padding: '' }).encode())).toBeInstanceOf(FieldValueError);
  });

  it('keeps unknown options raw with their action and may-change bits, and checks them when given', () => {
    const bytes = ipv6().ipv6DestOptions({ options: [{ kind: 0xde, data: 'aabb' }, { kind: 0x3e }] }).encode();
    const options = (decode(bytes).layers[1].fields as { options: unknown[] }).options;
    expect(options.slice(0, 2)).toEqual([
      { kind: 0xde, action: 'discard-icmp-unless-multicast', mayChange: false, data: Buffer.from('aabb', 'hex') },
      { kind: 0x3e, action: 'skip', mayChange: true, data: Buffer.alloc(0) },
    ]);
    expect(thrown(() => ipv6().ipv6DestOptions({ options: [{ kind: 0xde, action: 'skip' }] }).encode())).toBeInstanceOf(FieldValueError);
  });

  it('Hop-by-Hop only right after the IPv6 header: the builder refuses it elsewhere, the decoder reports it', () => {
    const step = ipv6().ipv6DestOptions() as unknown as { ipv6HopByHop(): unknown };
    expect(thrown(() => step.ipv6HopByHop())).toBeInstanceOf(StackError);
    const misplaced = encodeLayers([{ layer: 'ipv6' }, { layer: 'ipv6-dest-options' }, { layer: 'ipv6-hop-by-hop' }, { layer: 'udp' }]);
    expect(thrown(() => decode(misplaced))).toBeInstanceOf(ContentError);
    const lax = decode(misplaced, { mode: 'lax' });
    expect(lax.issues.map((i) => (i as ContentError).field)).toEqual(['position']);
    expect(lax.layers.map((l) => l.layer)).toEqual(['ipv6', 'ipv6-dest-options', 'ipv6-hop-by-hop', 'udp']);
  });

  it('repeats and any order: the builder allows every extension header after every other but Hop-by-Hop', () => {
    const bytes = packet()
      .ipv6()
      .ipv6HopByHop()
      .ipv6DestOptions()
      .ipv6Routing({ segments: ['2001:db8::1'] })
      .ipv6Fragment()
      .ah()
      .ipv6DestOptions()
      .ipv6DestOptions()
      .ipv6Routing({ homeAddress: '2001:db8::2' })
      .ah()
      .ipv6Fragment()
      .esp()
      .payload('opaque')
      .encode();
    expect(decode(bytes).layers.map((l) => l.layer)).toEqual([
      'ipv6', 'ipv6-hop-by-hop', 'ipv6-dest-options', 'ipv6-routing', 'ipv6-fragment', 'ah', 'ipv6-dest-options', 'ipv6-dest-options', 'ipv6-routing', 'ah', 'ipv6-fragment', 'esp', 'raw',
    ]);
  });

  it('No Next Header (59): what follows is raw', () => {
    const bytes = ipv6().ipv6DestOptions({ nextHeader: 59 }).payload('ignored').encode();
    expect(decode(bytes).layers.map((l) => l.layer)).toEqual(['ipv6', 'ipv6-dest-options', 'raw']);
  });

  it('a malformed option keeps the rest of the header as padding, so the bytes survive', () => {
    const bytes = ipv6().ipv6HopByHop({ options: [{ kind: 0x1e, data: '01', length: 9 }], padding: '000000' }).encode();
    expect(thrown(() => decode(bytes))).toBeInstanceOf(ContentError);
    const lax = decode(bytes, { mode: 'lax' });
    expect(lax.layers[1].fields).toMatchObject({ options: [], padding: Buffer.from('1e0901000000', 'hex') });
    expect(reencode(bytes).equals(bytes)).toBe(true);
  });

  it('Routing type 0 and 2 and SRH compute segments left and lengths; other types keep their data', () => {
    const f = (b: Buffer) => decode(b).layers[1].fields;
    expect(f(ipv6().ipv6Routing({ addresses: ['2001:db8::1', '2001:db8::2'] }).encode())).toMatchObject({ routingType: 'source-route', length: 4, segmentsLeft: 2 });
    expect(f(ipv6().ipv6Routing({ homeAddress: '2001:db8::1' }).encode())).toMatchObject({ routingType: 'mobile-ipv6', length: 2, segmentsLeft: 1 });
    expect(f(ipv6().ipv6Routing({ segments: ['2001:db8::1', '2001:db8::2', '2001:db8::3'] }).encode())).toMatchObject({ routingType: 'segment-routing', length: 6, segmentsLeft: 2, lastEntry: 2, tlvs: [] });
    expect(f(ipv6().ipv6Routing({ routingType: 3, data: '0102' }).encode())).toMatchObject({ routingType: 'rpl', length: 0, segmentsLeft: 0, data: Buffer.from('01020000', 'hex') });
  });

  it('AH is length-correct; ESP is opaque', () => {
    const ahBytes = ipv6().ah({ icv: Buffer.alloc(20) }).udp().encode();
    expect(ahBytes[41]).toBe((12 + 20) / 4 - 2);
    expect(thrown(() => ipv6().ah({ icv: '010203' }).encode())).toBeInstanceOf(FieldValueError);
    expect(decode(ahBytes).layers[2].checksum?.status).toBe('valid');
  });
});

describe('ICMPv6 messages', () => {
  it('chooses MLDv1 or MLDv2 query by fields (encoding) and by length (decoding, RFC 3810 section 8.1)', () => {
    const v1 = ipv6().icmpv6({ type: 'mld-query', maxResponseDelay: 1000 }).encode();
    const v2 = ipv6().icmpv6({ type: 'mld-query', sources: ['2001:db8::1'] }).encode();
    expect(v1.length - 40).toBe(24);
    expect(v2.length - 40).toBe(28 + 16);
    expect(decode(v2).layers[1].fields).toMatchObject({ numberOfSources: 1, sources: ['2001:db8::1'], qrv: 2, qqic: 125 });
  });

  it('error messages quote the packet and decode it laxly, even cut short', () => {
    const inner = ipv6({ src: '2001:db8::1', dst: '2001:db8::2' }).udp({ srcPort: 5, dstPort: 6 }).payload(Buffer.alloc(100)).encode();
    const bytes = ipv6({ src: '2001:db8::2', dst: '2001:db8::1' }).icmpv6({ type: 'destination-unreachable', code: 'port-unreachable' }).payload(inner.subarray(0, 60)).encode();
    // 60 of 148 bytes in a 156-byte message: RFC 4443 section 2.4 (c) wants as much as fits in 1280.
    expect(() => decode(bytes)).toThrow(/icmpv6\.data at offset 48: .*RFC 4443 section 2\.4 \(c\)/);
    const packet = decode(bytes, { mode: 'lax' });
    expect(packet.layers.map((l) => l.layer)).toEqual(['ipv6', 'icmpv6', 'ipv6', 'udp', 'raw']);
    expect(packet.layers[1].checksum?.status).toBe('valid');
    expect(packet.layers[3].checksum?.status).toBe('unverifiable');
    expect(packet.issues.map((i) => i.code)).toEqual(['E_CONTENT', 'E_LENGTH']);
    // Strict mode too: problems inside a quoted packet are reported, never thrown.
    const whole = ipv6({ src: '2001:db8::2', dst: '2001:db8::1' }).icmpv6({ type: 'destination-unreachable', code: 'port-unreachable' }).payload(inner).encode();
    expect(decode(whole).issues).toEqual([]);
    // A capture cut short (the message itself truncated) is no deviation of the sender's.
    expect(decode(whole.subarray(0, 100), { mode: 'lax' }).issues.map((i) => i.code)).toEqual(['E_LENGTH', 'E_LENGTH']);
    expect(reencode(bytes).equals(bytes)).toBe(true);
  });

  it('unknown types and unknown ND options stay raw', () => {
    const bytes = ipv6().icmpv6({ type: 200, code: 1 }).payload('private').encode();
    expect(decode(bytes).layers.map((l) => l.layer)).toEqual(['ipv6', 'icmpv6', 'raw']);
    const nd = ipv6().icmpv6({ type: 'router-solicitation', options: [{ kind: 31, data: '0000000000000003666f6f00' }] }).encode();
    // 2 + 12 octets, zero-padded to 16: the padding is part of the data read back.
    expect((decode(nd).layers[1].fields as { options: unknown[] }).options).toEqual([{ kind: 31, data: Buffer.from('0000000000000003666f6f000000', 'hex') }]);
    const zeroLength = Buffer.from(ipv6().icmpv6({ type: 'router-solicitation', options: [{ kind: 1, data: '020000000001', length: 0 }] }).encode());
    expect(thrown(() => decode(zeroLength))).toBeInstanceOf(ContentError);
    expect(reencode(zeroLength).equals(zeroLength)).toBe(true);
  });
});
