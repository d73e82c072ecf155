/**
 * Ctrl-C summaries of long-running commands (issue 14): fuzz stops with a valid file and says
 * "interrupted"; listen counts what it received; traffic --send says interrupted. (ping and traceroute: test/cli/ping.test.ts,
 * test/cli/traceroute.test.ts; send: test/expr/cli.test.ts; sr: test/cli/sr.test.ts.) listen hears
 * one datagram sent to 127.0.0.1; arp and listen --iface run in a namespace this test creates
 * (the shaped one of netns.ts), where packets go out v0 to its other end v1 and nowhere else.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseCapture } from '../../src/capture/index.js';
import { ipv4 } from '../../src/builders/packet.js';
import { openTransport } from '../../src/transport/index.js';
import { IN_CI, requireRaw } from '../transport/helpers.js';
import { canCreateNamespaces, commandInNs, createShapedNamespace, nodeInNs } from '../transport/netns.js';
import { CLI, cli, ROOT } from '../expr/run-cli.js';
import { hasFileOpenUnder, interruptWhenSending } from './interrupt.js';

const dir = mkdtempSync(join(tmpdir(), 'rawcraft-ctrl-c-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('Ctrl-C', () => {
  it('fuzz --out: stops, the file holds what was written, the summary says interrupted', async () => {
    const folder = mkdtempSync(join(dir, 'fuzz-'));
    const out = join(folder, 'fuzz.pcapng');
    const r = await cli(['fuzz', 'ipv4(dst=127.0.0.1)/udp(dstPort=9)', '--count', '100000000', '--out', out, '--json'], { onSpawn: (child) => void interruptWhenSending(child, folder) });
    expect(r.code, r.stderr).toBe(0);
    const summary = JSON.parse(r.stdout) as { packets: number; interrupted: boolean };
    expect(summary.interrupted).toBe(true);
    expect(summary.packets).toBeGreaterThan(0);
    expect(summary.packets).toBeLessThan(100_000_000);
    expect(parseCapture(readFileSync(out))).toHaveLength(summary.packets);
  });

  it('fuzz to stdout: stops, a note on stderr', async () => {
    const r = await cli(['fuzz', 'ipv4(dst=127.0.0.1)/udp(dstPort=9)', '--count', '100000000'], { onSpawn: (child) => void waitForOutputThenInterrupt(child) });
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines.length).toBeGreaterThan(0);
    expect(r.stderr).toMatch(/^rawcraft: fuzz: interrupted after \d+ packets \(seed 1\)\n$/);
  });

  it('listen: stops, prints the count on stderr, exit 0', async (ctx) => {
    requireRaw(ctx);
    // Protocol 253 (RFC 3692 experimentation).
    const child = spawn(process.execPath, [CLI, 'listen', '--proto', '253', '--json'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
    // Its raw socket is open (receive() runs after the SIGINT handler is set): send until it hears one.
    while (child.exitCode === null && !hasFileOpenUnder(child.pid!, 'socket:')) await sleep(10);
    await using t = openTransport('raw');
    const datagram = ipv4({ src: '127.0.0.1', dst: '127.0.0.1', protocol: 253, id: 0x4c53 }).payload('ctrl-c').encode();
    for (let i = 0; i < 200 && !stdout.includes('\n'); i++) {
      await t.send(datagram);
      await sleep(25);
    }
    child.kill('SIGINT');
    expect(await closed, stderr).toBe(0);
    const heard = stdout.trim().split('\n').length;
    expect(heard).toBeGreaterThanOrEqual(1);
    expect(stderr).toBe(`rawcraft: listen: interrupted, ${heard} packet${heard === 1 ? '' : 's'} received\n`);
  });

  it('traffic --send: stops, the summary says interrupted and counts what went out', async (ctx) => {
    requireRaw(ctx);
    // The scenario sends to a UDP socket of this test: its first datagram shows that the child is
    // in its send loop (the SIGINT handler set), whatever sockets it opened before.
    const listener = createSocket('udp4');
    await new Promise<void>((resolve) => listener.bind(0, '127.0.0.1', resolve));
    const heard = new Promise<void>((resolve) => listener.once('message', () => resolve()));
    const scenario = join(dir, 'slow.yaml');
    // 200 datagrams at 20 a second to 127.0.0.1: ten seconds unless interrupted.
    writeFileSync(scenario, `flows:\n  - name: slow\n    template: ipv4(src=127.0.0.1,dst=127.0.0.1)/udp(dstPort=${listener.address().port})/raw(hex=00)\n    count: 200\n    rate: 20\n`);
    const child = spawn(process.execPath, [CLI, 'traffic', scenario, '--send', '--json'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
    try {
      await Promise.race([heard, closed]);
      child.kill('SIGINT');
      expect(await closed, stderr).toBe(0);
    } finally {
      listener.close();
    }
    const summary = JSON.parse(stdout) as { packets: number; interrupted: boolean };
    expect(summary.interrupted).toBe(true);
    expect(summary.packets).toBeGreaterThan(0);
    expect(summary.packets).toBeLessThan(200);
  });

  describe('in a namespace this test creates (v0 198.18.9.1 — v1, no address)', () => {
    const namespaces = canCreateNamespaces();
    let shaped: { ns: string; remove: () => void } | undefined;
    afterAll(() => shaped?.remove());
    function namespace(ctx: { skip: (note?: string) => void }): string {
      requireRaw(ctx);
      if (!namespaces.ok) {
        if (IN_CI) throw new Error(`CI=true but network namespaces cannot be created: ${namespaces.reason}`);
        ctx.skip(`no network namespaces: ${namespaces.reason}`);
      }
      shaped ??= createShapedNamespace();
      return shaped.ns;
    }

    it('arp: stops after the requests so far and prints the statistics, exit 1 with no answer', async (ctx) => {
      const ns = namespace(ctx);
      // 198.18.9.5: nobody has it (v1, the only other end, has no address).
      let noReplies = 0;
      const run = commandInNs(ns, [process.execPath, CLI, 'arp', '198.18.9.5', '--iface', 'v0', '-c', '1000', '-w', '0.1', '-i', '0.05'], {
        cwd: ROOT,
        onLine: (line) => {
          if (/^no reply from 198\.18\.9\.5 seq \d+/.test(line) && ++noReplies === 2) run.kill();
        },
      });
      const r = await run.done;
      expect(r.status, r.stderr).toBe(1);
      const sent = r.stdout.match(/^no reply/gm)?.length ?? 0;
      expect(sent).toBeGreaterThanOrEqual(2);
      expect(sent).toBeLessThan(1000);
      expect(r.stdout).toMatch(new RegExp(`\\n--- 198\\.18\\.9\\.5 arp statistics ---\\n${sent} requests sent, 0 answered\\n$`));
    });

    it('arp --json: every line has every field (null for no value), and a summary line, interrupted or not', async (ctx) => {
      const ns = namespace(ctx);
      const args = [process.execPath, CLI, 'arp', '198.18.9.5', '--iface', 'v0', '-w', '0.1', '-i', '0.05', '--json'];
      const parse = (out: string) => out.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
      const whole = parse((await commandInNs(ns, [...args, '-c', '2'], { cwd: ROOT }).done).stdout);
      const timeout = { event: 'reply', address: '198.18.9.5', status: 'timeout', mac: null, rttMs: null };
      expect(whole).toEqual([{ ...timeout, seq: 0 }, { ...timeout, seq: 1 }, { event: 'summary', address: '198.18.9.5', interface: 'v0', sent: 2, received: 0, interrupted: false }]);
      const run = commandInNs(ns, [...args, '-c', '1000'], { cwd: ROOT, onLine: (line) => line.includes('"seq":1,') && run.kill() });
      const stopped = parse((await run.done).stdout);
      const replies = stopped.filter((e) => e.event === 'reply').length;
      expect(replies).toBeLessThan(1000);
      expect(stopped.at(-1)).toEqual({ event: 'summary', address: '198.18.9.5', interface: 'v0', sent: replies, received: 0, interrupted: true });
    });

    it('listen --iface --filter (libpcap capture): stops, says interrupted and what it captured on stderr, exit 0', async (ctx) => {
      const ns = namespace(ctx);
      let stdout = '';
      const run = commandInNs(ns, [process.execPath, CLI, 'listen', '--iface', 'v1', '--filter', 'udp', '--count', '1000', '--json'], { cwd: ROOT, onLine: (line) => (stdout += line + '\n') });
      // Send through v0 (198.18.9.2 is a static neighbour there) until the capture on v1 prints one.
      for (let i = 0; i < 100 && stdout === ''; i++) {
        await nodeInNs(ns, ROOT, CLI, ['send', 'ipv4(dst=198.18.9.2)/udp(dstPort=9)/raw(hex=01)']);
        await sleep(50);
      }
      run.kill();
      const r = await run.done;
      expect(r.status, r.stderr).toBe(0);
      const heard = r.stdout.trim().split('\n').length;
      expect(heard).toBeGreaterThanOrEqual(1);
      expect(r.stderr).toMatch(new RegExp(`^interrupted: ${heard} frames? captured on v1, \\d+ received by filter, 0 dropped by kernel\n$`));
    });
  });
});

/** SIGINT once the child has printed something (it is in its loop, its handler set). */
async function waitForOutputThenInterrupt(child: import('node:child_process').ChildProcess): Promise<void> {
  await new Promise<void>((resolve) => {
    child.stdout!.once('data', () => resolve());
    child.once('close', () => resolve());
  });
  child.kill('SIGINT');
}
