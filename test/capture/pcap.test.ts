import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/codec/errors.js';
import { LinkType, encodePcap, linkTypeName, parseCapture, type CaptureRecordInput } from '../../src/capture/index.js';
import { PACKETS, PACKET_A, hexBytes, ipv4UdpChecksumsOk, thrownBy } from './helpers.js';

const T0 = 1_700_000_000_000_000_000n; // 2023-11-14T22:13:20Z

describe('link types', () => {
  it('has the standard LINKTYPE_* values and names them', () => {
    // https://www.tcpdump.org/linktypes.html
    expect(LinkType).toEqual({
      NULL: 0, ETHERNET: 1, PPP: 9, PPP_HDLC: 50, RAW: 101, C_HDLC: 104, IEEE802_11: 105, LOOP: 108, LINUX_SLL: 113,
      IEEE802_11_RADIOTAP: 127, IPV4: 228, IPV6: 229, NFLOG: 239, PKTAP: 258, LINUX_SLL2: 276,
    });
    expect(linkTypeName(101)).toBe('RAW');
    expect(linkTypeName(113)).toBe('LINUX_SLL');
    expect(linkTypeName(9999)).toBeUndefined();
  });
});

describe('test packets', () => {
  it('carry valid IPv4 and UDP checksums', () => {
    for (const packet of PACKETS) expect(ipv4UdpChecksumsOk(packet)).toBe(true);
  });
});

describe('pcap by hand (draft-ietf-opsawg-pcap section 4 File Header, section 5 Packet Record)', () => {
  // Little endian, microseconds, LINKTYPE_RAW, one 32-byte packet at 1700000000.123456 s.
  const littleMicro = hexBytes(
    'd4c3b2a1', // magic 0xA1B2C3D4 written little endian: microsecond timestamps
    '0200 0400', // version 2.4
    '00000000 00000000', // Reserved1, Reserved2
    '00000400', // SnapLen 262144
    '65000000', // LinkType 101 (RAW)
    '00f15365', // Timestamp (Seconds) 1700000000
    '40e20100', // Timestamp (Microseconds) 123456
    '20000000', // Captured Packet Length 32
    '20000000', // Original Packet Length 32
    PACKET_A.toString('hex'),
  );
  // Big endian, nanoseconds, LINKTYPE_IPV4, the same packet truncated to 20 bytes at 1700000000.123456789 s.
  const bigNanoTruncated = hexBytes(
    'a1b23c4d', // magic 0xA1B23C4D written big endian: nanosecond timestamps
    '0002 0004', // version 2.4
    '00000000 00000000', // Reserved1, Reserved2
    '00000014', // SnapLen 20
    '000000e4', // LinkType 228 (IPV4)
    '6553f100', // Timestamp (Seconds) 1700000000
    '075bcd15', // Timestamp (Nanoseconds) 123456789
    '00000014', // Captured Packet Length 20
    '00000020', // Original Packet Length 32
    PACKET_A.subarray(0, 20).toString('hex'),
  );

  it('reads a little-endian microsecond file', () => {
    expect(parseCapture(littleMicro)).toEqual([
      { linkType: 101, timestampNs: T0 + 123_456_000n, data: PACKET_A, originalLength: 32, interfaceId: 0 },
    ]);
  });

  it('reads a big-endian nanosecond file with a truncated record', () => {
    const [record] = parseCapture(bigNanoTruncated);
    expect(record.linkType).toBe(LinkType.IPV4);
    expect(record.timestampNs).toBe(T0 + 123_456_789n);
    expect(record.data).toEqual(PACKET_A.subarray(0, 20));
    expect(record.originalLength).toBe(32);
  });

  it('writes exactly the spec bytes', () => {
    expect(encodePcap([{ data: PACKET_A, timestampNs: T0 + 123_456_000n }], { linkType: LinkType.RAW })).toEqual(littleMicro);
    expect(
      encodePcap([{ data: PACKET_A, timestampNs: T0 + 123_456_789n }], {
        linkType: LinkType.IPV4,
        byteOrder: 'big',
        resolution: 'ns',
        snapLen: 20,
      }),
    ).toEqual(bigNanoTruncated);
  });

  it('ignores the FCS bits in the upper half of the LinkType field', () => {
    const withFcs = Buffer.from(littleMicro);
    withFcs.writeUInt32LE(0x14000000 | 101, 20); // F bit set, FCS length 4
    expect(parseCapture(withFcs)[0].linkType).toBe(101);
  });
});

describe('pcap round trips', () => {
  const records: CaptureRecordInput[] = PACKETS.map((data, i) => ({
    data,
    timestampNs: T0 + BigInt(i) * 1_000_000_007n + 999_999_000n,
    linkType: LinkType.RAW,
  }));

  for (const byteOrder of ['little', 'big'] as const) {
    for (const resolution of ['us', 'ns'] as const) {
      it(`${byteOrder} endian, ${resolution} resolution`, () => {
        const file = encodePcap(records, { linkType: LinkType.RAW, byteOrder, resolution });
        expect(file.length).toBe(24 + PACKETS.reduce((n, p) => n + 16 + p.length, 0));
        const back = parseCapture(file);
        expect(back).toHaveLength(3);
        back.forEach((record, i) => {
          const expected = resolution === 'ns' ? records[i].timestampNs : ((records[i].timestampNs + 500n) / 1000n) * 1000n;
          expect(record).toEqual({
            linkType: LinkType.RAW,
            timestampNs: expected,
            data: PACKETS[i],
            originalLength: PACKETS[i].length,
            interfaceId: 0,
          });
        });
      });
    }
  }

  it('microsecond files round to the nearest microsecond, carrying into the seconds', () => {
    const file = encodePcap(
      [
        { data: PACKET_A, timestampNs: T0 + 1_499n },
        { data: PACKET_A, timestampNs: T0 + 1_500n },
        { data: PACKET_A, timestampNs: T0 + 999_999_600n },
      ],
      { linkType: 101 },
    );
    expect(parseCapture(file).map((r) => r.timestampNs)).toEqual([T0 + 1_000n, T0 + 2_000n, T0 + 1_000_000_000n]);
  });

  it('cuts packets to the snaplen and keeps their original length', () => {
    const file = encodePcap([{ data: PACKET_A, timestampNs: T0 }], { linkType: 101, snapLen: 10 });
    const [record] = parseCapture(file);
    expect(record.data).toEqual(PACKET_A.subarray(0, 10));
    expect(record.originalLength).toBe(32);
  });

  it('keeps an originalLength larger than the data', () => {
    const file = encodePcap([{ data: PACKET_A, timestampNs: T0, originalLength: 1500 }], { linkType: 101 });
    expect(parseCapture(file)[0].originalLength).toBe(1500);
  });

  it('writes an empty file that reads back as no records', () => {
    expect(parseCapture(encodePcap([], { linkType: 1 }))).toEqual([]);
  });
});

describe('pcap writer input checks', () => {
  const cases: Array<[string, () => unknown, RegExp]> = [
    ['bad link type', () => encodePcap([], { linkType: 70000 }), /linkType 70000 is not an integer 0\.\.65535/],
    ['bad snaplen', () => encodePcap([], { linkType: 1, snapLen: 0 }), /snapLen 0/],
    ['negative time', () => encodePcap([{ data: PACKET_A, timestampNs: -1n }], { linkType: 1 }), /record 0: timestampNs -1n/],
    ['time past 2106', () => encodePcap([{ data: PACKET_A, timestampNs: 1n << 63n }], { linkType: 1 }), /32-bit seconds/],
    [
      'short originalLength',
      () => encodePcap([{ data: PACKET_A, timestampNs: 0n, originalLength: 3 }], { linkType: 1 }),
      /originalLength 3/,
    ],
    [
      'other link type',
      () => encodePcap([{ data: PACKET_A, timestampNs: 0n }, { data: PACKET_A, timestampNs: 0n, linkType: 1 }], { linkType: 101 }),
      /record 1: link type 1 differs from the file's link type 101/,
    ],
  ];
  for (const [name, fn, message] of cases) {
    it(name, () => {
      const error = thrownBy(fn);
      expect(error).toBeInstanceOf(InputError);
      expect((error as InputError).code).toBe('E_INPUT');
      expect((error as InputError).message).toMatch(message);
    });
  }
});
