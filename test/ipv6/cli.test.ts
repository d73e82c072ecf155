/**
 * The "done when": `rawcraft decode --json --lax | rawcraft encode --hex` is byte-exact on
 * a capture of mixed IPv6 traffic. The traffic is real: UDP and TCP over ::1 from Node's own
 * sockets, and the kernel's ICMPv6 port-unreachable errors (which quote the offending packet),
 * captured by dumpcap on lo. Capturing needs root: skipped otherwise, except that with CI=true
 * it fails. Only ::1 is ever sent to.
 */
import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import dgram from 'node:dgram';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCapture } from '../../src/index.js';
import { inCI, isRoot } from './tshark-helpers.js';

const run = promisify(execFile);
const ROOT = new URL('../../', import.meta.url).pathname;
const CLI = join(ROOT, 'dist/src/cli/main.js');
const hasDumpcap = spawnSync('sh', ['-c', 'command -v dumpcap']).status === 0;
const canCapture = isRoot && hasDumpcap;

const dir = mkdtempSync(join(tmpdir(), 'rawcraft-ipv6-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function newest(path: string): number {
  let t = 0;
  for (const name of readdirSync(path, { withFileTypes: true })) {
    const full = join(path, name.name);
    t = Math.max(t, name.isDirectory() ? newest(full) : statSync(full).mtimeMs);
  }
  return t;
}

/** `npm run build` when dist is missing or older than src (as `npm test` does in its pretest step). */
async function ensureBuilt(): Promise<void> {
  let built = 0;
  try {
    built = statSync(CLI).mtimeMs;
  } catch {
    /* not built */
  }
  if (built >= newest(join(ROOT, 'src'))) return;
  // tsc emits even when another file being worked on has type errors; what matters is a fresh CLI.
  await run('npx', ['tsc', '-p', 'tsconfig.json'], { cwd: ROOT }).catch(() => undefined);
  if (statSync(CLI).mtimeMs < newest(join(ROOT, 'src'))) throw new Error('the CLI in dist/ is stale and could not be rebuilt');
}

function startCapture(path: string): Promise<ChildProcess> {
  const child = spawn('dumpcap', ['-i', 'lo', '-f', 'ip6', '-w', path], { stdio: ['ignore', 'ignore', 'pipe'] });
  return new Promise((resolve, reject) => {
    let text = '';
    const timer = setTimeout(() => reject(new Error(`dumpcap did not start: ${text}`)), 15_000);
    child.stderr!.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      if (/File: /.test(text)) {
        clearTimeout(timer);
        resolve(child);
      }
    });
    child.on('exit', (code) => reject(new Error(`dumpcap exited with ${code}: ${text}`)));
  });
}

async function stopCapture(child: ChildProcess): Promise<void> {
  const done = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  // Only the dumpcap this test started, by its pid.
  child.kill('SIGINT');
  await done;
}

/** UDP datagrams (small and 9000 bytes), one to a closed port (the kernel answers ICMPv6 port unreachable), and a TCP exchange. */
async function traffic(): Promise<void> {
  const server = dgram.createSocket('udp6');
  await new Promise<void>((resolve) => server.bind(0, '::1', resolve));
  const port = server.address().port;
  const closed = dgram.createSocket('udp6');
  await new Promise<void>((resolve) => closed.bind(0, '::1', resolve));
  const closedPort = closed.address().port;
  await new Promise<void>((resolve) => closed.close(() => resolve()));
  const client = dgram.createSocket('udp6');
  const send = (data: Buffer, to: number) => new Promise<void>((resolve, reject) => client.send(data, to, '::1', (e) => (e ? reject(e) : resolve())));
  for (let i = 0; i < 5; i++) await send(Buffer.from(`rawcraft datagram ${i}`), port);
  await send(Buffer.alloc(9000, 0x61), port);
  for (let i = 0; i < 3; i++) await send(Buffer.from(`nobody listens ${i}`), closedPort);

  const tcp = net.createServer((socket) => socket.pipe(socket));
  await new Promise<void>((resolve) => tcp.listen(0, '::1', resolve));
  const tcpPort = (tcp.address() as net.AddressInfo).port;
  await new Promise<void>((resolve, reject) => {
    const socket = net.connect(tcpPort, '::1', () => socket.end('hello over IPv6 TCP'));
    socket.on('data', () => undefined);
    socket.on('close', () => resolve());
    socket.on('error', reject);
  });
  await new Promise((resolve) => setTimeout(resolve, 300));
  client.close();
  server.close();
  await new Promise<void>((resolve) => tcp.close(() => resolve()));
}

describe.skipIf(!canCapture && !inCI)('CLI round trip on a capture of IPv6 traffic on ::1', () => {
  const capture = join(dir, 'lo-ipv6.pcapng');

  beforeAll(async () => {
    if (!canCapture) throw new Error(`capturing needs root and dumpcap (root: ${isRoot}, dumpcap: ${hasDumpcap}), and CI=true`);
    await ensureBuilt();
    const dumpcap = await startCapture(capture);
    try {
      await traffic();
    } finally {
      await stopCapture(dumpcap);
    }
  }, 120_000);

  it('decode --json --lax | encode --hex gives back every captured frame byte for byte', async () => {
    const records = parseCapture(readFileSync(capture));
    const { stdout } = await run('sh', ['-c', `node "${CLI}" decode --json --lax "${capture}" | node "${CLI}" encode --hex`], { maxBuffer: 1 << 26 });
    expect(stdout.trimEnd().split('\n')).toEqual(records.map((r) => r.data.toString('hex')));

    // The capture holds what the test sent: UDP, TCP and the kernel's ICMPv6 errors quoting UDP.
    const { stdout: json } = await run('node', [CLI, 'decode', '--json', '--lax', capture], { maxBuffer: 1 << 26 });
    const stacks = json.trimEnd().split('\n').map((line) => (JSON.parse(line) as { layers: { layer: string; fields: Record<string, unknown> }[] }).layers);
    const names = stacks.map((layers) => layers.map((l) => l.layer).join('/'));
    expect(names.filter((n) => n.startsWith('ethernet/ipv6/udp')).length).toBeGreaterThanOrEqual(6);
    expect(names.filter((n) => n.startsWith('ethernet/ipv6/tcp')).length).toBeGreaterThanOrEqual(5);
    const errors = stacks.filter((layers) => layers[2]?.layer === 'icmpv6' && layers[2].fields.type === 'destination-unreachable');
    expect(errors.length).toBeGreaterThanOrEqual(1);
    expect(errors[0].map((l) => l.layer)).toEqual(['ethernet', 'ipv6', 'icmpv6', 'ipv6', 'udp', 'raw']);
    expect(errors[0][2].fields.code).toBe('port-unreachable');
    expect(records.length).toBe(stacks.length);
  });

  it('encode --pcap writes the same frames into a new capture', async () => {
    const out = join(dir, 'again.pcap');
    await run('sh', ['-c', `node "${CLI}" decode --json --lax "${capture}" | node "${CLI}" encode --pcap "${out}"`], { maxBuffer: 1 << 26 });
    const before = parseCapture(readFileSync(capture));
    const after = parseCapture(readFileSync(out));
    expect(after.map((r) => r.data.toString('hex'))).toEqual(before.map((r) => r.data.toString('hex')));
    // A classic pcap keeps microseconds: rounded to the nearest.
    expect(after.map((r) => r.timestampNs)).toEqual(before.map((r) => ((2n * r.timestampNs + 1000n) / 2000n) * 1000n));
  });
});
