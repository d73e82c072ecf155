/**
 * build --dump / --mtu, encode --json / --fix-checksums (issue 14). Crafted packets only (the
 * documentation ranges or loopback); nothing is sent. tshark judges checksums and reassembly
 * where installed (required with CI=true).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseCapture } from '../../src/capture/index.js';
import { decode, reassemble, type PacketJson } from '../../src/index.js';
import { CHECKSUM, hasTshark, inCI, tsharkFields } from '../interop/tools.js';
import { cli, expectOneLineError } from '../expr/run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'rawcraft-build-encode-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const PAYLOAD = Buffer.from(Array.from({ length: 100 }, (_, i) => i));
const EXPR = `ipv4(src=192.0.2.1,dst=198.51.100.2,id=77)/udp(srcPort=4000,dstPort=9)/raw(hex=${PAYLOAD.toString('hex')})`;

describe('build --dump', () => {
  it('prints the tree and an offset / hex / ASCII dump of the packet', async () => {
    const [dump, hex] = await Promise.all([cli(['build', 'ipv4(src=192.0.2.1,dst=198.51.100.2)/udp(dstPort=9)/raw(hex=41424344)', '--dump']), cli(['build', 'ipv4(src=192.0.2.1,dst=198.51.100.2)/udp(dstPort=9)/raw(hex=41424344)', '--hex'])]);
    expect(dump.code, dump.stderr).toBe(0);
    const bytes = Buffer.from(hex.stdout.trim(), 'hex');
    expect(dump.stdout).toMatch(/^ipv4 +Internet Protocol version 4/);
    const dumpLines = dump.stdout.trimEnd().split('\n').filter((l) => /^[0-9a-f]{4}  /.test(l));
    expect(dumpLines).toHaveLength(Math.ceil(bytes.length / 16));
    // The dump's hex columns are the packet's bytes.
    const fromDump = Buffer.from(dumpLines.map((l) => l.slice(6, 55).replace(/ /g, '')).join(''), 'hex');
    expect(fromDump).toEqual(bytes);
    expect(dumpLines.at(-1)).toMatch(/ABCD$/);
  });
});

describe('build --mtu', () => {
  it('fragments the datagram: each fragment fits, they reassemble to the whole', async () => {
    const [whole, frags] = await Promise.all([cli(['build', EXPR, '--hex']), cli(['build', EXPR, '--mtu', '60'])]);
    expect(frags.code, frags.stderr).toBe(0);
    const pieces = frags.stdout.trim().split('\n').map((l) => Buffer.from(l, 'hex'));
    expect(pieces).toHaveLength(3); // 108 bytes of UDP in 40-byte pieces
    for (const p of pieces) expect(p.length).toBeLessThanOrEqual(60);
    const r = reassemble(pieces);
    if (!r.ok) throw r.error;
    expect(r.packet).toEqual(Buffer.from(whole.stdout.trim(), 'hex'));
  });

  it('writes the fragments to a capture file; tshark reassembles them', async () => {
    const out = join(dir, 'frags.pcapng');
    const r = await cli(['build', EXPR, '--mtu', '60', '--pcapng', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(parseCapture(readFileSync(out))).toHaveLength(3);
    if (!hasTshark) {
      if (inCI) throw new Error('CI=true but tshark is not on PATH');
      return;
    }
    const frames = await tsharkFields(out, ['ip.frag_offset', 'udp.length', 'udp.checksum.status'], ['-o', 'ip.defragment:TRUE']);
    // In 8-byte units, as the header carries them: 40 data bytes a fragment.
    expect(frames.map((f) => f['ip.frag_offset'])).toEqual([['0'], ['5'], ['10']]);
    // The last fragment completes the datagram: tshark reassembles the whole UDP datagram, checksum good.
    expect(frames[2]['udp.length']).toEqual(['108']);
    expect(frames[2]['udp.checksum.status']).toEqual([CHECKSUM.GOOD]);
  });

  it('refuses Don\'t Fragment and non-IP starts with CLI words, not library options', async () => {
    const df = await cli(['build', EXPR.replace('id=77', 'id=77,flags=[df]'), '--mtu', '60']);
    expectOneLineError(df, /build: --mtu 60: the datagram \(128 bytes\) has Don't Fragment set; leave df out/);
    expect(df.stderr).not.toMatch(/force/);
    expectOneLineError(await cli(['build', 'ethernet()/ipv4()/udp()', '--mtu', '60']), /--mtu fragments IP datagrams, but the packet starts with ethernet/);
    expectOneLineError(await cli(['build', EXPR, '--mtu', '10']), /--mtu: must be >= 28/);
  });
});

describe('encode --json and --fix-checksums', () => {
  it('--json: one line per packet with index, length and hex', async () => {
    const json = (await cli(['build', EXPR, '--json'])).stdout;
    const r = await cli(['encode', '--json'], { input: json + json });
    expect(r.code, r.stderr).toBe(0);
    const hex = (await cli(['build', EXPR, '--hex'])).stdout.trim();
    expect(r.stdout.trim().split('\n').map((l) => JSON.parse(l))).toEqual([
      { index: 0, length: hex.length / 2, hex },
      { index: 1, length: hex.length / 2, hex },
    ]);
  });

  it('--fix-checksums recomputes what an edited field left wrong; without it the old checksum stays', async () => {
    const packet = JSON.parse((await cli(['build', EXPR, '--json'])).stdout) as PacketJson;
    // As `jq '.layers[0].fields.ttl = 3 | .layers[1].fields.dstPort = 7'` would.
    packet.layers[0].fields.ttl = 3;
    packet.layers[1].fields.dstPort = 7;
    const input = JSON.stringify(packet) + '\n';
    const [asGiven, fixed] = await Promise.all([cli(['encode'], { input }), cli(['encode', '--fix-checksums'], { input })]);
    expect(fixed.code, fixed.stderr).toBe(0);
    const statuses = (hex: string) => decode(Buffer.from(hex.trim(), 'hex'), { mode: 'lax' }).layers.map((l) => `${l.layer}:${l.checksum?.status ?? '-'}`);
    expect(statuses(asGiven.stdout)).toEqual(['ipv4:invalid', 'udp:invalid', 'raw:-']);
    expect(statuses(fixed.stdout)).toEqual(['ipv4:valid', 'udp:valid', 'raw:-']);
    const out = decode(Buffer.from(fixed.stdout.trim(), 'hex'));
    expect(out.layers[0].fields).toMatchObject({ ttl: 3, id: 77 });
    expect(out.layers[1].fields).toMatchObject({ dstPort: 7 });
    if (hasTshark) {
      const file = join(dir, 'fixed.jsonl');
      writeFileSync(file, input);
      const pcap = join(dir, 'fixed.pcapng');
      expect((await cli(['encode', file, '--fix-checksums', '--pcapng', pcap])).code).toBe(0);
      const [frame] = await tsharkFields(pcap, ['ip.checksum.status', 'udp.checksum.status']);
      expect(frame).toEqual({ 'ip.checksum.status': [CHECKSUM.GOOD], 'udp.checksum.status': [CHECKSUM.GOOD] });
    } else if (inCI) throw new Error('CI=true but tshark is not on PATH');
  });

  it('--fix-checksums keeps a checksum asked to be wrong with "corrupt"', async () => {
    const packet = JSON.parse((await cli(['build', EXPR, '--json'])).stdout) as PacketJson & { layers: { corrupt?: string[] }[] };
    packet.layers[0].fields.ttl = 3;
    packet.layers[1].corrupt = ['checksum'];
    const r = await cli(['encode', '--fix-checksums'], { input: JSON.stringify(packet) + '\n' });
    expect(r.code, r.stderr).toBe(0);
    expect(decode(Buffer.from(r.stdout.trim(), 'hex'), { mode: 'lax' }).layers.map((l) => l.checksum?.status)).toEqual(['valid', 'invalid', undefined]);
  });

  it('--fix-checksums leaves right checksums and other fields as given', async () => {
    const json = (await cli(['build', EXPR, '--json'])).stdout;
    const [plain, fixed] = await Promise.all([cli(['encode'], { input: json }), cli(['encode', '--fix-checksums'], { input: json })]);
    expect(fixed.stdout).toBe(plain.stdout);
  });
});
