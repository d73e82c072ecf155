/**
 * Link types of everyday capture files (issue 16): each maps to its first layer, builds what the
 * specification says, and a link type rawcraft cannot decode stops nothing in lax mode.
 * Byte-level agreement with tshark is in link-types-tshark.test.ts and test/vectors/.
 */
import { describe, expect, it } from 'vitest';
import {
  ContentError,
  FieldValueError,
  LinkType,
  PacketError,
  UnsupportedLinkTypeError,
  decode,
  decodeLinkType,
  encodeLayers,
  firstLayerFor,
  linkTypeForLayer,
  layerForLinkType,
  packet,
  type EncodableLayer,
} from '../../src/index.js';
import { mayFollow } from '../../src/codec/stack-rule.js';
import { codecByName } from '../../src/codec/registry.js';

const UDP: EncodableLayer[] = [
  { layer: 'ipv4', fields: { src: '192.0.2.1', dst: '192.0.2.2', id: 7 } },
  { layer: 'udp', fields: { srcPort: 40000, dstPort: 40001 } },
  { layer: 'raw', fields: { data: '6869' } },
];
const UDP6: EncodableLayer[] = [{ layer: 'ipv6', fields: { src: '2001:db8::1', dst: '2001:db8::2' } }, { layer: 'udp', fields: { srcPort: 40000, dstPort: 40001 } }];
const names = (layers: readonly { layer: string }[]) => layers.map((l) => l.layer);
const reencoded = (bytes: Uint8Array, from: string) => encodeLayers(decode(bytes, { from, mode: 'lax' }).layers as unknown as EncodableLayer[]);

describe('link types to first layers', () => {
  it.each([
    [0, 'bsd-null'], [1, 'ethernet'], [9, 'ppp'], [12, 'auto'], [14, 'auto'], [50, 'ppp'], [101, 'auto'], [104, 'cisco-hdlc'], [105, 'ieee80211'],
    [108, 'bsd-loop'], [113, 'linux-sll'], [127, 'radiotap'], [228, 'ipv4'], [229, 'ipv6'], [239, 'nflog'], [258, 'pktap'], [276, 'linux-sll2'],
  ])('link type %i starts with %s', (linkType, layer) => {
    expect(layerForLinkType(linkType)).toBe(layer);
  });

  it('LINKTYPE_PPP_HDLC frames starting 0x0f or 0x8f are Cisco HDLC (RFC 1547 section 4.3.1)', () => {
    expect(firstLayerFor(50, Buffer.from('ff030021', 'hex'))).toBe('ppp');
    expect(firstLayerFor(50, Buffer.from('0f000800', 'hex'))).toBe('cisco-hdlc');
    expect(firstLayerFor(50, Buffer.from('8f008035', 'hex'))).toBe('cisco-hdlc');
    const frame = encodeLayers([{ layer: 'cisco-hdlc', fields: { address: 0x8f } }, ...UDP]);
    expect(names(decodeLinkType(frame, 50).layers)).toEqual(['cisco-hdlc', 'ipv4', 'udp', 'raw']);
  });

  it('every named link type is decodable', () => {
    for (const value of Object.values(LinkType)) expect(layerForLinkType(value), String(value)).toBeDefined();
  });
});

describe('decodeLinkType: one unsupported interface does not stop a file', () => {
  const bytes = Buffer.from('00112233', 'hex');

  it('strict mode throws an error naming the interface and the link type', () => {
    let error: unknown;
    try {
      decodeLinkType(bytes, 147, { interfaceId: 2 });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UnsupportedLinkTypeError);
    expect(error).toBeInstanceOf(PacketError);
    expect(error).toMatchObject({ code: 'E_LINK_TYPE', linkType: 147, interfaceId: 2 });
    expect((error as Error).message).toMatch(/^interface 2 has link type 147, which rawcraft cannot decode \(it decodes 0 \(NULL\), 1 \(ETHERNET\)/);
  });

  it('lax mode keeps the bytes as one raw layer with that error as an issue', () => {
    const d = decodeLinkType(bytes, 147, { mode: 'lax', interfaceId: 2 });
    expect(names(d.layers)).toEqual(['raw']);
    expect(Buffer.from((d.layers[0].fields as { data: Uint8Array }).data)).toEqual(bytes);
    expect(d.issues).toHaveLength(1);
    expect(d.issues[0]).toMatchObject({ code: 'E_LINK_TYPE', linkType: 147, interfaceId: 2 });
  });

  it('supported link types decode as their first layer', () => {
    const frame = encodeLayers([{ layer: 'bsd-null', fields: {} }, ...UDP]);
    expect(names(decodeLinkType(frame, 0).layers)).toEqual(['bsd-null', 'ipv4', 'udp', 'raw']);
    expect(names(decodeLinkType(encodeLayers(UDP), 12).layers)).toEqual(['ipv4', 'udp', 'raw']);
    expect(names(decodeLinkType(encodeLayers(UDP6), 14).layers)).toEqual(['ipv6', 'udp']);
  });
});

describe('BSD loopback (LINKTYPE_NULL 0, LINKTYPE_LOOP 108)', () => {
  it('the family defaults from the next layer, in the byte order asked', () => {
    expect(packet().bsdNull().ipv4().encode().subarray(0, 4).toString('hex')).toBe('02000000');
    expect(packet().bsdNull({ byteOrder: 'big' }).ipv4().encode().subarray(0, 4).toString('hex')).toBe('00000002');
    expect(packet().bsdNull().ipv6().encode().subarray(0, 4).toString('hex')).toBe('1e000000');
    expect(packet().bsdLoop().ipv6().encode().subarray(0, 4).toString('hex')).toBe('00000018');
  });

  it.each([24, 28, 30])('AF_INET6 %i decodes IPv6', (family) => {
    const frame = encodeLayers([{ layer: 'bsd-null', fields: { family } }, ...UDP6]);
    expect(names(decode(frame, { from: 'bsd-null' }).layers)).toEqual(['bsd-null', 'ipv6', 'udp']);
  });

  it("Linux's AF_INET6 (10) decodes IPv6 only before an IPv6 version nibble (10 is AF_CCITT on the BSDs)", () => {
    const v6 = encodeLayers([{ layer: 'bsd-null', fields: { family: 10 } }, ...UDP6]);
    expect(names(decode(v6, { from: 'bsd-null' }).layers)).toEqual(['bsd-null', 'ipv6', 'udp']);
    const other = encodeLayers([{ layer: 'bsd-null', fields: { family: 10 } }, { layer: 'raw', fields: { data: '45000000' } }]);
    expect(names(decode(other, { from: 'bsd-null' }).layers)).toEqual(['bsd-null', 'raw']);
  });

  it('a family that is not IP stays raw; a short header is a LengthError at offset 0', () => {
    expect(names(decode(Buffer.from('0100000041', 'hex'), { from: 'bsd-loop' }).layers)).toEqual(['bsd-loop', 'raw']);
    expect(() => decode(Buffer.from('0200', 'hex'), { from: 'bsd-null' })).toThrow(/bsd-null at offset 0: needs 4 bytes/);
  });

  it('a bad byte order is a field error', () => {
    expect(() => encodeLayers([{ layer: 'bsd-null', fields: { byteOrder: 'middle' as 'big' } }])).toThrow(FieldValueError);
  });
});

describe('PPP (LINKTYPE_PPP 9, LINKTYPE_PPP_HDLC 50)', () => {
  it('IPv6 is protocol 0x0057', () => {
    const frame = packet().ppp().ipv6({ src: '2001:db8::1', dst: '2001:db8::2' }).encode();
    expect(frame.subarray(0, 4).toString('hex')).toBe('ff030057');
    expect(names(decode(frame, { from: 'ppp' }).layers)).toEqual(['ppp', 'ipv6']);
  });

  it('a 2-byte protocol whose last byte is even is reported (RFC 1661 section 2) and kept raw', () => {
    const frame = Buffer.from('ff03002045', 'hex');
    expect(() => decode(frame, { from: 'ppp' })).toThrow(ContentError);
    const d = decode(frame, { from: 'ppp', mode: 'lax' });
    expect(d.issues[0]).toMatchObject({ layer: 'ppp', offset: 2, field: 'protocol' });
    expect(reencoded(frame, 'ppp')).toEqual(frame);
  });

  it('a compressed protocol must fit one odd byte', () => {
    expect(() => encodeLayers([{ layer: 'ppp', fields: { protocolCompressed: true, protocol: 0xc021 } }])).toThrow(/ppp\.protocol/);
  });
});

describe('Linux cooked v2 (LINKTYPE_LINUX_SLL2 276)', () => {
  it('the protocol defaults to the next layer: an EtherType, or 0x0004 before LLC', () => {
    expect(packet().linuxSll2().ipv6().encode().subarray(0, 2).toString('hex')).toBe('86dd');
    expect(packet().linuxSll2().llc({ dsap: 0x42, ssap: 0x42 }).encode().subarray(0, 2).toString('hex')).toBe('0004');
  });

  it('the address must be 8 bytes', () => {
    expect(() => encodeLayers([{ layer: 'linux-sll2', fields: { address: '0102' } }])).toThrow(/linux-sll2\.address/);
  });
});

describe('LLC / SNAP', () => {
  it('a 2-byte control whose first byte is 0 is not taken for a 1-byte one', () => {
    // Information format, N(S) 0, N(R) 1, P 1: the bytes 00 03 (IEEE 802.2 clause 5.2).
    const frame = Buffer.from('f0f00003aa', 'hex');
    const d = decode(frame, { from: 'llc' });
    expect(d.layers[0].fields).toEqual({ dsap: 0xf0, ssap: 0xf0, format: 'information', control: 3 });
    expect(reencoded(frame, 'llc')).toEqual(frame);
  });

  it('Ethernet 802.3 length frames decode their LLC header; what the length leaves out is a trailer', () => {
    const frame = encodeLayers([
      { layer: 'ethernet', fields: { etherType: 5 }, trailer: '0000' },
      { layer: 'llc', fields: { dsap: 0x42, ssap: 0x42 } },
      { layer: 'raw', fields: { data: '0000' } },
    ]);
    const d = decode(frame, { from: 'ethernet' });
    expect(names(d.layers)).toEqual(['ethernet', 'llc', 'raw']);
    expect(Buffer.from(d.layers[0].trailer!).toString('hex')).toBe('0000');
  });

  it('a control field that does not match its format, or SNAP fields without SNAP, are field errors', () => {
    expect(() => encodeLayers([{ layer: 'llc', fields: { format: 'unnumbered', control: 0x0100 } }])).toThrow(/llc\.control/);
    expect(() => encodeLayers([{ layer: 'llc', fields: { dsap: 0x42, pid: 0x0800 } }])).toThrow(/llc\.pid/);
  });
});

describe('IEEE 802.11 (LINKTYPE_IEEE802_11 105)', () => {
  const data = (flags: string[]): EncodableLayer => ({ layer: 'ieee80211', fields: { flags, addresses: ['02:00:00:00:00:01', '02:00:00:00:00:02', '02:00:00:00:00:03'] } } as EncodableLayer);

  it('a protected (encrypted) body stays raw with an issue; strict mode throws it', () => {
    const frame = encodeLayers([data(['protected', 'to-ds']), { layer: 'raw', fields: { data: '0011223344556677' } }]);
    expect(() => decode(frame, { from: 'ieee80211' })).toThrow(/ieee80211\.flags at offset 1: .*encrypted/);
    const d = decode(frame, { from: 'ieee80211', mode: 'lax' });
    expect(names(d.layers)).toEqual(['ieee80211', 'raw']);
    expect(d.issues).toHaveLength(1);
    expect(reencoded(frame, 'ieee80211')).toEqual(frame);
  });

  it('an A-MSDU (QoS control bit 7) is not read as LLC', () => {
    const frame = encodeLayers([
      { layer: 'ieee80211', fields: { subtype: 8, flags: ['to-ds'], addresses: ['02:00:00:00:00:01', '02:00:00:00:00:02', '02:00:00:00:00:03'], qosControl: 0x80 } },
      { layer: 'raw', fields: { data: 'aaaa030000000800' } },
    ]);
    expect(names(decode(frame, { from: 'ieee80211' }).layers)).toEqual(['ieee80211', 'raw']);
  });

  it('the number of addresses must be the one the frame control implies', () => {
    expect(() => encodeLayers([{ layer: 'ieee80211', fields: { type: 'control', subtype: 13, addresses: ['02:00:00:00:00:01', '02:00:00:00:00:02'] } }])).toThrow(/ieee80211\.addresses.*1 address for/);
    expect(() => encodeLayers([{ layer: 'ieee80211', fields: { type: 'control', subtype: 13, sequence: 1 } }])).toThrow(/ieee80211\.sequence/);
  });

  it('a header cut short is a LengthError naming the layout', () => {
    expect(() => decode(Buffer.from('08010000020000000001', 'hex'), { from: 'ieee80211' })).toThrow(/ieee80211 at offset 0: needs 24 bytes/);
  });
});

describe('radiotap (LINKTYPE_IEEE802_11_RADIOTAP 127)', () => {
  const wlan: EncodableLayer = { layer: 'ieee80211', fields: { type: 'control', subtype: 13, addresses: ['02:00:00:00:00:01'] } };

  it('lays the typed fields out with their alignment (TSFT on 8, channel on 2)', () => {
    const frame = encodeLayers([{ layer: 'radiotap', fields: { flags: 0, channelFrequency: 2412, channelFlags: 0xa0, tsft: 5n } }, wlan]);
    // present bits 0, 1, 3; TSFT at 8, flags at 16, channel at 18 (17 padded).
    expect(frame.subarray(0, 22).toString('hex')).toBe('00001600' + '0b000000' + '0500000000000000' + '00' + '00' + '6c09a000');
    expect(decode(frame, { from: 'radiotap' }).layers[0].fields).toMatchObject({ length: 22, tsft: 5n, channelFrequency: 2412, channelFlags: 0xa0 });
  });

  it('the FCS named by the flags is the trailer, checked as a CRC-32', () => {
    const good = Buffer.from('000009000200000010' + 'd4000000020000000001' + 'd8d6bf8f', 'hex');
    const bad = Buffer.from(good);
    bad[bad.length - 1] ^= 1;
    const ok = decode(good, { from: 'radiotap' }).layers[0];
    expect(ok.checksum?.status).toBe('valid');
    expect(Buffer.from(ok.trailer!).toString('hex')).toBe('d8d6bf8f');
    expect(decode(bad, { from: 'radiotap' }).layers[0].checksum?.status).toBe('invalid');
    expect(reencoded(bad, 'radiotap')).toEqual(bad);
  });

  it('extended presence bitmaps: the data must be given; typed fields of later words are not', () => {
    expect(() => encodeLayers([{ layer: 'radiotap', fields: { present: [0x80000002, 0x20] } }, wlan])).toThrow(/radiotap\.data/);
    expect(() => encodeLayers([{ layer: 'radiotap', fields: { present: [2, 2] } }, wlan])).toThrow(/radiotap\.present\[0\]/);
    expect(() => encodeLayers([{ layer: 'radiotap', fields: { present: [2], rate: 2 } }, wlan])).toThrow(/radiotap\.rate/);
  });

  it('a length past the bytes, or bitmaps past the length, are LengthErrors', () => {
    expect(() => decode(Buffer.from('0000400000000000', 'hex'), { from: 'radiotap' })).toThrow(/radiotap at offset 0: needs 64 bytes \(from radiotap\.length\)/);
    expect(() => decode(Buffer.from('000008000000008000000000', 'hex'), { from: 'radiotap' })).toThrow(/presence bitmaps run past/);
  });
});

describe('PKTAP (LINKTYPE_PKTAP 258)', () => {
  it('the DLT defaults from the next layer; the inner frame decodes by it', () => {
    const frame = encodeLayers([{ layer: 'pktap', fields: { interfaceName: 'lo0', pid: 7, command: 'nc' } }, { layer: 'bsd-null', fields: {} }, ...UDP]);
    expect(frame.readUInt32LE(0)).toBe(108);
    expect(frame.readUInt32LE(8)).toBe(0);
    const d = decode(frame, { from: 'pktap' });
    expect(names(d.layers)).toEqual(['pktap', 'bsd-null', 'ipv4', 'udp', 'raw']);
    expect(d.layers[0].fields).toMatchObject({ interfaceName: 'lo0', pid: 7, command: 'nc', recordType: 1 });
  });

  it('the default DLT names the frame that follows: LOOP is 108, not raw IP; a layer with no DLT must be given one', () => {
    // The DLT numbers of the frame after the header (print-pktap.c): DLT_LOOP is 108.
    const loop = encodeLayers([{ layer: 'pktap', fields: { interfaceName: 'gif0' } }, { layer: 'bsd-loop', fields: {} }, ...UDP]);
    expect(loop.readUInt32LE(8)).toBe(108);
    expect(names(decode(loop, { from: 'pktap' }).layers)).toEqual(['pktap', 'bsd-loop', 'ipv4', 'udp', 'raw']);
    expect(encodeLayers([{ layer: 'pktap', fields: {} }, { layer: 'raw', fields: { data: 'ab' } }]).readUInt32LE(8)).toBe(12);
    expect(() => encodeLayers([{ layer: 'pktap', fields: {} }, { layer: 'linux-sll', fields: {} }, ...UDP])).toThrow(/pktap\.dlt.*no DLT is known for a following linux-sll layer/);
    expect(encodeLayers([{ layer: 'pktap', fields: { dlt: 113 } }, { layer: 'linux-sll', fields: {} }, ...UDP]).readUInt32LE(8)).toBe(113);
  });

  it('every layer PKTAP has a default DLT for may follow it in the builder, as decoding puts it there', () => {
    for (const layer of ['bsd-null', 'bsd-loop', 'ethernet', 'ppp', 'cisco-hdlc', 'ieee80211', 'radiotap', 'ipv4', 'ipv6']) {
      expect(mayFollow(codecByName(layer)!, 'pktap'), layer).toBe(true);
    }
  });

  it('names with bytes after their NUL, or filling their field, re-encode exactly', () => {
    const frame = encodeLayers([{ layer: 'pktap', fields: { interfaceName: 'x'.repeat(24), command: 'ab' } }, ...UDP]);
    frame[56 + 5] = 0x41; // after "ab\0": leftover bytes a kernel may leave
    const d = decode(frame, { from: 'pktap' });
    expect(d.layers[0].fields).toMatchObject({ interfaceName: 'x'.repeat(24), command: 'ab' });
    expect(reencoded(frame, 'pktap')).toEqual(frame);
  });

  it('a header shorter than 108 bytes is a ContentError; a record type 0 leaves the rest raw', () => {
    const frame = encodeLayers([{ layer: 'pktap', fields: {} }, ...UDP]);
    const short = Buffer.from(frame);
    short.writeUInt32LE(40, 0);
    expect(() => decode(short, { from: 'pktap' })).toThrow(/pktap\.length at offset 0: 40 is not valid/);
    const none = Buffer.from(frame);
    none.writeUInt32LE(0, 4);
    expect(names(decode(none, { from: 'pktap' }).layers)).toEqual(['pktap', 'raw']);
    expect(() => encodeLayers([{ layer: 'pktap', fields: { command: 'a\0b' } }])).toThrow(/pktap\.command/);
  });
});

describe('linkTypeForLayer: the link type a file needs for a first layer', () => {
  it.each([
    ['bsd-null', 0], ['ethernet', 1], ['ppp', 9], ['cisco-hdlc', 104], ['ieee80211', 105], ['bsd-loop', 108], ['linux-sll', 113],
    ['radiotap', 127], ['nflog', 239], ['pktap', 258], ['linux-sll2', 276], ['ipv4', 101], ['ipv6', 101], ['raw', 101],
  ])('%s: %i', (layer, linkType) => {
    expect(linkTypeForLayer(layer)).toBe(linkType);
    // And back: decoding a file of that link type starts with that layer (raw IP: by version).
    if (linkType !== 101) expect(layerForLinkType(linkType)).toBe(layer);
  });
});

describe('NFLOG (LINKTYPE_NFLOG 239)', () => {
  const tlvs = [{ type: 1, data: '08000300' }, { type: 2, data: '000001' }];

  it('the payload TLV holds the next layer; what follows it is the trailer; lengths are computed', () => {
    const frame = encodeLayers([{ layer: 'nflog', fields: { resourceId: 5, tlvs }, trailer: '0000' + '0a000a0068656c6c6f000000' }, ...UDP]);
    // family 2, version 0, group 5; TLV 1 (8 bytes), TLV 2 (7 bytes + 1 pad), payload TLV: 4 + 30 bytes (+ 2 pad in the trailer).
    expect(frame.subarray(0, 24).toString('hex')).toBe('02000005' + '0800010008000300' + '0700020000000100' + '22000900');
    const d = decode(frame, { from: 'nflog' });
    expect(names(d.layers)).toEqual(['nflog', 'ipv4', 'udp', 'raw']);
    expect(d.layers[0].fields).toMatchObject({ byteOrder: 'little', payload: true, payloadLength: 34 });
    expect(Buffer.from(d.layers[0].trailer!).toString('hex')).toBe('00000a000a0068656c6c6f000000');
  });

  it('IPv6 by the family (10); big-endian TLVs are recognised and kept big-endian', () => {
    const frame = encodeLayers([{ layer: 'nflog', fields: { byteOrder: 'big', tlvs } }, ...UDP6]);
    expect(frame[0]).toBe(10);
    const d = decode(frame, { from: 'nflog' });
    expect(names(d.layers)).toEqual(['nflog', 'ipv6', 'udp']);
    expect(d.layers[0].fields).toMatchObject({ byteOrder: 'big' });
    expect(reencoded(frame, 'nflog')).toEqual(frame);
  });

  it('a TLV shorter than its header is a ContentError; a truncated payload keeps its length field', () => {
    expect(() => decode(Buffer.from('020000000200010000000000', 'hex'), { from: 'nflog' })).toThrow(/nflog\.tlvs\.length at offset 4: 2 is not valid/);
    const frame = encodeLayers([{ layer: 'nflog', fields: { tlvs } }, ...UDP]);
    const cut = frame.subarray(0, frame.length - 5);
    expect(decode(cut, { from: 'nflog', mode: 'lax' }).layers[0].fields).toMatchObject({ payloadLength: 34 });
    expect(reencoded(cut, 'nflog')).toEqual(cut);
  });
});
