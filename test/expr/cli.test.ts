/**
 * `build`, and expressions in `send`, `preflight` and `decode`, end to end through the built
 * binary. Anything sent goes to 127.0.0.1 only (raw sockets when root), or to a pcapng file.
 */
import { spawnSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { setTimeout as sleep } from 'node:timers/promises';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { build, parseCapture } from '../../src/index.js';
import { interruptWhenSending } from '../cli/interrupt.js';
import { requireRaw } from '../transport/helpers.js';
import { cli, expectOneLineError } from './run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'rawcraft-expr-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const EXPR = 'ipv4(dst=127.0.0.1,ttl=3)/udp(dstPort=33434)/raw(hex=00ff)';
const isRoot = process.getuid?.() === 0;

describe('rawcraft build', () => {
  it('prints hex, JSON, or writes a capture', async () => {
    const hex = await cli(['build', EXPR]);
    expect(hex.code).toBe(0);
    expect(hex.stdout).toBe(build(EXPR).toString('hex') + '\n');
    const json = await cli(['build', '--json', EXPR]);
    expect(json.code).toBe(0);
    const packet = JSON.parse(json.stdout);
    expect(packet.layers.map((l: { layer: string }) => l.layer)).toEqual(['ipv4', 'udp', 'raw']);
    expect(packet.layers[0].fields.ttl).toBe(3);
    const out = join(dir, 'one.pcap');
    expect((await cli(['build', EXPR, '--pcap', out])).code).toBe(0);
    const records = parseCapture(readFileSync(out));
    expect(records).toHaveLength(1);
    expect(Buffer.from(records[0].data)).toEqual(build(EXPR));
  });

  it('reports bad expressions and arguments as one line, exit 2', async () => {
    expectOneLineError(await cli(['build', 'ipv4(dst=127.0.0.1,ttl=3)/udp(dport=33434)']), /^rawcraft: expression column 31: udp has no field 'dport' \(did you mean dstPort\?\); its fields are srcPort, dstPort, length, checksum, trailer, corrupt$/);
    // A stack the typed builder refuses (tcp after udp) is refused with the builder's message.
    expectOneLineError(await cli(['build', 'ipv4()/udp()/tcp()']), /^rawcraft: expression column 14: tcp: cannot follow udp; it may follow ipv4, icmp, ipv6, /);
    expectOneLineError(await cli(['build', 'ipv4()/icmpv6()']), /^rawcraft: expression column 8: icmpv6: cannot follow ipv4; it may follow ipv6, /);
    expectOneLineError(await cli(['build', 'ipv6()/icmp()']), /^rawcraft: expression column 8: icmp: cannot follow ipv6; it may follow ipv4, ah$/);
    expectOneLineError(await cli(['build', 'ipv4(ttl=999)']), /expression column 6: ipv4\.ttl: 999 is not allowed/);
    expectOneLineError(await cli(['build', 'ipv4', '--hex', '--json']), /give one of/);
    expect((await cli(['build'])).code).toBe(2);
    expect((await cli(['build', EXPR, '--bogus'])).code).toBe(2);
  });
});

describe('rawcraft send EXPR', () => {
  it('sends an expression --count times at --rate to a pcapng file, accurate over the run', async () => {
    const out = join(dir, 'sent.pcapng');
    const started = performance.now();
    const r = await cli(['send', EXPR, '--count', '50', '--rate', '250', '--transport', `pcapng:${out}`, '--json']);
    const wall = performance.now() - started;
    expect(r.code, r.stderr).toBe(0);
    const summary = JSON.parse(r.stdout);
    expect(summary).toMatchObject({ sent: 50, failed: 0, interrupted: false, targetRate: 250 });
    // 50 packets at 250/s: the last is due at 196 ms. Scheduled from the start, not slept per packet.
    expect(summary.durationMs).toBeGreaterThanOrEqual(190);
    expect(summary.durationMs).toBeLessThan(400);
    expect(wall).toBeGreaterThan(190);
    const records = parseCapture(readFileSync(out));
    expect(records).toHaveLength(50);
    expect(Buffer.from(records[7].data)).toEqual(build(EXPR));
  });

  it('stops on Ctrl-C (SIGINT) and still prints the summary', async () => {
    // Not a fixed delay after spawn: on a loaded machine the child may not have set its SIGINT
    // handler 700 ms later, and SIGINT then kills it. Wait until it is sending.
    const folder = mkdtempSync(join(dir, 'interrupted-'));
    const out = join(folder, 'interrupted.pcapng');
    const r = await cli(['send', EXPR, '--count', '100000', '--rate', '100', '--transport', `pcapng:${out}`, '--json'], {
      onSpawn: (child) => void interruptWhenSending(child, folder),
    });
    expect(r.code, r.stderr).toBe(0);
    const summary = JSON.parse(r.stdout);
    expect(summary.interrupted).toBe(true);
    expect(summary.sent).toBeGreaterThan(5);
    expect(summary.sent).toBeLessThan(200);
    expect(parseCapture(readFileSync(out))).toHaveLength(summary.sent);
  });

  it('--interval paces too; --rate and --interval together are refused', async () => {
    const out = join(dir, 'interval.pcapng');
    const r = await cli(['send', EXPR, '--count', '5', '--interval', '20', '--transport', `pcapng:${out}`, '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).durationMs).toBeGreaterThanOrEqual(75);
    expectOneLineError(await cli(['send', EXPR, '--rate', '5', '--interval', '5']), /give one of --rate and --interval/);
    expectOneLineError(await cli(['send', EXPR, '--rate', 'fast']), /--rate "fast"/);
    expectOneLineError(await cli(['send', 'ipv4/udp(dport=1)', '--transport', `pcapng:${out}`]), /expression column 10: udp has no field 'dport'/);
  });

  it.runIf(isRoot)('sends to 127.0.0.1 through raw sockets', async () => {
    const r = await cli(['send', 'ipv4(src=127.0.0.1,dst=127.0.0.1)/udp(dstPort=9)/raw(hex=00)', '--count', '20', '--rate', '1000', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ sent: 20, failed: 0 });
  });
});

describe('rawcraft send --mtu', () => {
  it('fragments each datagram; the kernel reassembles them for a UDP socket on 127.0.0.1', async (ctx) => {
    requireRaw(ctx);
    const socket = createSocket('udp4');
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
    const received = new Promise<Buffer>((resolve) => socket.once('message', resolve));
    try {
      const port = socket.address().port;
      const r = await cli(['send', `ipv4(src=127.0.0.1,dst=127.0.0.1)/udp(dstPort=${port})/raw(size=3000)`, '--mtu', '1280', '--json']);
      expect(r.code, r.stderr).toBe(0);
      // A 3,028-byte datagram in fragments of at most 1,280 bytes: 1,276 + 1,276 + 516, each with its own header.
      expect(JSON.parse(r.stdout)).toMatchObject({ sent: 3, failed: 0, bytes: 3068 });
      const payload = await Promise.race([received, sleep(5000).then(() => undefined)]);
      expect(payload?.length).toBe(3000);
    } finally {
      socket.close();
    }
  });
});

describe('expressions in preflight and decode', () => {
  it('preflight checks an expression', async () => {
    const r = await cli(['preflight', 'ipv4(dst=127.0.0.1)/udp(dstPort=9)', '--platform', 'linux', '--json']);
    expect([0, 1]).toContain(r.code);
    expect(JSON.parse(r.stdout.split('\n')[0]).summary).toMatch(/udp|UDP|ipv4|IPv4/);
  });
  it('decode shows an expression', async () => {
    const r = await cli(['decode', 'ipv6(dst=::1)/icmpv6(type=echo-request,id=7,seq=1)', '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).layers[1].fields).toMatchObject({ type: 'echo-request', id: 7, seq: 1 });
  });
});

describe('ranges in expressions (build, send, preflight, fuzz)', () => {
  const RANGE = 'ipv4(src=127.0.0.1,dst=127.0.0.0/31)/tcp(dstPort=(22|80-81),flags=[syn])';
  it('build prints a packet per combination, in order', async () => {
    const r = await cli(['build', RANGE]);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(6);
    const got = lines.map((h) => {
      const b = Buffer.from(h, 'hex');
      return `${b[19]}:${b.readUInt16BE(22)}`;
    });
    expect(got).toEqual(['0:22', '0:80', '0:81', '1:22', '1:80', '1:81']);
    const json = await cli(['build', RANGE, '--json']);
    expect(json.stdout.trim().split('\n').map((l) => JSON.parse(l).index)).toEqual([0, 1, 2, 3, 4, 5]);
    expectOneLineError(await cli(['build', 'ipv4(dst=127.0.0.0/8)/udp(dstPort=1-9)']), /^rawcraft: expression column 10: the ranges give 16,777,216 packets or more; at most 1,000,000 are allowed$/);
  });

  it('send writes every packet (tshark reads them back), preflight checks each, fuzz fuzzes each', async () => {
    const out = join(dir, 'range.pcapng');
    const sent = await cli(['send', 'ipv4(dst=127.0.0.1)/udp(dstPort=9-11)', '--transport', `pcapng:${out}`]);
    expect(sent.code).toBe(0);
    const records = parseCapture(readFileSync(out));
    expect(records.map((r) => Buffer.from(r.data).readUInt16BE(22))).toEqual([9, 10, 11]);
    if (spawnSync('sh', ['-c', 'command -v tshark']).status === 0) {
      const t = spawnSync('tshark', ['-r', out, '-T', 'fields', '-e', 'udp.dstport'], { encoding: 'utf8' });
      expect(t.stdout.trim().split('\n')).toEqual(['9', '10', '11']);
    }
    const pre = await cli(['preflight', 'ipv4(dst=127.0.0.1)/udp(dstPort=9-11)', '--json']);
    expect(pre.code).toBe(0);
    expect(pre.stdout.trim().split('\n').map((l) => (JSON.parse(l) as { index: number; summary: string }).index)).toEqual([0, 1, 2]);
    const fz = await cli(['fuzz', 'ipv4(dst=192.0.2.0/31)/udp(dstPort=9)', '--count', '2', '--json']);
    expect(fz.code).toBe(0);
    const dsts = fz.stdout.trim().split('\n').map((l) => JSON.parse(l) as { index: number; expression: string }).map((p) => `${p.index}:${/dst=([\d.]+)/.exec(p.expression)![1]}`);
    expect(dsts).toEqual(['0:192.0.2.0', '1:192.0.2.0', '2:192.0.2.1', '3:192.0.2.1']);
  });
});
