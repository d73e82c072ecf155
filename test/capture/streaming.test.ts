import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError } from '../../src/codec/errors.js';
import {
  CaptureDecoder,
  CaptureFormatError,
  CaptureWriteError,
  LinkType,
  PcapWriter,
  PcapngWriter,
  createCaptureWriter,
  encodePcap,
  encodePcapng,
  parseCapture,
  readCapture,
  type CaptureRecordInput,
} from '../../src/capture/index.js';
import { PACKETS, PACKET_A, chunkedStream, collect, ethernetFrame } from './helpers.js';
import { PCAPNG_MIXED_SECTIONS } from './vectors.js';

const T0 = 1_700_000_000_000_000_000n;
const dir = mkdtempSync(join(tmpdir(), 'rawcraft-capture-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const records: CaptureRecordInput[] = Array.from({ length: 12 }, (_, i) => ({
  data: PACKETS[i % 3],
  timestampNs: T0 + BigInt(i) * 1_000_001_000n,
  comment: i % 4 === 0 ? `packet ${i}` : undefined,
}));

const files: Record<string, Buffer> = {
  'pcap little us': encodePcap(records, { linkType: LinkType.RAW }),
  'pcap big ns': encodePcap(records, { linkType: LinkType.RAW, byteOrder: 'big', resolution: 'ns' }),
  'pcapng little': encodePcapng(records, { interfaces: [{ linkType: LinkType.RAW }] }),
  'pcapng big': encodePcapng(records, { byteOrder: 'big', interfaces: [{ linkType: LinkType.RAW, tsresol: 6 }] }),
  'pcapng two sections': PCAPNG_MIXED_SECTIONS,
};

describe('streaming reader across chunk boundaries', () => {
  for (const [name, file] of Object.entries(files)) {
    for (const size of [1, 7, 4096]) {
      it(`${name}, ${size}-byte chunks`, async () => {
        const expected = parseCapture(file);
        expect(expected.length).toBeGreaterThan(3);
        expect(await collect(readCapture(chunkedStream(file, size)))).toEqual(expected);
      });
    }
  }

  it('reads a file path', async () => {
    const path = join(dir, 'read.pcapng');
    writeFileSync(path, files['pcapng little']);
    expect(await collect(readCapture(path))).toEqual(parseCapture(files['pcapng little']));
  });

  it('accepts any async iterable of Uint8Array chunks', async () => {
    const file = files['pcap little us'];
    async function* source(): AsyncGenerator<Uint8Array> {
      for (let i = 0; i < file.length; i += 5) yield new Uint8Array(file.subarray(i, i + 5));
    }
    expect(await collect(readCapture(source()))).toHaveLength(records.length);
  });

  it('pulls chunks only as records are consumed, and stops the source on break', async () => {
    const many = encodePcap(
      Array.from({ length: 2000 }, (_, i) => ({ data: PACKET_A, timestampNs: BigInt(i) })),
      { linkType: LinkType.RAW },
    );
    let pulled = 0;
    let stopped = false;
    async function* source(): AsyncGenerator<Buffer> {
      try {
        for (let i = 0; i < many.length; i += 100) {
          pulled++;
          yield many.subarray(i, i + 100);
        }
      } finally {
        stopped = true;
      }
    }
    let seen = 0;
    for await (const record of readCapture(source())) {
      expect(record.data).toEqual(PACKET_A);
      if (++seen === 10) break;
    }
    // 10 records of 48 bytes plus the header fit in 5 chunks of 100 bytes; the file has 961 chunks.
    expect(pulled).toBeLessThanOrEqual(6);
    expect(stopped).toBe(true);
  });

  it('yields the good records before throwing at a bad one', async () => {
    const file = Buffer.from(files['pcapng little']);
    // Corrupt the 6th block (SHB, IDB, then EPBs): its leading length no longer matches its trailer.
    let pos = 0;
    for (let i = 0; i < 5; i++) pos += file.readUInt32LE(pos + 4);
    file.writeUInt32LE(file.readUInt32LE(pos + 4) + 4, pos + 4);
    for (const size of [1, 7]) {
      const seen: number[] = [];
      let caught: unknown;
      try {
        for await (const record of readCapture(chunkedStream(file, size))) seen.push(record.data.length);
      } catch (error) {
        caught = error;
      }
      expect(seen).toHaveLength(3);
      expect(caught).toBeInstanceOf(CaptureFormatError);
      expect((caught as CaptureFormatError).recordIndex).toBe(5);
      expect((caught as CaptureFormatError).offset).toBe(pos);
    }
  });

  it('rejects a stream of strings', async () => {
    const strings = Readable.from(['not', 'bytes'], { objectMode: true });
    await expect(collect(readCapture(strings))).rejects.toBeInstanceOf(InputError);
  });

  it('offers a push decoder for callers that own the I/O', () => {
    const decoder = new CaptureDecoder();
    const file = files['pcap big ns'];
    const out = [];
    for (const byte of file) {
      decoder.push(Buffer.from([byte]));
      for (let r = decoder.next(); r !== null; r = decoder.next()) out.push(r);
    }
    decoder.end();
    expect(decoder.format).toBe('pcap');
    expect(out).toEqual(parseCapture(file));
  });
});

/** A Writable with a tiny buffer that completes each write on a later tick: forces backpressure. */
function slowSink(): { stream: Writable; chunks: Buffer[]; drains: () => number } {
  const chunks: Buffer[] = [];
  let drains = 0;
  const stream = new Writable({
    highWaterMark: 64,
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(chunk);
      setTimeout(callback, 1);
    },
  });
  stream.on('drain', () => drains++);
  return { stream, chunks, drains: () => drains };
}

describe('writers', () => {
  it('PcapWriter waits for drain and writes what encodePcap writes', async () => {
    const sink = slowSink();
    const writer = new PcapWriter(sink.stream, { linkType: LinkType.RAW, resolution: 'ns' });
    for (const record of records) {
      await writer.write(record);
      expect(sink.stream.writableNeedDrain).toBe(false); // write() resolved only once there was room
    }
    await writer.close();
    expect(sink.drains()).toBeGreaterThan(0);
    expect(Buffer.concat(sink.chunks)).toEqual(encodePcap(records, { linkType: LinkType.RAW, resolution: 'ns' }));
  });

  it('PcapngWriter registers interfaces and writes what encodePcapng writes', async () => {
    const sink = slowSink();
    const writer = new PcapngWriter(sink.stream, { byteOrder: 'big' });
    expect(writer.addInterface(LinkType.RAW, { name: 'raw0' })).toBe(0);
    expect(writer.addInterface(LinkType.ETHERNET, { tsresol: 6 })).toBe(1);
    const input: CaptureRecordInput[] = [
      { data: PACKET_A, timestampNs: T0, interfaceId: 0, comment: 'hi' },
      { data: ethernetFrame(PACKET_A), timestampNs: T0 + 1_000n, interfaceId: 1 },
    ];
    for (const record of input) await writer.write(record);
    await writer.close();
    const expected = encodePcapng(input, {
      byteOrder: 'big',
      interfaces: [
        { linkType: LinkType.RAW, name: 'raw0' },
        { linkType: LinkType.ETHERNET, tsresol: 6 },
      ],
    });
    expect(Buffer.concat(sink.chunks)).toEqual(expected);
  });

  for (const format of ['pcap', 'pcapng'] as const) {
    it(`createCaptureWriter(path, ${format}) leaves a complete file when close() resolves`, async () => {
      const path = join(dir, `written.${format}`);
      const writer = createCaptureWriter(path, { format, linkType: LinkType.RAW });
      for (const record of records) await writer.write(record);
      await writer.close();
      const back = parseCapture(readFileSync(path));
      expect(back.map((r) => r.data)).toEqual(records.map((r) => r.data));
      expect(back.map((r) => r.timestampNs)).toEqual(records.map((r) => r.timestampNs));
    });
  }

  it('refuses writes after close()', async () => {
    const writer = createCaptureWriter(slowSink().stream, { format: 'pcap', linkType: 1 });
    await writer.close();
    await expect(writer.write({ data: PACKET_A, timestampNs: 0n })).rejects.toBeInstanceOf(CaptureWriteError);
    await expect(writer.close()).rejects.toBeInstanceOf(CaptureWriteError);
  });

  it('reports a failing destination as CaptureWriteError', async () => {
    const broken = new Writable({
      write(_chunk, _encoding, callback) {
        callback(new Error('disk full'));
      },
    });
    const writer = new PcapWriter(broken, { linkType: 1 });
    await new Promise((resolve) => setImmediate(resolve));
    const error = await writer.write({ data: PACKET_A, timestampNs: 0n }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CaptureWriteError);
    expect((error as Error).message).toMatch(/disk full/);
  });

  it('reports an unwritable path at once, naming it', () => {
    const path = join(dir, 'no-such-dir', 'x.pcap');
    expect(() => createCaptureWriter(path, { format: 'pcap', linkType: 1 })).toThrow(CaptureWriteError);
    expect(() => createCaptureWriter(path, { format: 'pcap', linkType: 1 })).toThrow(`cannot write ${path}: no such directory`);
  });

  it('a path appears only when close() resolves; abort() leaves nothing', async () => {
    const path = join(dir, 'atomic.pcap');
    const writer = createCaptureWriter(path, { format: 'pcap', linkType: LinkType.RAW });
    await writer.write(records[0]);
    expect(existsSync(path)).toBe(false);
    await writer.close();
    expect(parseCapture(readFileSync(path))).toHaveLength(1);
    const again = createCaptureWriter(path, { format: 'pcap', linkType: LinkType.RAW });
    await again.write(records[0]);
    await again.write(records[1]);
    again.abort();
    expect(parseCapture(readFileSync(path))).toHaveLength(1);
    expect(readdirSync(dir).filter((f) => f.includes('atomic.pcap'))).toEqual(['atomic.pcap']);
  });

  it('rejects bad records without writing anything', async () => {
    const sink = slowSink();
    const writer = new PcapWriter(sink.stream, { linkType: 1 });
    await expect(writer.write({ data: PACKET_A, timestampNs: -5n })).rejects.toBeInstanceOf(InputError);
    await writer.close();
    expect(Buffer.concat(sink.chunks)).toHaveLength(24);
  });
});

describe('PcapngWriter.writePacket (packet blocks gathered into chunks)', () => {
  /** A Writable that keeps what it is given, taking `delayMs` per chunk (so backpressure happens). */
  function sinkStream(delayMs: number): { stream: Writable; bytes: () => Buffer } {
    const parts: Buffer[] = [];
    const stream = new Writable({
      highWaterMark: 1024,
      write(chunk: Buffer, _enc, done) {
        parts.push(Buffer.from(chunk));
        setTimeout(done, delayMs);
      },
    });
    return { stream, bytes: () => Buffer.concat(parts) };
  }

  for (const byteOrder of ['little', 'big'] as const) {
    it(`writes the bytes write() writes, across chunks and interleaved with write() (${byteOrder} endian)`, async () => {
      // Enough packets for several 256 KiB chunks; odd lengths exercise the padding.
      const many = Array.from({ length: 6000 }, (_, i) => ({ data: Buffer.alloc(100 + (i % 7), i & 255), timestampNs: T0 + BigInt(i) * 1_234_567n, comment: i % 2500 === 0 ? `c${i}` : undefined }));
      const expected = encodePcapng(many, { byteOrder, interfaces: [{ linkType: LinkType.RAW }] });
      const { stream, bytes } = sinkStream(0);
      const writer = new PcapngWriter(stream, { byteOrder, interfaces: [{ linkType: LinkType.RAW }] });
      let waits = 0;
      for (const r of many) {
        if (r.comment !== undefined) {
          await writer.write({ ...r, interfaceId: 0 });
          continue;
        }
        const wait = writer.writePacket(0, Number(r.timestampNs >> 32n), Number(r.timestampNs & 0xffffffffn), r.data);
        if (wait) {
          waits++;
          await wait;
        }
      }
      await writer.close();
      expect(waits).toBeGreaterThan(0);
      expect(bytes().equals(expected)).toBe(true);
    });
  }

  it('takes the record path for an interface with another timestamp resolution', async () => {
    const r = { data: PACKET_A, timestampNs: T0 + 1_500n };
    const expected = encodePcapng([{ ...r, interfaceId: 0 }], { interfaces: [{ linkType: LinkType.RAW, tsresol: 6 }] });
    const { stream, bytes } = sinkStream(0);
    const writer = new PcapngWriter(stream, { interfaces: [{ linkType: LinkType.RAW, tsresol: 6 }] });
    await writer.writePacket(0, Number(r.timestampNs >> 32n), Number(r.timestampNs & 0xffffffffn), r.data);
    await writer.close();
    expect(bytes().equals(expected)).toBe(true);
  });

  it('reports a failed destination instead of losing the gathered packets silently', async () => {
    const stream = new Writable({ write: (_c, _e, done) => done(new Error('disk full')) });
    const writer = new PcapngWriter(stream, { interfaces: [{ linkType: LinkType.RAW }] });
    writer.writePacket(0, 0, 0, PACKET_A);
    await expect(writer.close()).rejects.toThrow(CaptureWriteError);
  });
});
