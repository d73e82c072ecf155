/**
 * The built CLI (`node dist/src/cli/main.js`, what `npx rawcraft` runs) with real raw sockets,
 * loopback only: ping, traceroute, listen and send. dist is rebuilt first when a source file
 * is newer than it (`npm test` builds it anyway).
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCapture } from '../../src/capture/index.js';
import { ipv4 } from '../../src/builders/packet.js';
import { openTransport } from '../../src/transport/index.js';
import { buildTransportForChild, requireRaw } from './helpers.js';
import { CLI, ensureBuilt } from './built-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'rawcraft-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function cli(args: string[], timeout = 30_000): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(ensureBuilt, 200_000);

describe('rawcraft CLI with raw sockets (loopback)', () => {
  it('rawcraft ping 127.0.0.1 --count 3', (ctx) => {
    requireRaw(ctx);
    const r = cli(['ping', '127.0.0.1', '--count', '3']);
    expect(r.status, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toBe('PING 127.0.0.1 (127.0.0.1) 56(84) bytes of data.');
    for (const seq of [1, 2, 3]) expect(lines[seq]).toMatch(new RegExp(`^64 bytes from 127\\.0\\.0\\.1: icmp_seq=${seq} ttl=64 time=\\d+(\\.\\d+)? ms$`));
    expect(lines).toContain('--- 127.0.0.1 ping statistics ---');
    expect(r.stdout).toMatch(/3 packets transmitted, 3 received, 0% packet loss, time \d+ms/);
    expect(r.stdout).toMatch(/rtt min\/avg\/max\/mdev = [\d.]+\/[\d.]+\/[\d.]+\/[\d.]+ ms/);
  });

  it('rawcraft ping -6 ::1 --json: JSON lines', (ctx) => {
    requireRaw(ctx);
    const r = cli(['ping', '-6', '::1', '--count', '2', '--interval', '0.1', '--json']);
    expect(r.status, r.stderr).toBe(0);
    const events = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { event: string; received?: number; from?: string });
    expect(events.map((e) => e.event)).toEqual(['start', 'reply', 'reply', 'summary']);
    expect(events[1].from).toBe('::1');
    expect(events[3].received).toBe(2);
  });

  it('rawcraft traceroute 127.0.0.1 --proto tcp: one hop, reached', (ctx) => {
    requireRaw(ctx);
    const r = cli(['traceroute', '127.0.0.1', '--proto', 'tcp', '--port', '9']);
    expect(r.status, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toBe('traceroute to 127.0.0.1 (127.0.0.1), 30 hops max, 40 byte packets');
    expect(lines[1]).toMatch(/^ 1  127\.0\.0\.1(  [\d.]+ ms){3}$/);
  });

  it('rawcraft listen prints what the raw socket receives; rawcraft send sends hex and reports', async (ctx) => {
    requireRaw(ctx);
    // Protocol 254 (RFC 3692 experimentation; other tests may send it too, so look for ours).
    const listener = spawn(process.execPath, [CLI, 'listen', '--proto', '254', '--count', '3', '--timeout', '15000', '--json'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    listener.stdout.on('data', (c: Buffer) => (out += c.toString()));
    const exited = new Promise<number | null>((resolve) => listener.on('close', resolve));
    const hex = ipv4({ src: '127.0.0.1', dst: '127.0.0.1', protocol: 254, id: 0x5253 }).payload('listen me').encode().toString('hex');
    let send = cli(['send', '--hex', hex]);
    // The listener's socket opens a moment after it starts: send until it has heard enough.
    await using t = openTransport('raw');
    for (let i = 0; i < 300 && listener.exitCode === null; i++) {
      await t.send(Buffer.from(hex, 'hex'));
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(await exited).toBe(0);
    type Listened = { layers: { layer: string; fields: Record<string, unknown> }[]; from: string; includesIpHeader: boolean };
    const heard = out.trim().split('\n').map((l) => JSON.parse(l) as Listened);
    expect(heard).toHaveLength(3);
    const packet = heard.find((p) => p.layers[0].fields.id === 0x5253)!;
    expect(packet, out).toBeDefined();
    expect(packet.from).toBe('127.0.0.1');
    expect(packet.includesIpHeader).toBe(true);
    expect(packet).toMatchObject({ family: 4, protocol: 254, firstLayer: 'ipv4' });
    expect(packet.layers[0]).toMatchObject({ layer: 'ipv4', fields: { id: 0x5253, protocol: 254 } });
    expect(packet.layers[1]).toMatchObject({ layer: 'raw', fields: { data: Buffer.from('listen me').toString('hex') } });

    expect(send.status, send.stderr).toBe(0);
    expect(send.stdout).toMatch(/^sent 1 packet \(29 bytes\) through raw sockets in [\d.]+ ms \(\d+ packets\/s\), 0 failed, 0 backpressure retries$/m);
    send = cli(['send', '--hex', hex, '--count', '3', '--json']);
    expect(JSON.parse(send.stdout)).toMatchObject({ sent: 3, failed: 0, bytes: 87, transport: 'raw', notHonoured: [] });
  });

  it('rawcraft send --transport pcapng:PATH needs no privileges and takes JSON lines too', async () => {
    const path = join(dir, 'sent.pcapng');
    const json = JSON.stringify({ layers: [{ layer: 'ipv4', fields: { src: '192.0.2.1', dst: '198.51.100.2' } }, { layer: 'udp', fields: { dstPort: 53 } }] });
    const r = spawnSync(process.execPath, [CLI, 'send', '-', '--transport', `pcapng:${path}`, '--count', '2'], { input: `${json}\n4500001c00010000fd01000000000000000000000800f7ff00000000\n`, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^sent 4 packets \(\d+ bytes\) through pcapng file .*sent\.pcapng/);
    const records = [];
    for await (const rec of readCapture(path)) records.push(rec);
    expect(records).toHaveLength(4);
    expect(records[0].data.subarray(0, 1)[0] >> 4).toBe(4);
  });

  it('usage errors exit 2 with one line; no host means no ping', () => {
    const none = cli(['ping']);
    expect(none.status).toBe(2);
    expect(none.stderr).toMatch(/^rawcraft: ping: expected one HOST \(there is no default\)/);
    const bad = cli(['send', '--transport', 'carrier:x', '--hex', '00']);
    expect(bad.status).toBe(2);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(cli(['traceroute', '127.0.0.1', '--proto', 'gre']).status).toBe(2);
  });

  it('unprivileged: one line on stderr with the remedy, exit 2', async (ctx) => {
    requireRaw(ctx); // needs root to drop to another user
    // A copy any user can read: the checkout itself may sit in a 0700 directory.
    const child = await buildTransportForChild();
    let r;
    try {
      r = spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, join(child.dir, 'src', 'cli', 'main.js'), 'ping', '127.0.0.1', '--count', '1'], { encoding: 'utf8', timeout: 30_000 });
    } finally {
      child.cleanup();
    }
    if (r.error || /setpriv: /.test(r.stderr)) ctx.skip(`cannot run as another user: ${r.error?.message ?? r.stderr}`);
    expect(r.stdout).toBe('');
    expect(r.status).toBe(2);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    // Pre-flight refuses before socket(), with the remedy the EPERM error would give.
    expect(lines[0]).toMatch(/^rawcraft: pre-flight refused the socket for linux.*\[LINUX_CAP_NET_RAW\].*socket\(\) fails with EPERM.*run as root, or grant the capability: sudo setcap cap_net_raw\+ep/);
  });
});
