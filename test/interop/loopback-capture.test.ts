/**
 * The foundation's "done when": real IPv4 traffic captured on loopback by dumpcap (ICMP echo,
 * an ICMP port unreachable quoting a UDP datagram, a UDP exchange, a TCP connection whose SYN
 * carries Linux's options), decoded by the CLI to JSON and encoded back to the identical bytes:
 *
 *   rawcraft decode FILE --json --lax | rawcraft encode --hex
 *
 * Capturing needs root (CAP_NET_RAW) and dumpcap: skipped without them, failing with CI=true.
 * Traffic goes only to 127.0.0.1.
 *
 * What loopback capture shows about checksums: Linux hands TCP and UDP segments to `lo` with
 * CHECKSUM_PARTIAL, so the captured checksum field holds only the folded pseudo-header sum (the
 * seed the NIC would have finished). rawcraft rightly calls those invalid; the test asserts that
 * each invalid TCP/UDP checksum is exactly that seed, and that IPv4 and ICMP checksums (computed in
 * software) are valid.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer, connect, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeLayers, layersFromJson, type PacketJson } from '../../src/index.js';
import { LinkType, parseCapture, type CaptureRecord } from '../../src/capture/index.js';
import { inCI, isRoot, onPath } from './tools.js';

const CLI = fileURLToPath(new URL('../../dist/src/cli/main.js', import.meta.url));
const LOOPBACK = '127.0.0.1';
const FILTER = `host ${LOOPBACK} and (icmp or udp or tcp)`;
/** Marks our ICMP echo payloads among whatever else crosses loopback meanwhile. */
// Unique per run: other tests may send their own echoes on loopback while this one captures.
const MARKER = Buffer.concat([Buffer.from('rc'), randomBytes(6)]);
const ECHO_ID = 0x7263;

const hasDumpcap = onPath('dumpcap');
const hasPing = onPath('ping');
const hasPython = onPath('python3');
const canCapture = isRoot && hasDumpcap;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Start dumpcap and resolve once it is capturing (it says so on stderr and has written its header). */
async function startCapture(file: string): Promise<ChildProcess> {
  const child = spawn('dumpcap', ['-i', 'lo', '-w', file, '-f', FILTER], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`dumpcap exited with ${child.exitCode}: ${stderr}`);
    let size = 0;
    try {
      size = statSync(file).size;
    } catch {
      /* not created yet */
    }
    if (/Capturing on/.test(stderr) && size > 0) return child;
    if (Date.now() > deadline) {
      child.kill('SIGTERM');
      throw new Error(`dumpcap did not start capturing within 15 s: ${stderr}`);
    }
    await sleep(50);
  }
}

async function stopCapture(child: ChildProcess): Promise<void> {
  // Let the last packets reach the file; dumpcap flushes and closes it on SIGINT.
  await sleep(500);
  const exited = once(child, 'exit');
  child.kill('SIGINT');
  await exited;
}

/** ICMP echo: iputils ping when installed; otherwise echo requests built by rawcraft, sent through python3's raw socket. */
async function pingLoopback(): Promise<string> {
  if (hasPing) {
    // The pattern fills the payload after ping's timestamp, so our echoes can be told apart.
    const r = spawnSync('ping', ['-c', '3', '-i', '0.2', '-p', MARKER.toString('hex'), LOOPBACK], { encoding: 'utf8', timeout: 10_000 });
    if (r.status !== 0) throw new Error(`ping failed: ${r.stderr || r.stdout}`);
    return 'ping';
  }
  if (hasPython) {
    // The kernel adds the IPv4 header (IPPROTO_ICMP raw socket); it answers only if our ICMP checksum is right.
    const requests = [1, 2, 3].map((seq) =>
      encodeLayers([
        { layer: 'icmp', fields: { type: 'echo-request', id: ECHO_ID, seq } },
        { layer: 'raw', fields: { data: Buffer.concat([MARKER, Buffer.from(` echo ${seq}`)]) } },
      ]).toString('hex'),
    );
    const script = [
      'import socket, sys, time',
      's = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)',
      'for h in sys.argv[1:]:',
      `    s.sendto(bytes.fromhex(h), ('${LOOPBACK}', 0))`,
      '    time.sleep(0.05)',
    ].join('\n');
    const r = spawnSync('python3', ['-c', script, ...requests], { encoding: 'utf8', timeout: 10_000 });
    if (r.status !== 0) throw new Error(`python3 raw socket failed: ${r.stderr}`);
    return 'python3 raw socket (ping is not installed)';
  }
  return 'none (neither ping nor python3 is installed)';
}

interface Ports {
  udpServer: number;
  udpClient: number;
  udpClosed: number;
  tcpServer: number;
}

/** A UDP exchange (empty, odd-sized and large datagrams, each echoed), and one datagram to a closed port. */
async function udpExchange(): Promise<Pick<Ports, 'udpServer' | 'udpClient' | 'udpClosed'>> {
  const server = createSocket('udp4');
  server.on('message', (msg, rinfo) => server.send(msg, rinfo.port, rinfo.address));
  server.bind(0, LOOPBACK);
  await once(server, 'listening');
  const client = createSocket('udp4');
  client.bind(0, LOOPBACK);
  await once(client, 'listening');
  const closed = createSocket('udp4');
  closed.bind(0, LOOPBACK);
  await once(closed, 'listening');
  const udpClosed = (closed.address() as AddressInfo).port;
  await new Promise<void>((resolve) => closed.close(resolve));
  const udpServer = (server.address() as AddressInfo).port;
  const replies: Buffer[] = [];
  client.on('message', (msg) => replies.push(msg));
  const payloads = [Buffer.alloc(0), Buffer.from('odd'), Buffer.alloc(1200, 0xab)];
  const send = (data: Buffer, port: number) => new Promise<void>((resolve, reject) => client.send(data, port, LOOPBACK, (e) => (e ? reject(e) : resolve())));
  for (const p of payloads) await send(p, udpServer);
  // Nobody listens there: the kernel answers with ICMP port unreachable, quoting this datagram.
  await send(Buffer.from('to a closed port'), udpClosed);
  const deadline = Date.now() + 5000;
  while (replies.length < payloads.length && Date.now() < deadline) await sleep(20);
  expect(replies.map((r) => r.length).sort((x, y) => x - y)).toEqual(payloads.map((p) => p.length));
  const udpClient = (client.address() as AddressInfo).port;
  client.close();
  server.close();
  return { udpServer, udpClient, udpClosed };
}

/** A TCP connection with data both ways, closed cleanly. */
async function tcpExchange(): Promise<number> {
  const server = createServer((socket: Socket) => socket.pipe(socket));
  server.listen(0, LOOPBACK);
  await once(server, 'listening');
  const port = (server.address() as AddressInfo).port;
  const socket = connect(port, LOOPBACK);
  await once(socket, 'connect');
  const sent = Buffer.concat([Buffer.from('hello from rawcraft\n'), Buffer.alloc(3000, 0x5a)]);
  let received = 0;
  socket.on('data', (chunk: Buffer) => (received += chunk.length));
  socket.end(sent);
  await once(socket, 'close');
  expect(received).toBe(sent.length);
  await new Promise((resolve) => server.close(resolve));
  return port;
}

interface CliRun {
  json: string;
  hex: string;
  decodeCode: number | null;
  encodeCode: number | null;
  stderr: string;
}

/** `rawcraft decode FILE --json --lax | rawcraft encode --hex`, with the JSON in the middle kept. */
async function decodeEncodePipe(file: string): Promise<CliRun> {
  const decode = spawn(process.execPath, [CLI, 'decode', file, '--json', '--lax'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const encode = spawn(process.execPath, [CLI, 'encode', '--hex'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let json = '';
  let hex = '';
  let stderr = '';
  decode.stdout!.on('data', (c: Buffer) => (json += c.toString()));
  decode.stdout!.pipe(encode.stdin!);
  encode.stdout!.on('data', (c: Buffer) => (hex += c.toString()));
  decode.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  encode.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  const [[decodeCode], [encodeCode]] = await Promise.all([once(decode, 'exit'), once(encode, 'exit')]);
  return { json, hex, decodeCode, encodeCode, stderr };
}

/** The folded, uncomplemented pseudo-header sum: what CHECKSUM_PARTIAL leaves in the field. */
function partialSeed(src: string, dst: string, protocol: number, length: number): number {
  const words = [...src.split('.'), ...dst.split('.')].map(Number);
  let sum = ((words[0] << 8) | words[1]) + ((words[2] << 8) | words[3]) + ((words[4] << 8) | words[5]) + ((words[6] << 8) | words[7]) + protocol + length;
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return sum;
}

type JsonLayer = PacketJson['layers'][number];
const fieldsOf = (l: JsonLayer) => l.fields as Record<string, any>;

describe.skipIf(!canCapture && !inCI)('loopback capture: decode --json | encode --hex gives back the captured bytes', () => {
  let dir: string | undefined;
  let file: string;
  let records: CaptureRecord[];
  let packets: PacketJson[];
  let cli: CliRun;
  let ports: Ports;
  let echoSource: string;

  afterAll(() => dir && rmSync(dir, { recursive: true, force: true }));

  beforeAll(async () => {
    if (!isRoot) throw new Error('CI=true but not root: the loopback capture test needs root (CAP_NET_RAW) to run dumpcap');
    if (!hasDumpcap) throw new Error('CI=true but dumpcap is not on PATH: install Wireshark\u2019s dumpcap');
    dir = mkdtempSync(join(tmpdir(), 'rawcraft-loopback-'));
    file = join(dir, 'loopback.pcapng');
    const capture = await startCapture(file);
    try {
      echoSource = await pingLoopback();
      const udp = await udpExchange();
      const tcpServer = await tcpExchange();
      ports = { ...udp, tcpServer };
    } finally {
      await stopCapture(capture);
    }
    records = parseCapture(readFileSync(file));
    cli = await decodeEncodePipe(file);
    packets = cli.json.split('\n').filter((l) => l).map((l) => JSON.parse(l) as PacketJson);
  });

  it('dumpcap wrote Ethernet (LINKTYPE_ETHERNET 1) records on lo', () => {
    expect(records.length).toBeGreaterThan(10);
    expect(new Set(records.map((r) => r.linkType))).toEqual(new Set([LinkType.ETHERNET]));
    expect(records.every((r) => r.data.length === r.originalLength)).toBe(true);
  });

  it('the CLI pipe exits 0 and each hex line is the captured packet, byte for byte', () => {
    expect({ decode: cli.decodeCode, encode: cli.encodeCode, stderr: cli.stderr }).toEqual({ decode: 0, encode: 0, stderr: '' });
    const lines = cli.hex.split('\n').filter((l) => l);
    expect(lines).toHaveLength(records.length);
    const different = records.map((r, i) => (lines[i] === r.data.toString('hex') ? undefined : `#${i}: captured ${r.data.toString('hex')}, got ${lines[i]}`)).filter(Boolean);
    expect(different).toEqual([]);
    // The same in process: the JSON lines encode to the captured bytes.
    packets.forEach((p, i) => expect(encodeLayers(layersFromJson(p, i)).equals(records[i].data)).toBe(true));
    expect(packets.map((p) => p.index)).toEqual(records.map((_, i) => i));
    expect(packets.map((p) => p.timestampNs)).toEqual(records.map((r) => r.timestampNs.toString()));
  });

  describe('our traffic', () => {
    /** Packets we generated (loopback is shared: other processes' packets may be in the file too). */
    const ours = () =>
      packets.filter((p) => {
        const l = p.layers;
        if (l[0]?.layer !== 'ethernet' || l[1]?.layer !== 'ipv4') return false;
        const t = l[2];
        const f = t && fieldsOf(t);
        if (t?.layer === 'udp') return [ports.udpServer, ports.udpClient].includes(f.srcPort) || [ports.udpServer, ports.udpClosed].includes(f.dstPort);
        if (t?.layer === 'tcp') return f.srcPort === ports.tcpServer || f.dstPort === ports.tcpServer;
        if (t?.layer === 'icmp' && (f.type === 'echo-request' || f.type === 'echo-reply')) return Buffer.from((fieldsOf(l[3] ?? { layer: 'raw', fields: { data: '' } }).data as string) ?? '', 'hex').includes(MARKER);
        if (t?.layer === 'icmp' && f.type === 'destination-unreachable') return l[4]?.layer === 'udp' && fieldsOf(l[4]).dstPort === ports.udpClosed;
        return false;
      });

    it('is all there: echo (when it could be generated), UDP both ways, the port unreachable, the TCP handshake, data and close', () => {
      const mine = ours();
      const kinds = mine.map((p) => {
        const f = fieldsOf(p.layers[2]);
        return p.layers[2].layer === 'icmp' ? `icmp ${f.type}` : p.layers[2].layer;
      });
      const count = (k: string) => kinds.filter((x) => x === k).length;
      console.info(`loopback: ${records.length} packets captured, ${mine.length} ours; ICMP echo from ${echoSource}`);
      if (echoSource !== 'none (neither ping nor python3 is installed)') {
        expect(count('icmp echo-request')).toBe(3);
        expect(count('icmp echo-reply')).toBe(3);
      }
      expect(count('udp')).toBe(7); // three requests, three echoes, one to the closed port
      expect(count('icmp destination-unreachable')).toBe(1);
      const tcp = mine.filter((p) => p.layers[2].layer === 'tcp').map((p) => fieldsOf(p.layers[2]));
      expect(tcp.filter((f) => f.flags.includes('syn')).length).toBe(2); // SYN, SYN-ACK
      expect(tcp.filter((f) => f.flags.includes('fin')).length).toBe(2);
      expect(mine.some((p) => p.layers[2].layer === 'tcp' && p.layers[3]?.layer === 'raw')).toBe(true);
    });

    it('carries the options Linux puts on a SYN (per this machine\u2019s sysctls)', () => {
      const syn = ours().map((p) => p.layers[2]).find((l) => l.layer === 'tcp' && fieldsOf(l).flags.join() === 'syn')!;
      expect(syn).toBeDefined();
      const kinds = (fieldsOf(syn).options as { kind: unknown }[]).map((o) => o.kind);
      const sysctl = (name: string) => readFileSync(`/proc/sys/net/ipv4/${name}`, 'utf8').trim() !== '0';
      expect(kinds).toContain('mss');
      if (sysctl('tcp_sack')) expect(kinds).toContain('sack-permitted');
      if (sysctl('tcp_timestamps')) expect(kinds).toContain('timestamps');
      if (sysctl('tcp_window_scaling')) expect(kinds).toContain('window-scale');
      // Every option decoded to its named form: nothing raw, no padding left over.
      expect(kinds.every((k) => typeof k === 'string')).toBe(true);
      expect(fieldsOf(syn).padding).toBeUndefined();
    });

    it('decodes without issues; IPv4 and ICMP checksums valid, TCP/UDP valid or exactly the CHECKSUM_PARTIAL seed', () => {
      const problems: string[] = [];
      const seen = { partial: 0, valid: 0 };
      for (const p of ours()) {
        if (p.issues.length) problems.push(`#${p.index}: issues ${JSON.stringify(p.issues)}`);
        let ip: Record<string, any> | undefined;
        for (const l of p.layers) {
          const verdict = l.checksum as { status: string; expected?: number; actual: number } | undefined;
          const f = fieldsOf(l);
          if (l.layer === 'ipv4') ip = f;
          if (!verdict) continue;
          if (l.layer === 'ipv4' || l.layer === 'icmp') {
            if (verdict.status !== 'valid') problems.push(`#${p.index} ${l.layer}: ${verdict.status}`);
            continue;
          }
          // TCP/UDP: valid, unverifiable (a UDP checksum of 0), or the partial seed.
          if (verdict.status === 'valid') seen.valid++;
          else if (verdict.status === 'unverifiable' && l.layer === 'udp' && f.checksum === 0) seen.valid++;
          else if (verdict.status === 'invalid' && verdict.actual === partialSeed(ip!.src, ip!.dst, ip!.protocol, ip!.totalLength - ip!.ihl * 4)) seen.partial++;
          else problems.push(`#${p.index} ${l.layer}: ${JSON.stringify(verdict)}`);
        }
      }
      console.info(`loopback TCP/UDP checksums: ${seen.partial} hold the CHECKSUM_PARTIAL seed, ${seen.valid} are complete`);
      expect(problems).toEqual([]);
    });
  });
});
