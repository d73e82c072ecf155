/**
 * rawcraft's send paths against the C sendmmsg loop (bench/c/sendmmsg-loop.c, batches of 64),
 * the same bytes, rounds interleaved (C, then each rawcraft case, again and again); the ratio is
 * the median of the per-round quotients, so load from other processes falls on both sides.
 *
 * - IP: 84-byte ICMP echo replies to 127.0.0.1 (nothing answers a reply) through an IPPROTO_RAW
 *   socket: `Transport.sendMany`, `RawSocket.sendMany` and `rawcraft send EXPR --count N`.
 * - Link: 98-byte Ethernet frames (the same reply, 198.18.0.1 to 198.18.0.2, to a MAC nobody has)
 *   on one end of a veth pair inside a network namespace made and removed here: the link
 *   transport's `sendMany` (AF_PACKET on Linux) and its libpcap path, against the C loop on an
 *   AF_PACKET socket; then the libpcap path against a C loop of pcap_inject on a handle opened
 *   the same way (bench/c/pcap-inject-loop.c): what libpcap's one system call per frame costs
 *   is the quotient of the two libpcap rows. That part runs in a child process inside the
 *   namespace (bench/transport-link-child.ts).
 *
 * Needs root (raw sockets, namespaces) and `cc`; each part is skipped with a note otherwise.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { ipv4 } from '../src/builders/packet.js';
import { RawSocket, TransportError, openTransport } from '../src/transport/index.js';
import { compileCLoop, runCLoop, type CLoop } from './c-loop.js';
import { median } from './harness.js';

export interface VersusCRow {
  readonly case: string;
  readonly packets: number;
  /** Medians over the rounds (undefined when skipped). */
  readonly packetsPerSec: number | undefined;
  readonly cPacketsPerSec: number | undefined;
  /** Median of the per-round quotients rawcraft / C. */
  readonly ratio: number | undefined;
  readonly skipped?: string;
}

export interface VersusCOptions {
  /** Datagrams per round on the IP path (default 300,000). */
  readonly ipPackets?: number;
  /** Frames per round on the link path (default 1,000,000). */
  readonly linkFrames?: number;
  /** Interleaved rounds (default 5). */
  readonly rounds?: number;
}

const LOOPBACK = '127.0.0.1';
const CLI = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));
const LINK_CHILD = fileURLToPath(new URL('./transport-link-child.js', import.meta.url));
const EXPR = `ipv4(src=${LOOPBACK},dst=${LOOPBACK},id=1,ttl=64)/icmp(type=echo-reply,id=1,seq=1)/raw(size=56)`;

/** The IP datagram the IP cases send (the bytes EXPR builds). */
export function echoReply(src = LOOPBACK, dst = LOOPBACK): Buffer {
  return ipv4({ src, dst, id: 1, ttl: 64 }).icmp({ type: 'echo-reply', id: 1, seq: 1 }).payload(new Uint8Array(56)).encode();
}

export type Case = { readonly name: string; readonly run: (n: number) => Promise<number> };

/** Interleave rounds of the C loop and each case; one row per case. */
export async function interleave(cases: readonly Case[], c: (n: number) => number, n: number, rounds: number): Promise<VersusCRow[]> {
  const ours: number[][] = cases.map(() => []);
  const theirs: number[] = [];
  // One warm-up of each (JIT, socket buffers, page faults), not timed.
  c(Math.min(n, 50_000));
  for (const k of cases) await k.run(Math.min(n, 50_000));
  for (let r = 0; r < rounds; r++) {
    theirs.push(c(n));
    for (let i = 0; i < cases.length; i++) ours[i].push(await cases[i].run(n));
  }
  return cases.map((k, i) => ({
    case: k.name,
    packets: n,
    packetsPerSec: Math.round(median(ours[i])),
    cPacketsPerSec: Math.round(median(theirs)),
    ratio: Number(median(ours[i].map((v, r) => v / theirs[r])).toFixed(3)),
  }));
}

const skippedRows = (names: readonly string[], n: number, why: string): VersusCRow[] =>
  names.map((name) => ({ case: name, packets: n, packetsPerSec: undefined, cPacketsPerSec: undefined, ratio: undefined, skipped: why }));

const IP_CASES = ['raw Transport.sendMany', 'RawSocket.sendMany', 'rawcraft send EXPR --count N'];
export const LINK_CASES = ['link Transport.sendMany', 'link Transport.sendMany (libpcap, pcap_inject)', 'link libpcap path vs C pcap_inject (not sendmmsg)'];

export async function runVersusC(options: VersusCOptions = {}): Promise<VersusCRow[]> {
  const ipN = options.ipPackets ?? 300_000;
  const linkN = options.linkFrames ?? 1_000_000;
  const rounds = options.rounds ?? 5;
  const loop = compileCLoop();
  if (typeof loop === 'string') return [...skippedRows(IP_CASES, ipN, loop), ...skippedRows(LINK_CASES, linkN, loop)];
  try {
    return [...(await ipRows(loop, ipN, rounds)), ...linkRows(loop, linkN, rounds)];
  } finally {
    loop.remove();
  }
}

async function ipRows(loop: CLoop, n: number, rounds: number): Promise<VersusCRow[]> {
  const datagram = echoReply();
  let socket: RawSocket;
  try {
    socket = RawSocket.open({ family: 4, protocol: 255 });
  } catch (error) {
    if (!(error instanceof TransportError)) throw error;
    return skippedRows(IP_CASES, n, `no raw-socket privilege: ${error.message}`);
  }
  const transport = openTransport({ kind: 'raw' });
  try {
    const timed = async (n: number, body: () => Promise<unknown> | unknown): Promise<number> => {
      const t0 = performance.now();
      await body();
      return (n * 1000) / (performance.now() - t0);
    };
    const cases: Case[] = [
      { name: IP_CASES[0], run: (n) => timed(n, () => transport.sendMany(new Array<Uint8Array>(n).fill(datagram))) },
      {
        name: IP_CASES[1],
        run: (n) => {
          const batch = new Array(n).fill({ bytes: datagram, destination: LOOPBACK });
          return timed(n, () => sendAll(socket, batch));
        },
      },
      { name: IP_CASES[2], run: async (n) => cliRate(n) },
    ];
    return await interleave(cases, (n) => runCLoop(loop, 'raw', LOOPBACK, datagram, n).packetsPerSec, n, rounds);
  } finally {
    socket.close();
    await transport.close();
  }
}

/** RawSocket.sendMany never waits: on ENOBUFS/EAGAIN resume after what was sent (as the C loop does). */
function sendAll(socket: RawSocket, batch: readonly { bytes: Uint8Array; destination: string }[]): void {
  let done = 0;
  while (done < batch.length) {
    try {
      done += socket.sendMany(done === 0 ? batch : batch.slice(done));
    } catch (error) {
      if (!(error instanceof TransportError) || !['ENOBUFS', 'EAGAIN'].includes(error.errnoName)) throw error;
      done += error.index ?? 0;
    }
  }
}

/** `rawcraft send EXPR --count N --json`: its own packets/s (the send loop, without start-up). */
function cliRate(n: number): number {
  const r = spawnSync(process.execPath, [CLI, 'send', EXPR, '--count', String(n), '--json'], { encoding: 'utf8', timeout: 300_000 });
  if (r.status !== 0) throw new Error(`rawcraft send: ${r.stderr.trim()}`);
  return (JSON.parse(r.stdout) as { packetsPerSecond: number }).packetsPerSecond;
}

function linkRows(loop: CLoop, n: number, rounds: number): VersusCRow[] {
  const ns = `rcb-${process.pid.toString(36)}${randomBytes(3).toString('hex')}`;
  const ip = (args: string[]) => spawnSync('ip', args, { encoding: 'utf8', timeout: 10_000 });
  const made = ip(['netns', 'add', ns]);
  if (made.status !== 0) return skippedRows(LINK_CASES, n, `cannot create a network namespace: ${made.stderr.trim()}`);
  try {
    for (const args of [
      ['-n', ns, 'link', 'add', 'vx', 'type', 'veth', 'peer', 'name', 'vy'],
      ['-n', ns, 'link', 'set', 'vx', 'up'],
      ['-n', ns, 'link', 'set', 'vy', 'up'],
    ]) {
      const r = ip(args);
      if (r.status !== 0) return skippedRows(LINK_CASES, n, `ip ${args.join(' ')}: ${r.stderr.trim()}`);
    }
    // The pcap_inject loop needs libpcap's header; without it that row is skipped with the reason.
    const pcapLoop = compileCLoop('pcap-inject-loop', ['-lpcap']);
    const pcapArg = typeof pcapLoop === 'string' ? `skip:${pcapLoop}` : pcapLoop.program;
    let r;
    try {
      r = spawnSync('ip', ['netns', 'exec', ns, process.execPath, LINK_CHILD, loop.program, 'vx', String(n), String(rounds), pcapArg], { encoding: 'utf8', timeout: 600_000 });
    } finally {
      if (typeof pcapLoop !== 'string') pcapLoop.remove();
    }
    if (r.status !== 0) return skippedRows(LINK_CASES, n, `link child failed: ${r.stderr.trim().split('\n').slice(-3).join(' ')}`);
    return r.stdout.trim().split('\n').map((line) => JSON.parse(line) as VersusCRow);
  } finally {
    ip(['netns', 'del', ns]);
  }
}
