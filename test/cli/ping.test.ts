/**
 * `rawcraft ping` with ping(8)'s flags and units, and Ctrl-C statistics (issue 14). Real raw
 * sockets, loopback only (127.0.0.0/8, ::1): a raw ICMP socket in this process sees the echo
 * requests the CLI sends and checks what the flags put in them. Skips without raw-socket rights,
 * fails instead with CI=true.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { openTransport, type ReceivedPacket } from '../../src/transport/index.js';
import { ping } from '../../src/transport/request/ping.js';
import { IN_CI, requireRaw } from '../transport/helpers.js';
import { canCreateNamespaces, createShapedNamespace, nodeInNs } from '../transport/netns.js';
import { CLI, cli, ROOT, type Result } from '../expr/run-cli.js';

interface Echo {
  readonly ip: Record<string, unknown>;
  readonly payload: Buffer;
}

/** Run the CLI while a raw ICMP socket collects the echo requests whose payload starts with `marker`. */
async function pingAndCapture(args: string[], marker: Buffer): Promise<{ r: Result; requests: Echo[] }> {
  const capture = openTransport('raw');
  const requests: Echo[] = [];
  const received = capture.receive({
    protocols: [{ family: 4, protocol: 1 }],
    filter: (p) => p.layers[1]?.layer === 'icmp' && p.layers[1].fields.type === 'echo-request',
  });
  const collecting = (async () => {
    for await (const p of received as AsyncIterable<ReceivedPacket>) {
      const [ip, , raw] = p.packet.layers;
      const payload = Buffer.from(raw?.layer === 'raw' ? raw.fields.data : []);
      if (payload.subarray(0, marker.length).equals(marker)) requests.push({ ip: { ...ip.fields }, payload });
    }
  })();
  try {
    const r = await cli(args);
    await new Promise((resolve) => setTimeout(resolve, 100));
    return { r, requests };
  } finally {
    await capture.close();
    await collecting;
  }
}

describe('ping() library: stopSignal and signal', () => {
  it('stopSignal resolves with the statistics so far (interrupted); signal still rejects', async (ctx) => {
    requireRaw(ctx);
    const stop = new AbortController();
    const result = await ping('127.0.0.1', { count: 1000, intervalMs: 50, stopSignal: stop.signal, onReply: (r) => r.seq === 3 && stop.abort() });
    expect(result).toMatchObject({ interrupted: true, received: 3 });
    expect(result.transmitted).toBeGreaterThanOrEqual(3);
    expect(result.transmitted).toBeLessThanOrEqual(4);
    const abort = new AbortController();
    await expect(ping('127.0.0.1', { count: 1000, intervalMs: 50, signal: abort.signal, onReply: (r) => r.seq === 2 && abort.abort() })).rejects.toThrow();
  });
});

describe('rawcraft ping: ping(8) flags', () => {
  it('-i and -W are seconds, fractions allowed (-i 1 is one second, not one millisecond)', async (ctx) => {
    requireRaw(ctx);
    const started = performance.now();
    const r = await cli(['ping', '127.0.0.1', '-c', '2', '-i', '1', '-W', '0.5', '--json']);
    const elapsed = performance.now() - started;
    expect(r.code, r.stderr).toBe(0);
    expect(elapsed).toBeGreaterThanOrEqual(1000);
    const fast = await cli(['ping', '127.0.0.1', '-c', '3', '-i', '0.2', '--json']);
    const summary = JSON.parse(fast.stdout.trim().split('\n').at(-1)!) as { timeMs: number; received: number };
    expect(summary.received).toBe(3);
    expect(summary.timeMs).toBeGreaterThanOrEqual(400);
    expect(summary.timeMs).toBeLessThan(1000);
  });

  it('-s size, -p pattern and -t ttl are what the requests carry', async (ctx) => {
    requireRaw(ctx);
    const marker = randomBytes(4);
    const pattern = Buffer.concat([marker, Buffer.from('a5a5', 'hex')]);
    const { r, requests } = await pingAndCapture(['ping', '127.0.0.1', '-c', '2', '-i', '0.1', '-s', '20', '-p', pattern.toString('hex'), '-t', '7'], marker);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^PATTERN: 0x${pattern.toString('hex')}\\nPING 127\\.0\\.0\\.1 \\(127\\.0\\.0\\.1\\) 20\\(48\\) bytes of data\\.\\n`));
    expect(r.stdout).toMatch(/^28 bytes from 127\.0\.0\.1: icmp_seq=1 ttl=64 time=/m);
    expect(requests).toHaveLength(2);
    for (const q of requests) {
      expect(q.ip.ttl).toBe(7);
      expect(q.payload).toEqual(Buffer.concat([pattern, pattern, pattern, pattern]).subarray(0, 20));
    }
  });

  it('-I ADDR sets the source address; -I IF sends through the interface', async (ctx) => {
    requireRaw(ctx);
    const marker = randomBytes(4);
    const { r, requests } = await pingAndCapture(['ping', '127.0.0.1', '-c', '1', '-I', '127.0.0.5', '-p', marker.toString('hex')], marker);
    expect(r.code, r.stderr).toBe(0);
    expect(requests.map((q) => q.ip.src)).toEqual(['127.0.0.5']);
    const viaLo = await cli(['ping', '127.0.0.1', '-c', '1', '-I', 'lo', '--json']);
    expect(viaLo.code, viaLo.stderr).toBe(0);
    expect(JSON.parse(viaLo.stdout.split('\n')[0])).toMatchObject({ event: 'start', source: '127.0.0.1' });
    const noSuch = await cli(['ping', '127.0.0.1', '-c', '1', '-I', 'nosuchif0']);
    expect(noSuch.code).toBe(2);
    expect(noSuch.stderr).toMatch(/^rawcraft: .*interface.*nosuchif0/);
  });

  it('-R: the request carries Record Route; the reply\'s recorded route is printed', async (ctx) => {
    requireRaw(ctx);
    const marker = randomBytes(4);
    const { r, requests } = await pingAndCapture(['ping', '127.0.0.1', '-c', '1', '-R', '-p', marker.toString('hex')], marker);
    expect(r.code, r.stderr).toBe(0);
    expect(requests).toHaveLength(1);
    // Nine slots, as ping(8) -R asks for (a raw socket on loopback sees it after the kernel's input processing recorded into it).
    const rr = (requests[0].ip.options as { kind: string; addresses?: string[] }[]).find((o) => o.kind === 'record-route');
    expect(rr?.addresses).toHaveLength(9);
    expect(r.stdout).toMatch(/^PING 127\.0\.0\.1 \(127\.0\.0\.1\) 56\(124\) bytes of data\.$/m);
    // The kernel answering records its address in the option it echoes back (RFC 791 / Linux ip_options_echo).
    expect(r.stdout).toMatch(/icmp_seq=1 ttl=64 time=[\d.]+ ms\nRR: \t127\.0\.0\.1\n/);
    const json = await cli(['ping', '127.0.0.1', '-c', '1', '-R', '--json']);
    const reply = JSON.parse(json.stdout.split('\n')[1]) as { event: string; route: string[] };
    expect(reply.event).toBe('reply');
    expect(reply.route.length).toBeGreaterThan(0);
    expect(new Set(reply.route)).toEqual(new Set(['127.0.0.1']));
    const v6 = await cli(['ping', '::1', '-R', '-c', '1']);
    expect(v6.code).toBe(2);
    expect(v6.stderr).toMatch(/-R \(record route\) is IPv4 only/);
  });

  it('JSON fields have one type: rttMs a number, null without a reply', async (ctx) => {
    requireRaw(ctx);
    const r = await cli(['ping', '::1', '-c', '2', '-i', '0.1', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const replies = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { event: string; rttMs?: unknown; ttl?: unknown }).filter((e) => e.event === 'reply');
    expect(replies).toHaveLength(2);
    for (const e of replies) {
      expect(typeof e.rttMs).toBe('number');
      expect(e.ttl).toBeNull(); // IPv6 raw sockets do not deliver the header
    }
  });

  it('no reply: rttMs, from and the summary rtt are null, not left out; exit 1', async (ctx) => {
    requireRaw(ctx);
    const ns = canCreateNamespaces();
    if (!ns.ok) {
      if (IN_CI) throw new Error(`CI=true but network namespaces cannot be created: ${ns.reason}`);
      ctx.skip(`no network namespaces: ${ns.reason}`);
    }
    // 198.18.9.2: a neighbour in a namespace of this test that never answers.
    const shaped = createShapedNamespace();
    try {
      const r = await nodeInNs(shaped.ns, ROOT, CLI, ['ping', '198.18.9.2', '-c', '1', '-W', '0.3', '--json']);
      expect(r.status, r.stderr).toBe(1);
      const [, timeout, summary] = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(timeout).toMatchObject({ event: 'timeout', seq: 1, from: null, bytes: null, ttl: null, rttMs: null, error: null });
      expect(summary).toMatchObject({ event: 'summary', transmitted: 1, received: 0, lossPercent: 100, rtt: null, interrupted: false });
    } finally {
      shaped.remove();
    }
  });

  it('the help shows every short flag', async () => {
    const r = await cli(['ping', '--help']);
    for (const flag of ['-c', '-i', '-W', '-s', '-p', '-I', '-R', '-t', '-4', '-6']) expect(r.stdout).toMatch(new RegExp(`(^|[ ,\\[|])${flag}[ ,\\]|]`, 'm'));
  });

  it('Ctrl-C prints the statistics like ping(8) and exits 0 after replies', async (ctx) => {
    requireRaw(ctx);
    const child = spawn(process.execPath, [CLI, 'ping', '127.0.0.1', '-c', '1000', '-i', '0.1'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
    // Interrupt once two replies are printed: the SIGINT handler is installed before the first request.
    await new Promise<void>((resolve) => {
      child.stdout.on('data', (c: Buffer) => {
        stdout += c.toString();
        if ((stdout.match(/icmp_seq=/g) ?? []).length >= 2) resolve();
      });
      child.on('close', () => resolve());
    });
    child.kill('SIGINT');
    expect(await closed, stderr).toBe(0);
    expect(stdout).toMatch(/\n--- 127\.0\.0\.1 ping statistics ---\n(\d+) packets transmitted, \d+ received, \d+% packet loss, time \d+ms\nrtt min\/avg\/max\/mdev = [\d.]+\/[\d.]+\/[\d.]+\/[\d.]+ ms\n$/);
    const transmitted = Number(/(\d+) packets transmitted/.exec(stdout)![1]);
    expect(transmitted).toBeGreaterThanOrEqual(2);
    expect(transmitted).toBeLessThan(1000);
  });
});
