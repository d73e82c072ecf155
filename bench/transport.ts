/**
 * Transport throughput, measured (never asserted): packets per second for the same 64-byte
 * IPv4 datagrams through RawSocket (sendto, sendmmsg), the raw Transport (send, sendMany), the
 * memory pair and the pcapng transport. Raw sockets send only to 127.0.0.1, IP protocol 254
 * (RFC 3692 experimentation), with a raw socket open for 254 so the kernel answers nothing.
 *
 *   node dist/bench/transport.js [--json] [--packets=N] [--ip-packets=N] [--link-frames=N] [--rounds=N] [--requests=N] [--versus-c-only]
 *
 * Then the send paths against a C sendmmsg loop compiled on the spot (bench/transport-vs-c.ts),
 * with a ratio column, and request() round trips on 127.0.0.1 (bench/round-trip.ts). Raw-socket cases need root or CAP_NET_RAW; without, they are reported as
 * skipped, and so are the C comparisons without `cc`.
 */
import { Writable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { ipv4 } from '../src/builders/packet.js';
import { RawSocket, TransportError, createMemoryPair, openTransport, type Transport } from '../src/transport/index.js';
import { LINK_CASES, runVersusC, type VersusCRow } from './transport-vs-c.js';
import { printRoundTrip, runRoundTrip } from './round-trip.js';

export interface TransportBenchResult {
  readonly case: string;
  /** Undefined when skipped. */
  readonly packetsPerSec: number | undefined;
  readonly packets: number;
  readonly ms: number;
  /** Backpressure retries (ENOBUFS/EAGAIN) during the case. */
  readonly retries: number;
  readonly skipped?: string;
}

export interface TransportBenchOptions {
  /** Datagrams per case (default 20,000). */
  readonly packets?: number;
}

const LOOPBACK = '127.0.0.1';
const QUIET = 254;

/** Run every case once; resolves with one result per case. */
export async function run(options: TransportBenchOptions = {}): Promise<TransportBenchResult[]> {
  const n = options.packets ?? 20_000;
  const datagram = ipv4({ src: LOOPBACK, dst: LOOPBACK, protocol: QUIET, id: 1, ttl: 64 }).payload(new Uint8Array(44)).encode();
  const packets = Array.from({ length: n }, () => datagram);
  const results: TransportBenchResult[] = [];
  const timed = async (name: string, body: () => Promise<number> | number): Promise<void> => {
    const t0 = performance.now();
    const retries = await body();
    const ms = performance.now() - t0;
    results.push({ case: name, packetsPerSec: Math.round((n * 1000) / ms), packets: n, ms: Math.round(ms * 10) / 10, retries });
  };

  let absorb: RawSocket | undefined;
  let noRaw: string | undefined;
  try {
    absorb = RawSocket.open({ family: 4, protocol: QUIET, receiveBufferSize: 1 });
  } catch (error) {
    if (!(error instanceof TransportError)) throw error;
    noRaw = error.message;
  }
  try {
    if (absorb) {
      const sock = RawSocket.open({ family: 4, protocol: 255, sendBufferSize: 4 << 20 });
      try {
        await timed('RawSocket.send (sendto per datagram)', () => {
          for (const p of packets) sock.send(p, LOOPBACK);
          return 0;
        });
        const batch = packets.map((bytes) => ({ bytes, destination: LOOPBACK }));
        await timed('RawSocket.sendMany (sendmmsg)', () => {
          sock.sendMany(batch);
          return 0;
        });
      } finally {
        sock.close();
      }
      const raw = openTransport({ kind: 'raw', sendBufferSize: 4 << 20 });
      try {
        await timed('raw Transport.send (awaited one by one)', () => sendEach(raw, packets));
        await timed('raw Transport.sendMany', async () => (await raw.sendMany(packets)).retries);
      } finally {
        await raw.close();
      }
    } else {
      for (const name of ['RawSocket.send (sendto per datagram)', 'RawSocket.sendMany (sendmmsg)', 'raw Transport.send (awaited one by one)', 'raw Transport.sendMany']) {
        results.push({ case: name, packetsPerSec: undefined, packets: 0, ms: 0, retries: 0, skipped: noRaw });
      }
    }
    const [a, b] = createMemoryPair();
    await timed('memory Transport.sendMany', async () => (await a.sendMany(packets)).retries);
    await a.close();
    await b.close();
    const file = openTransport({ kind: 'pcapng', stream: new Writable({ write: (_chunk, _enc, done) => done() }) });
    await timed('pcapng Transport.sendMany (to a discarding stream)', async () => (await file.sendMany(packets)).retries);
    await file.close();
  } finally {
    absorb?.close();
  }
  return results;
}

async function sendEach(t: Transport, packets: readonly Uint8Array[]): Promise<number> {
  let retries = 0;
  for (const p of packets) retries += (await t.send(p)).retries;
  return retries;
}

/**
 * The note after a row's ratio. libpcap sends one frame per call (pcap_inject is one send(2)), so
 * its row against sendmmsg shows what choosing libpcap costs; its yardstick is the row after it,
 * the same path against a C pcap_inject loop, which carries the 0.9x target.
 */
function verdict(r: VersusCRow): string {
  if (r.case === LINK_CASES[1]) return '  (libpcap: one frame per call; see the next row)';
  return r.ratio! < 0.9 ? '  < 0.9x target' : '';
}

/** Print the versus-C table (or JSON lines with `"table": "versus-c"`). */
export function printVersusC(rows: readonly VersusCRow[], json: boolean): void {
  const fmt = (n: number | undefined) => (n === undefined ? '-' : Math.round(n).toLocaleString('en-US'));
  if (!json) {
    console.log('');
    console.log('sending against C (sendmmsg, batches of 64, or pcap_inject where the case says; same bytes; rounds interleaved, ratio = median of per-round rawcraft/C)');
    console.log(`${'case'.padEnd(48)} ${'packets'.padStart(9)} ${'rawcraft/s'.padStart(11)} ${'C/s'.padStart(11)} ${'ratio'.padStart(7)}`);
  }
  for (const r of rows) {
    if (json) console.log(JSON.stringify({ table: 'versus-c', ...r }));
    else if (r.skipped) console.log(`${r.case.padEnd(48)} skipped: ${r.skipped}`);
    else console.log(`${r.case.padEnd(48)} ${String(r.packets).padStart(9)} ${fmt(r.packetsPerSec).padStart(11)} ${fmt(r.cPacketsPerSec).padStart(11)} ${`${r.ratio!.toFixed(2)}x`.padStart(7)}${verdict(r)}`);
  }
}

/** Both tables, as `npm run bench` and `npm run bench:transport` print them. */
export async function main(argv: readonly string[]): Promise<void> {
  const json = argv.includes('--json');
  const num = (name: string): number | undefined => {
    const arg = argv.find((a) => a.startsWith(`--${name}=`));
    return arg === undefined ? undefined : Number(arg.slice(name.length + 3));
  };
  if (!argv.includes('--versus-c-only')) {
    const packets = num('packets');
    const results = await run(packets !== undefined ? { packets } : {});
    for (const r of results) {
      if (json) console.log(JSON.stringify(r));
      else console.log(`${r.case.padEnd(52)} ${r.skipped ? `skipped: ${r.skipped}` : `${String(r.packetsPerSec).padStart(9)} packets/s  (${r.packets} in ${r.ms} ms, ${r.retries} retries)`}`);
    }
  }
  const ipPackets = num('ip-packets');
  const linkFrames = num('link-frames');
  const rounds = num('rounds');
  printVersusC(
    await runVersusC({ ...(ipPackets !== undefined && { ipPackets }), ...(linkFrames !== undefined && { linkFrames }), ...(rounds !== undefined && { rounds }) }),
    json,
  );
  printRoundTrip(await runRoundTrip(num('requests') ?? 1000), json);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main(process.argv.slice(2));
