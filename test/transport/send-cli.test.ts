/**
 * `rawcraft send` and `preflight` against issue 14 (items 3, 5, 6, 8 and the CLI's wording),
 * with real raw sockets on loopback only. What arrived is checked by a second raw socket or by
 * tcpdump on lo, against `rawcraft build`'s bytes for the same expression.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCapture } from '../../src/capture/index.js';
import { RawSocket } from '../../src/transport/socket/raw-socket.js';
import { ROOT, first, freshId, requireRaw } from './helpers.js';
import { cli, ensureBuilt, tcpdump } from './built-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'rawcraft-send-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
beforeAll(ensureBuilt, 200_000);

/** The bytes `rawcraft build EXPR --hex` gives. */
function built(expr: string): Buffer {
  const r = cli(['build', expr, '--hex']);
  expect(r.status, r.stderr).toBe(0);
  return Buffer.from(r.stdout.trim(), 'hex');
}

async function records(path: string): Promise<Buffer[]> {
  const out: Buffer[] = [];
  for await (const r of readCapture(path)) out.push(Buffer.from(r.data));
  return out;
}

describe('rawcraft send: what goes out', () => {
  it('a default IPv4 send goes out byte for byte, with no "not as built" notes (item 8: id 1, checksum kept)', async (ctx) => {
    requireRaw(ctx);
    const id = freshId();
    const expr = `ipv4(dst=127.0.0.1)/udp(srcPort=${40000 + (id % 20000)},dstPort=9)/raw(hex=01)`;
    const expected = built(expr);
    expect(expected.readUInt16BE(4)).toBe(1); // the default identification
    using watcher = RawSocket.open({ family: 4, protocol: 17 });
    const seen = first(watcher, (d) => Buffer.compare(d.bytes.subarray(20, 24), expected.subarray(20, 24)) === 0);
    const r = cli(['send', expr]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).not.toMatch(/note:/);
    expect(r.stdout).toMatch(/^sent 1 packet \(29 bytes\)/);
    const d = await seen;
    expect(d, 'the datagram on loopback').toBeDefined();
    expect(Buffer.from(d!.bytes).toString('hex')).toBe(expected.toString('hex'));
  });

  it('IPv6 with a hop-by-hop header and a flow label is sent from the CLI, as built (item 3: IPV6_HDRINCL)', async (ctx) => {
    requireRaw(ctx);
    const label = 0x10000 + (freshId() & 0xffff);
    const expr = `ipv6(dst=::1,flowLabel=${label})/ipv6-hop-by-hop()/udp(dstPort=9)/raw(hex=aa)`;
    const expected = built(expr);
    const file = join(dir, 'hbh.pcap');
    const capture = await tcpdump('lo', file, `ip6 and (ip6[0:4] & 0xfffff) = ${label}`);
    const r = cli(['send', expr]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).not.toMatch(/note:/);
    expect(r.stdout).toMatch(/^sent 1 packet \(57 bytes\)/); // the whole datagram: 40 + 8 + 8 + 1
    const timer = setTimeout(capture.stop, 5000);
    await capture.done;
    clearTimeout(timer);
    const [frame] = await records(file);
    expect(frame, 'captured on lo').toBeDefined();
    expect(frame.subarray(14).toString('hex')).toBe(expected.toString('hex')); // after lo's Ethernet header
  });

  it('every socket choice of the library is a flag (item 3): --no-hdrincl, --ipv6-hdrincl, --broadcast, --sndbuf', (ctx) => {
    requireRaw(ctx);
    const kernel = cli(['send', 'ipv4(dst=127.0.0.1,id=7)/udp(dstPort=9)/raw(hex=01)', '--no-hdrincl', '--sndbuf', '65536', '--broadcast']);
    expect(kernel.status, kernel.stderr).toBe(0);
    expect(kernel.stdout).toMatch(/note: ipv4\.id not as built in 1 packet: the kernel writes the IPv4 header without IP_HDRINCL/);
    const perProtocol = cli(['send', 'ipv6(dst=::1,flowLabel=5)/udp(dstPort=9)/raw(hex=01)', '--ipv6-hdrincl', 'off']);
    expect(perProtocol.status, perProtocol.stderr).toBe(0);
    expect(perProtocol.stdout).toMatch(/note: ipv6\.flowLabel not as built in 1 packet: .*--ipv6-hdrincl on/);
    const refused = cli(['send', 'ipv6(dst=::1)/ipv6-hop-by-hop()/udp(dstPort=9)', '--ipv6-hdrincl', 'off']);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(/^rawcraft: send: packet 0: .*--ipv6-hdrincl off is not allowed; expected IPV6_HDRINCL \(--ipv6-hdrincl on, or left out on Linux\): next header 0 is an extension header/m);
    expect(refused.stderr).not.toMatch(/ipv6Hdrincl/);
    expect(cli(['send', 'ipv6(dst=::1)/udp(dstPort=9)', '--ipv6-hdrincl', 'sometimes']).stderr).toMatch(/--ipv6-hdrincl "sometimes": expected on, off or auto/);
    expect(cli(['send', 'ipv4(dst=127.0.0.1)/udp(dstPort=9)', '--sndbuf', '1', '--transport', `pcap:${join(dir, 'x.pcap')}`]).stderr).toMatch(/apply to --transport raw only/);
  });
});

describe('rawcraft send: sockets open before the clock', () => {
  it('a socket that cannot be opened (--iface of no interface) ends the command with exit 2 and the remedy, nothing sent, no summary', (ctx) => {
    requireRaw(ctx);
    const r = cli(['send', '--hex', built('ipv4(src=127.0.0.1,dst=127.0.0.1,protocol=253)/raw(hex=01)').toString('hex'), '--hex', built('ipv6(src=::1,dst=::1,nextHeader=253)/raw(hex=01)').toString('hex'), '--count', '1000', '--iface', 'rcnosuch0', '--json']);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^rawcraft: .*no network interface named "rcnosuch0"/);
  });
});

describe('rawcraft send: counts and files (item 6)', () => {
  it('bytes are whole datagrams, and a packet pre-flight refuses in a batch fails alone', (ctx) => {
    requireRaw(ctx);
    const ok = (n: number) => built(`ipv4(src=127.0.0.1,dst=127.0.0.1)/udp(dstPort=9)/raw(hex=${'ab'.repeat(n)})`).toString('hex');
    // Packet 2 has a source on no local interface: Windows 10 drops such UDP datagrams, so pre-flight for it refuses.
    const foreign = built('ipv4(src=192.0.2.9,dst=127.0.0.1)/udp(dstPort=9)/raw(hex=01)').toString('hex');
    const file = join(dir, 'four.hex');
    writeFileSync(file, [ok(1), ok(2), foreign, ok(3)].join('\n') + '\n');
    const r = cli(['send', file, '--platform', 'windows-10', '--json']);
    expect(r.status).toBe(1);
    expect(JSON.parse(r.stdout)).toMatchObject({ sent: 3, failed: 1, bytes: 29 + 30 + 31 });
    expect(r.stderr).toMatch(/^rawcraft: send: packet 2: pre-flight refused .*WIN_UDP_SOURCE_NOT_LOCAL/m);
    const v6 = cli(['send', 'ipv6(dst=::1)/udp(dstPort=9)/raw(hex=01)', '--json']);
    expect(v6.status, v6.stderr).toBe(0);
    expect(JSON.parse(v6.stdout).bytes).toBe(49);
  });

  it('send FILE and traffic --send count the same bytes for the same packets', (ctx) => {
    requireRaw(ctx);
    const scenario = join(dir, 'small.yaml');
    writeFileSync(scenario, 'seed: 3\nflows:\n  - name: u\n    template: ipv4(src=127.0.0.1,dst=127.0.0.1)/udp(dstPort=9)/raw()\n    count: 20\n    rate: 200\n    vary:\n      raw.size: { range: [0, 64] }\n  - name: e6\n    template: ipv6(src=::1,dst=::1)/icmpv6(type=echo-request,id=9)/raw(\'x\')\n    count: 5\n    rate: 100\n');
    const out = join(dir, 'small.pcapng');
    expect(cli(['traffic', scenario, '--out', out]).status).toBe(0);
    const sent = cli(['send', out, '--json']);
    expect(sent.status, sent.stderr).toBe(0);
    const traffic = cli(['traffic', scenario, '--send', '--json']);
    expect(traffic.status, traffic.stderr).toBe(0);
    expect(JSON.parse(sent.stdout).bytes).toBe(JSON.parse(traffic.stdout).bytes);
    expect(JSON.parse(sent.stdout).sent).toBe(25);
  });

  it('--transport pcapng:FILE and pcap:FILE append; a file of the other format is refused and left alone', async () => {
    const ng = join(dir, 'append.pcapng');
    for (const dst of ['127.0.0.1', '127.0.0.2']) expect(cli(['send', `ipv4(dst=${dst})/udp(dstPort=9)`, '--transport', `pcapng:${ng}`]).status).toBe(0);
    expect(cli(['send', 'ipv6(dst=::1)/udp(dstPort=9)', '--transport', `pcapng:${ng}`]).status).toBe(0);
    const ngRecords = await records(ng);
    expect(ngRecords.map((b) => b[0] >> 4)).toEqual([4, 4, 6]);
    expect(ngRecords[1].subarray(16, 20)).toEqual(Buffer.from([127, 0, 0, 2]));

    const pcap = join(dir, 'append.pcap');
    for (let i = 0; i < 2; i++) expect(cli(['send', 'ipv4(dst=127.0.0.1)/udp(dstPort=9)', '--transport', `pcap:${pcap}`]).status).toBe(0);
    expect(await records(pcap)).toHaveLength(2);

    const before = readFileSync(pcap);
    const wrong = cli(['send', 'ipv4(dst=127.0.0.1)/udp(dstPort=9)', '--transport', `pcapng:${pcap}`]);
    expect(wrong.status).toBe(2);
    expect(wrong.stderr).toMatch(/holds a pcap file/);
    expect(readFileSync(pcap)).toEqual(before);
  });

  it('traffic --out writes the format its extension names, and refuses others', async () => {
    const scenario = join(ROOT, 'examples', 'loopback.yaml');
    const pcap = join(dir, 't.pcap');
    expect(cli(['traffic', scenario, '--seed', '1', '--out', pcap]).status).toBe(0);
    expect(readFileSync(pcap).readUInt32LE(0)).toBe(0xa1b2c3d4); // classic pcap, microseconds
    expect(await records(pcap)).toHaveLength(650);
    const txt = join(dir, 't.txt');
    const r = cli(['traffic', scenario, '--out', txt]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/\.pcapng .* or \.pcap/);
    expect(existsSync(txt)).toBe(false);
  });
});

describe('pre-flight answers for the socket send opens (item 5), in the CLI\'s words (flags, not library options)', () => {
  it('a foreign-source UDP datagram for Windows 10: preflight and send both refuse it, and say --force', () => {
    const file = join(dir, 'foreign.hex');
    writeFileSync(file, built('ipv4(src=192.0.2.9,dst=127.0.0.1)/udp(dstPort=9)/raw(hex=01)').toString('hex') + '\n');
    const pre = cli(['preflight', file, '--platform', 'windows-10']);
    expect(pre.status).toBe(1);
    expect(pre.stdout).toMatch(/IP_HDRINCL: 1 error/);
    const sent = cli(['send', file, '--platform', 'windows-10']);
    expect(sent.status).toBe(1);
    expect(sent.stdout).toMatch(/^sent 0 packets .* 1 failed/);
    expect(sent.stderr).toMatch(/WIN_UDP_SOURCE_NOT_LOCAL.*\(pass --force to make the system call anyway\)/);
    for (const text of [pre.stdout, pre.stderr, sent.stdout, sent.stderr]) expect(text).not.toMatch(/force: true|\{ ?broadcast|hdrincl: false|ipv6Hdrincl/);
  });

  it('send --help says what pre-flight refuses and what it only notes', () => {
    const help = cli(['help']);
    expect(help.stdout).toMatch(/refuses what\s+the OS would reject or drop/);
    expect(help.stdout).toMatch(/only notes the rest/);
    expect(help.stdout).toMatch(/--ipv6-hdrincl on\|off\|auto/);
  });
});
