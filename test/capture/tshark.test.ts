/**
 * Interop with Wireshark's command-line tools. Skipped where tshark is missing, except that with
 * CI=true a missing tshark fails the suite (the interop check must not silently vanish in CI).
 */
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  LinkType,
  createCaptureWriter,
  linkTypeName,
  parseCapture,
  type CaptureRecordInput,
  type CreateCaptureWriterOptions,
  type PcapWriteOptions,
  type PcapngWriteOptions,
} from '../../src/capture/index.js';
import { ADDRESSES, PACKETS, PACKET_A, ethernetFrame, linuxSllFrame } from './helpers.js';
import { GENERATE_SCRIPT, OUTSIDE_TOOL_FILES, expectOutsideToolFile } from './outside-tools.js';

const run = promisify(execFile);
const onPath = (tool: string): boolean => spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0;
const hasTshark = onPath('tshark');
const hasCapinfos = onPath('capinfos');
const hasFixtureTools = ['text2pcap', 'editcap', 'mergecap'].every(onPath);
const inCI = process.env.CI === 'true';

const T0 = 1_700_000_000_000_000_000n; // 2023-11-14T22:13:20Z
/** Nanosecond times, so each file shows its own rounding: 123456789 ns, +1500 ns (a half microsecond), +1999 ns. */
const TIMES = [T0 + 123_456_789n, T0 + 500_001_500n, T0 + 1_000_001_999n];

interface Variant {
  name: string;
  options: ({ format: 'pcap' } & Omit<PcapWriteOptions, 'linkType'>) | ({ format: 'pcapng' } & PcapngWriteOptions);
  /** Nanoseconds per timestamp unit in the file. */
  unitNs: bigint;
  fileType: string;
  comments: boolean;
}

const variants: Variant[] = [
  { name: 'pcap, little endian, microseconds', options: { format: 'pcap' }, unitNs: 1000n, fileType: 'pcap', comments: false },
  {
    name: 'pcap, big endian, nanoseconds',
    options: { format: 'pcap', byteOrder: 'big', resolution: 'ns' },
    unitNs: 1n,
    fileType: 'nsecpcap',
    comments: false,
  },
  { name: 'pcapng, little endian, nanoseconds', options: { format: 'pcapng' }, unitNs: 1n, fileType: 'pcapng', comments: true },
  {
    name: 'pcapng, big endian, microseconds',
    // The interface is registered up front with if_tsresol 6; records then go to it by link type.
    options: { format: 'pcapng', byteOrder: 'big', interfaces: [{ linkType: 0, name: 'rc0', tsresol: 6 }] },
    unitNs: 1000n,
    fileType: 'pcapng',
    comments: true,
  },
];

/** Link types under test, how to frame an IPv4 packet for each, and capinfos' name for it. */
const linkTypes: Array<{ linkType: number; frame: (p: Buffer) => Buffer; encapsulation: string }> = [
  { linkType: LinkType.RAW, frame: (p) => p, encapsulation: 'rawip' },
  { linkType: LinkType.IPV4, frame: (p) => p, encapsulation: 'rawip4' },
  { linkType: LinkType.ETHERNET, frame: ethernetFrame, encapsulation: 'ether' },
  { linkType: LinkType.LINUX_SLL, frame: linuxSllFrame, encapsulation: 'linux-sll' },
];

const dir = mkdtempSync(join(tmpdir(), 'rawcraft-tshark-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function roundTo(ns: bigint, unit: bigint): bigint {
  return ((2n * ns + unit) / (2n * unit)) * unit;
}

/** tshark's frame.time_epoch text: seconds, a dot, nine digits. */
function epochText(ns: bigint): string {
  return `${ns / 1_000_000_000n}.${(ns % 1_000_000_000n).toString().padStart(9, '0')}`;
}

async function writeFile(path: string, options: CreateCaptureWriterOptions, records: CaptureRecordInput[]): Promise<void> {
  const writer = createCaptureWriter(path, options);
  for (const record of records) await writer.write(record);
  await writer.close();
}

interface Frame {
  number: string;
  src: string;
  dst: string;
  epoch: string;
  protocols: string;
  comment: string;
  expert: string;
}

/** Dissect with checksum validation on; returns the frames and checks stderr has nothing but the root notice. */
async function tshark(path: string): Promise<Frame[]> {
  const fields = ['frame.number', 'ip.src', 'ip.dst', 'frame.time_epoch', 'frame.protocols', 'frame.comment', '_ws.expert.message'];
  const { stdout, stderr } = await run('tshark', [
    '-r', path,
    '-o', 'ip.check_checksum:TRUE',
    '-o', 'udp.check_checksum:TRUE',
    '-T', 'fields',
    ...fields.flatMap((f) => ['-e', f]),
  ]);
  expect(stderr.split('\n').filter((line) => line.trim() !== '' && !/^Running as user/.test(line))).toEqual([]);
  return stdout
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => {
      const [number, src, dst, epoch, protocols, comment, expert] = line.split('\t');
      return { number, src, dst, epoch, protocols, comment, expert };
    });
}

/** capinfos -T -M: one header row, one row per file. */
async function capinfos(path: string): Promise<Record<string, string>> {
  const { stdout } = await run('capinfos', ['-T', '-M', path]);
  const [header, row] = stdout.trimEnd().split('\n').map((line) => line.split('\t'));
  return Object.fromEntries(header.map((key, i) => [key, row[i]]));
}

describe.skipIf(!hasTshark && !inCI)('tshark interop', () => {
  beforeAll(() => {
    if (!hasTshark) throw new Error('tshark is not on PATH and CI=true: install tshark, the interop tests must run in CI');
  });

  for (const variant of variants) {
    for (const { linkType, frame, encapsulation } of linkTypes) {
      it(`${variant.name}, ${linkTypeName(linkType)} (${linkType})`, async () => {
        const path = join(dir, `${variant.fileType}-${variant.options.byteOrder ?? 'little'}-${linkType}.${variant.options.format}`);
        const records: CaptureRecordInput[] = PACKETS.map((packet, i) => ({
          data: frame(packet),
          timestampNs: TIMES[i],
          linkType,
          comment: variant.comments && i === 1 ? `rawcraft comment ${i}` : undefined,
        }));
        const options: CreateCaptureWriterOptions =
          variant.options.format === 'pcap'
            ? { ...variant.options, linkType }
            : { ...variant.options, interfaces: variant.options.interfaces?.map((i) => ({ ...i, linkType })) };
        await writeFile(path, options, records);

        const frames = await tshark(path);
        expect(frames).toHaveLength(3);
        frames.forEach((f, i) => {
          expect(f.number).toBe(String(i + 1));
          expect([f.src, f.dst]).toEqual(ADDRESSES[i]);
          expect(f.epoch).toBe(epochText(roundTo(TIMES[i], variant.unitNs)));
          expect(f.protocols).toMatch(/(^|:)ip:udp:data$/);
          expect(f.protocols).not.toMatch(/malformed/);
          // Comments are reported as expert info; nothing else may be (no bad checksum, no malformed packet).
          const comment = records[i].comment ?? '';
          expect(f.comment).toBe(comment);
          expect(f.expert).toBe(comment);
        });
        // And rawcraft reads its own file back the same way.
        expect(parseCapture(readFileSync(path)).map((r) => r.timestampNs)).toEqual(TIMES.map((t) => roundTo(t, variant.unitNs)));

        if (hasCapinfos) {
          const info = await capinfos(path);
          expect(info['File type']).toBe(variant.fileType);
          expect(info['File encapsulation']).toBe(encapsulation);
          expect(info['Number of packets']).toBe('3');
          expect(info['File time precision']).toBe(variant.unitNs === 1n ? 'nanoseconds' : 'microseconds');
        }
      });
    }
  }

  it('sees a wrong checksum (so the checks above are live)', async () => {
    const bad = Buffer.from(PACKET_A);
    bad[10] ^= 0x01; // corrupt the IPv4 header checksum
    const path = join(dir, 'bad-checksum.pcap');
    await writeFile(path, { format: 'pcap', linkType: LinkType.RAW }, [{ data: bad, timestampNs: T0 }]);
    const [f] = await tshark(path);
    expect(f.expert).toMatch(/Bad checksum/);
  });

  it('reads one pcapng with an interface per link type', async () => {
    const path = join(dir, 'four-interfaces.pcapng');
    const records = linkTypes.map(({ linkType, frame }, i) => ({
      data: frame(PACKETS[i % 3]),
      timestampNs: TIMES[i % 3] + BigInt(i) * 1_000_000_000n,
      linkType,
    }));
    await writeFile(path, { format: 'pcapng' }, records);
    const { stdout } = await run('tshark', ['-r', path, '-T', 'fields', '-e', 'frame.interface_id', '-e', 'ip.src', '-e', '_ws.expert.message']);
    expect(stdout.split('\n').filter((line) => line !== '')).toEqual(['0\t192.0.2.1\t', '1\t192.0.2.2\t', '2\t192.0.2.10\t', '3\t192.0.2.1\t']);
    if (hasCapinfos) expect((await capinfos(path))['File encapsulation']).toBe('per-packet');
  });

  // Wireshark truncates nanoseconds when it writes a microsecond pcap.
  const truncate = (ns: bigint, unit: bigint): bigint => (ns / unit) * unit;
  for (const [fileType, unitNs] of [['pcap', 1000n], ['nsecpcap', 1n], ['pcapng', 1n]] as const) {
    it(`reads a ${fileType} file that tshark wrote`, async () => {
      const ours = join(dir, `source-for-${fileType}.pcapng`);
      const records = PACKETS.map((data, i) => ({ data, timestampNs: TIMES[i], linkType: LinkType.RAW, comment: i === 2 ? 'kept' : undefined }));
      await writeFile(ours, { format: 'pcapng' }, records);
      const theirs = join(dir, `written-by-tshark.${fileType}`);
      await run('tshark', ['-r', ours, '-F', fileType, '-w', theirs]);

      const back = parseCapture(readFileSync(theirs));
      expect(back.map((r) => r.data)).toEqual(PACKETS);
      expect(back.map((r) => r.linkType)).toEqual([101, 101, 101]);
      expect(back.map((r) => r.timestampNs)).toEqual(TIMES.map((t) => truncate(t, unitNs)));
      if (fileType === 'pcapng') expect(back.map((r) => r.comment)).toEqual([undefined, undefined, 'kept']);
    });
  }

  it.skipIf(!hasFixtureTools)('reads files made by text2pcap, editcap and mergecap (regenerated now)', async () => {
    const out = mkdtempSync(join(dir, 'fixtures-'));
    await run('sh', [GENERATE_SCRIPT, out]);
    for (const name of OUTSIDE_TOOL_FILES) expectOutsideToolFile(name, parseCapture(readFileSync(join(out, name))));
  });
});
