import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RawcraftError } from '../../src/codec/errors.js';
import { CaptureFormatError, encodePcap, encodePcapng, parseCapture, readCapture } from '../../src/capture/index.js';
import { PACKET_A, PACKET_B, chunkedStream, collect, hexBytes, thrownBy } from './helpers.js';
import { PCAPNG_MIXED_SECTIONS, PCAPNG_WRITTEN_LITTLE } from './vectors.js';

const pcap = encodePcap(
  [
    { data: PACKET_A, timestampNs: 1n },
    { data: PACKET_B, timestampNs: 2n },
  ],
  { linkType: 101 },
);
// Hand-written blocks per pcapng spec draft-ietf-opsawg-pcapng section 3.1 (block = type, length, body, length)
// and 4.1 (the SHB, 28 bytes without options).
const shbLittle = hexBytes('0a0d0d0a 1c000000 4d3c2b1a 0100 0000 ffffffffffffffff 1c000000');

interface Case {
  name: string;
  input: Buffer;
  message: string;
  records: number;
}

const cases: Case[] = [
  { name: 'empty input', input: Buffer.alloc(0), message: 'file header at byte 0: the input is empty', records: 0 },
  {
    name: 'bad magic',
    input: Buffer.from('GIF89a, not a capture'),
    message: 'file header at byte 0: magic 0x47494638 is neither pcap (a1b2c3d4, a1b23c4d, either byte order) nor pcapng (0a0d0d0a)',
    records: 0,
  },
  {
    name: 'pcap: truncated file header',
    input: pcap.subarray(0, 10),
    message: 'file header at byte 0: pcap file header needs 24 bytes but the file ends after 10 bytes',
    records: 0,
  },
  {
    name: 'pcap: unsupported version',
    input: Buffer.concat([pcap.subarray(0, 4), Buffer.from([1, 0]), pcap.subarray(6)]),
    message: 'file header at byte 0: pcap version 1.4 is not supported (expected 2.x)',
    records: 0,
  },
  {
    name: 'pcap: truncated record header',
    input: pcap.subarray(0, 24 + 48 + 5),
    message: 'record 1 at byte 72: record header needs 16 bytes but the file ends after 5 bytes',
    records: 1,
  },
  {
    name: 'pcap: record longer than the file',
    input: pcap.subarray(0, pcap.length - 1),
    message: 'record 1 at byte 72: record (16-byte header + 32 captured bytes) needs 48 bytes but the file ends after 47 bytes',
    records: 1,
  },
  {
    name: 'pcap: absurd captured length',
    input: (() => {
      const bad = Buffer.from(pcap);
      bad.writeUInt32LE(0xfffffff0, 24 + 48 + 8);
      return bad;
    })(),
    message: 'record 1 at byte 72: captured length 4294967280 exceeds the 16777216-byte limit',
    records: 1,
  },
  {
    name: 'pcapng: truncated section header',
    input: PCAPNG_WRITTEN_LITTLE.subarray(0, 10),
    message: 'record 0 at byte 0: section header block needs 12 bytes but the file ends after 10 bytes',
    records: 0,
  },
  {
    name: 'pcapng: bad byte-order magic',
    input: Buffer.concat([shbLittle.subarray(0, 8), Buffer.from('abcd'), shbLittle.subarray(12)]),
    message: 'record 0 at byte 0: byte-order magic 0x61626364 is neither 1a2b3c4d nor 4d3c2b1a',
    records: 0,
  },
  {
    name: 'pcapng: block length not a multiple of 4',
    input: Buffer.concat([shbLittle, hexBytes('01000000 15000000 6500 0000 00000000 00 15000000')]),
    message: 'record 1 at byte 28: block length 21 is not a multiple of 4',
    records: 0,
  },
  {
    name: 'pcapng: block shorter than its minimum',
    input: Buffer.concat([PCAPNG_WRITTEN_LITTLE, PCAPNG_WRITTEN_LITTLE.subarray(76), hexBytes('0a0d0d0a 0c000000 4d3c2b1a')]),
    message: 'record 4 at byte 236: block length 12 is smaller than the 28-byte minimum',
    records: 2,
  },
  {
    name: 'pcapng: block longer than the file',
    input: PCAPNG_WRITTEN_LITTLE.subarray(0, PCAPNG_WRITTEN_LITTLE.length - 4),
    message: 'record 2 at byte 76: enhanced packet block needs 80 bytes but the file ends after 76 bytes',
    records: 0,
  },
  {
    name: 'pcapng: trailing length differs',
    input: Buffer.concat([shbLittle.subarray(0, 24), hexBytes('20000000')]),
    message: 'record 0 at byte 0: trailing block length 32 does not match the leading block length 28',
    records: 0,
  },
  {
    name: 'pcapng: packet on an undefined interface',
    input: Buffer.concat([shbLittle, PCAPNG_WRITTEN_LITTLE.subarray(76)]),
    message: 'record 1 at byte 28: interface 0 is not defined (the section has 0 interfaces)',
    records: 0,
  },
  {
    name: 'pcapng: captured length past the block',
    input: (() => {
      const bad = Buffer.from(PCAPNG_WRITTEN_LITTLE);
      bad.writeUInt32LE(60, 76 + 20);
      return bad;
    })(),
    message: 'record 2 at byte 76: captured length 60 runs past the end of the block (48 bytes of room)',
    records: 0,
  },
  {
    name: 'pcapng: option longer than its block',
    input: (() => {
      const bad = Buffer.from(PCAPNG_WRITTEN_LITTLE);
      bad.writeUInt16LE(200, 76 + 60 + 2); // opt_comment length
      return bad;
    })(),
    message: 'record 2 at byte 76: option 1 with length 200 runs past the end of the options (12 bytes left)',
    records: 0,
  },
  {
    name: 'pcapng: if_tsresol of the wrong size',
    input: (() => {
      const bad = Buffer.from(PCAPNG_WRITTEN_LITTLE);
      bad.writeUInt16LE(2, 44 + 16 + 2);
      return bad;
    })(),
    message: 'record 1 at byte 44: if_tsresol option has length 2, expected 1',
    records: 0,
  },
  {
    name: 'pcapng: unsupported major version',
    input: Buffer.concat([shbLittle.subarray(0, 12), hexBytes('0200 0000'), shbLittle.subarray(16)]),
    message: 'record 0 at byte 0: pcapng version 2.0 is not supported (expected 1.x)',
    records: 0,
  },
];

describe('corrupt and truncated files', () => {
  for (const c of cases) {
    it(c.name, async () => {
      const error = thrownBy(() => parseCapture(c.input));
      expect(error).toBeInstanceOf(CaptureFormatError);
      const e = error as CaptureFormatError;
      expect(e).toBeInstanceOf(RawcraftError);
      expect(e.code).toBe('E_CAPTURE');
      expect(e.message).toBe(c.message);
      expect(e.message).not.toContain('\n');
      expect(e.message).toContain(`at byte ${e.offset}:`);

      // The streaming reader yields the same good records, then the same error, whatever the chunking.
      for (const size of [1, 7]) {
        const seen: unknown[] = [];
        let streamed: unknown;
        try {
          for await (const record of readCapture(chunkedStream(c.input, size))) seen.push(record);
        } catch (err) {
          streamed = err;
        }
        expect(seen).toHaveLength(c.records);
        expect(streamed).toBeInstanceOf(CaptureFormatError);
        expect((streamed as CaptureFormatError).message).toBe(c.message);
        expect((streamed as CaptureFormatError).recordIndex).toBe(e.recordIndex);
      }
    });
  }

  it('a smaller maxRecordBytes refuses big records', () => {
    const error = thrownBy(() => parseCapture(PCAPNG_WRITTEN_LITTLE, { maxRecordBytes: 64 }));
    expect((error as Error).message).toBe('record 2 at byte 76: block length 80 exceeds the 64-byte limit');
  });

  it('never throws anything but CaptureFormatError on damaged files', async () => {
    const valid = [pcap, encodePcap([{ data: PACKET_A, timestampNs: 5n }], { linkType: 1, byteOrder: 'big', resolution: 'ns' }), PCAPNG_MIXED_SECTIONS, encodePcapng([{ data: PACKET_B, timestampNs: 9n, linkType: 101, comment: 'x' }])];
    fc.assert(
      fc.property(
        fc.constantFrom(...valid),
        fc.array(fc.tuple(fc.nat(), fc.nat({ max: 255 })), { maxLength: 6 }),
        fc.nat(),
        (file, flips, cut) => {
          const damaged = Buffer.from(file.subarray(0, 1 + (cut % file.length)));
          for (const [pos, value] of flips) damaged[pos % damaged.length] = value;
          try {
            parseCapture(damaged);
          } catch (error) {
            if (!(error instanceof CaptureFormatError)) throw error;
          }
        },
      ),
      { numRuns: 2000 },
    );
    // And the same for the streaming path on a few damaged inputs.
    const damaged = Buffer.from(PCAPNG_MIXED_SECTIONS);
    damaged.writeUInt32BE(0xffffff00, 32);
    await expect(collect(readCapture(chunkedStream(damaged, 3)))).rejects.toBeInstanceOf(CaptureFormatError);
  });
});
