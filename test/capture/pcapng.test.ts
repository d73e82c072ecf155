import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/codec/errors.js';
import { LinkType, encodePcapng, parseCapture, type CaptureRecordInput } from '../../src/capture/index.js';
import { PcapngEncoder } from '../../src/capture/pcapng-encoder.js';
import { PACKET_A, PACKET_B, PACKET_C, ethernetFrame, linuxSllFrame, thrownBy } from './helpers.js';
import { PCAPNG_MIXED_SECTIONS as mixedSections, PCAPNG_WRITTEN_LITTLE as writtenLittle } from './vectors.js';

const T0 = 1_700_000_000_000_000_000n; // 2023-11-14T22:13:20Z

describe('pcapng by hand', () => {
  it('writes exactly the spec bytes', () => {
    const file = encodePcapng([{ data: PACKET_A, timestampNs: T0 + 123_456_789n, comment: 'hello' }], {
      interfaces: [{ linkType: LinkType.RAW }],
    });
    expect(file.toString('hex')).toBe(writtenLittle.toString('hex'));
  });

  it('reads what it writes', () => {
    expect(parseCapture(writtenLittle)).toEqual([
      { linkType: 101, timestampNs: T0 + 123_456_789n, data: PACKET_A, originalLength: 32, interfaceId: 0, comment: 'hello' },
    ]);
  });

  it('reads sections of both byte orders, IDB options, SPB, obsolete PB and unknown blocks', () => {
    expect(parseCapture(mixedSections)).toEqual([
      { linkType: 101, timestampNs: T0 + 250_000_000n, data: PACKET_A, originalLength: 32, interfaceId: 1 },
      {
        linkType: 1,
        timestampNs: T0 + 500_000_000n,
        data: ethernetFrame(PACKET_B),
        originalLength: 46,
        interfaceId: 0,
        comment: 'be',
      },
      { linkType: 101, timestampNs: 0n, data: PACKET_A.subarray(0, 20), originalLength: 32, interfaceId: 0 },
      {
        linkType: 101,
        timestampNs: T0 + 100_000_000_000n + 250_000_000n,
        data: PACKET_A.subarray(0, 20),
        originalLength: 32,
        interfaceId: 0,
        comment: 'opb',
      },
    ]);
  });
});

/** Walk the blocks of a file, checking the framing rules of section 3.1. */
function blockTypes(file: Buffer): number[] {
  const types: number[] = [];
  let pos = 0;
  const le = file.readUInt32LE(8) === 0x1a2b3c4d;
  while (pos < file.length) {
    const length = le ? file.readUInt32LE(pos + 4) : file.readUInt32BE(pos + 4);
    expect(length % 4).toBe(0);
    expect(le ? file.readUInt32LE(pos + length - 4) : file.readUInt32BE(pos + length - 4)).toBe(length);
    types.push(le ? file.readUInt32LE(pos) : file.readUInt32BE(pos));
    pos += length;
  }
  expect(pos).toBe(file.length);
  return types;
}

describe('pcapng round trips', () => {
  const interfaces = [
    { linkType: LinkType.RAW }, // 0: nanoseconds (default)
    { linkType: LinkType.ETHERNET, name: 'eth0', tsresol: 6 }, // 1: microseconds
    { linkType: LinkType.LINUX_SLL, name: 'any', tsresol: 0x80 | 20 }, // 2: 2^-20 s
    { linkType: LinkType.IPV4, tsresol: 3 }, // 3: milliseconds
  ];
  const records: CaptureRecordInput[] = [
    { data: PACKET_A, timestampNs: T0 + 1n, interfaceId: 0, comment: 'first' },
    { data: ethernetFrame(PACKET_B), timestampNs: T0 + 2_000n, interfaceId: 1 },
    { data: linuxSllFrame(PACKET_C), timestampNs: T0 + 750_000_000n, interfaceId: 2, comment: 'héllo ✓ — UTF-8' },
    { data: PACKET_C, timestampNs: T0 + 7_000_000n, interfaceId: 3, comment: '' },
    { data: PACKET_B, timestampNs: T0 + 999_999_999n, interfaceId: 0, originalLength: 9000 },
  ];

  for (const byteOrder of ['little', 'big'] as const) {
    it(`several interfaces and comments, ${byteOrder} endian`, () => {
      const file = encodePcapng(records, { byteOrder, interfaces });
      expect(blockTypes(file)).toEqual([0x0a0d0d0a, 1, 1, 1, 1, 6, 6, 6, 6, 6]);
      const back = parseCapture(file);
      expect(back).toHaveLength(records.length);
      back.forEach((record, i) => {
        expect(record.interfaceId).toBe(records[i].interfaceId);
        expect(record.linkType).toBe(interfaces[records[i].interfaceId ?? 0].linkType);
        expect(record.data).toEqual(Buffer.from(records[i].data));
        expect(record.timestampNs).toBe(records[i].timestampNs); // all chosen exact at their interface's resolution
        expect(record.originalLength).toBe(records[i].originalLength ?? records[i].data.length);
        expect(record.comment).toBe(records[i].comment);
      });
    });
  }

  it('rounds time finer than the interface resolution to the nearest unit', () => {
    const file = encodePcapng(
      [
        { data: PACKET_A, timestampNs: T0 + 1_234_499n, interfaceId: 0 },
        { data: PACKET_A, timestampNs: T0 + 1_234_500n, interfaceId: 0 },
      ],
      { interfaces: [{ linkType: LinkType.RAW, tsresol: 6 }] },
    );
    expect(parseCapture(file).map((r) => r.timestampNs)).toEqual([T0 + 1_234_000n, T0 + 1_235_000n]);
  });

  it('keeps binary resolutions stable across read-then-write', () => {
    // 2^-20 s is not a whole number of nanoseconds; nearest-unit rounding must give the same units back.
    const opts = { interfaces: [{ linkType: LinkType.RAW, tsresol: 0x80 | 20 }] };
    const first = encodePcapng([{ data: PACKET_A, timestampNs: T0 + 123_456_789n }], opts);
    const second = encodePcapng(parseCapture(first), opts);
    expect(second).toEqual(first);
    // One 2^-20 s unit is ~953.7 ns, so the nearest unit is at most ~477 ns away.
    const error = parseCapture(first)[0].timestampNs - (T0 + 123_456_789n);
    expect(error >= -477n && error <= 477n).toBe(true);
  });

  it('adds one interface per link type when records name only a link type', () => {
    const file = encodePcapng([
      { data: PACKET_A, timestampNs: T0, linkType: LinkType.RAW },
      { data: ethernetFrame(PACKET_B), timestampNs: T0, linkType: LinkType.ETHERNET },
      { data: PACKET_C, timestampNs: T0, linkType: LinkType.RAW },
    ]);
    expect(blockTypes(file)).toEqual([0x0a0d0d0a, 1, 6, 1, 6, 6]);
    expect(parseCapture(file).map((r) => [r.interfaceId, r.linkType])).toEqual([
      [0, 101],
      [1, 1],
      [0, 101],
    ]);
  });

  it('cuts packets to the interface snaplen', () => {
    const file = encodePcapng([{ data: PACKET_C, timestampNs: T0 }], { interfaces: [{ linkType: 101, snapLen: 21 }] });
    const [record] = parseCapture(file);
    expect(record.data).toEqual(PACKET_C.subarray(0, 21));
    expect(record.originalLength).toBe(PACKET_C.length);
    expect(blockTypes(file)).toHaveLength(3); // padding kept the framing valid
  });

  it('reads records copied from another file', () => {
    const copy = encodePcapng(parseCapture(encodePcapng(records, { interfaces })), { interfaces });
    expect(parseCapture(copy)).toEqual(parseCapture(encodePcapng(records, { interfaces })));
  });
});

describe('pcapng writer input checks', () => {
  const check = (fn: () => unknown, message: RegExp): void => {
    const error = thrownBy(fn);
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toMatch(message);
  };

  it('rejects an unregistered interface id', () => {
    check(() => encodePcapng([{ data: PACKET_A, timestampNs: T0, interfaceId: 2 }], { interfaces: [{ linkType: 101 }] }), /record 0: interfaceId 2 is not registered/);
  });
  it('rejects a record with no interface to go to', () => {
    check(() => encodePcapng([{ data: PACKET_A, timestampNs: T0 }]), /no interface registered/);
  });
  it('rejects a link type that contradicts the interface', () => {
    check(
      () => encodePcapng([{ data: PACKET_A, timestampNs: T0, interfaceId: 0, linkType: 1 }], { interfaces: [{ linkType: 101 }] }),
      /link type 1 differs from interface 0's link type 101/,
    );
  });
  it('rejects a comment too long for a 16-bit option length', () => {
    check(
      () => encodePcapng([{ data: PACKET_A, timestampNs: T0, linkType: 101, comment: 'x'.repeat(70000) }]),
      /record 0: comment is 70000 bytes of UTF-8; a pcapng option holds at most 65535/,
    );
  });
  it('rejects a bad if_tsresol', () => {
    check(() => encodePcapng([], { interfaces: [{ linkType: 101, tsresol: 300 }] }), /tsresol 300/);
  });
  it('rejects a timestamp that does not fit 64 bits', () => {
    check(
      () => encodePcapng([{ data: PACKET_A, timestampNs: T0, interfaceId: 0 }], { interfaces: [{ linkType: 101, tsresol: 19 }] }),
      /record 0: timestamp 1700000000000000000ns does not fit 64 bits at if_tsresol 19/,
    );
  });
  it('does not register an interface for a record it rejects', () => {
    const encoder = new PcapngEncoder();
    check(() => encoder.record({ data: PACKET_A, timestampNs: 1n << 70n, linkType: 1 }), /does not fit 64 bits/);
    expect(encoder.interfaceCount).toBe(0);
    const blocks = encoder.record({ data: PACKET_A, timestampNs: T0, linkType: 1 });
    expect(blocks.readUInt32LE(0)).toBe(1); // the IDB comes first, then the EPB
    expect(encoder.interfaceCount).toBe(1);
  });
});
