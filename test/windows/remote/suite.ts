/**
 * The Windows side of the Wine test suite: run by Windows node.exe under Wine, one scenario per
 * run, results written as JSON to a file (node.exe's stdout must not be a pipe under Wine).
 * The Linux-side vitest file (test/windows/windows.wine.ts) starts it and asserts the results.
 *
 *   node.exe suite.js SCENARIO RESULT.json [ARGS-JSON]
 *
 * Only 127.0.0.1 / ::1 are ever sent to.
 */
import { writeFileSync } from 'node:fs';
import { WindowsRawSocket } from '../../../src/transport/socket/windows/windows-raw-socket.js';
import { WinsockError } from '../../../src/transport/socket/windows/winsock-error.js';
import { winsockCallCounts } from '../../../src/transport/socket/windows/ws2_32.js';
import { PreflightError } from '../../../src/transport/preflight/preflight.js';
import { detectContext, platformName } from '../../../src/transport/preflight/context.js';
import { probe } from '../../../src/transport/socket/probe.js';
import { loadLibpcap } from '../../../src/transport/link/libpcap.js';
import { LinkError } from '../../../src/transport/link/errors.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

interface Args {
  /** ICMP identifier to use. */
  id?: number;
  /** A packet to send, as hex. */
  packet?: string;
}

function errorJson(err: unknown): Json {
  if (err instanceof PreflightError) {
    return { kind: 'PreflightError', code: err.code, message: err.message, platform: err.platform, findings: JSON.parse(JSON.stringify(err.findings)) as Json };
  }
  if (err instanceof WinsockError) return { kind: 'WinsockError', ...(err.toJSON() as Record<string, string | number>) };
  const e = err instanceof Error ? err : new Error(String(err));
  return { kind: e.name, message: e.message, stack: e.stack ?? '' };
}

/** Calls made by `fn`, by function, plus what it returned or threw. */
function counted(fn: () => Json): { result?: Json; error?: Json; calls: Json } {
  const before = winsockCallCounts();
  let result: Json | undefined;
  let error: Json | undefined;
  try {
    result = fn();
  } catch (err) {
    error = errorJson(err);
  }
  const after = winsockCallCounts();
  const calls: Record<string, number> = {};
  for (const [k, v] of Object.entries(after)) if (v !== (before[k] ?? 0)) calls[k] = v - (before[k] ?? 0);
  return { ...(result !== undefined ? { result } : {}), ...(error !== undefined ? { error } : {}), calls };
}

function checksum(b: Uint8Array): number {
  let s = 0;
  for (let i = 0; i + 1 < b.length; i += 2) s += (b[i] << 8) | b[i + 1];
  if (b.length % 2) s += b[b.length - 1] << 8;
  while (s > 0xffff) s = (s & 0xffff) + (s >>> 16);
  return ~s & 0xffff;
}

function echoRequest(id: number, seq: number): Buffer {
  const b = Buffer.alloc(8 + 24);
  b[0] = 8;
  b.writeUInt16BE(id, 4);
  b.writeUInt16BE(seq, 6);
  b.write('rawcraft under wine ----', 8);
  b.writeUInt16BE(checksum(b), 2);
  return b;
}

const scenarios: Record<string, (args: Args) => Promise<Json>> = {
  /** The link transport's libpcap on Windows is Npcap's wpcap.dll: absent under Wine, the error says what to install. */
  async 'libpcap-missing'(): Promise<Json> {
    try {
      const lib = loadLibpcap();
      return { loaded: true, version: lib.version };
    } catch (error) {
      if (!(error instanceof LinkError)) throw error;
      return { loaded: false, ...error.toJSON() } as Json;
    }
  },

  /** The detected context: Wine presents Windows 10. */
  async context() {
    const c = detectContext();
    return { platform: JSON.parse(JSON.stringify(c.platform)) as Json, name: platformName(c.platform), privileges: c.privileges, process: process.platform };
  },

  /** ICMP echo to 127.0.0.1 and its reply, without blocking the event loop while waiting. */
  async 'icmp-echo'(args) {
    const id = args.id ?? 0x5157;
    using sock = WindowsRawSocket.open({ family: 4, protocol: 1 });
    const request = echoRequest(id, 1);
    let ticks = 0;
    const ticker = setInterval(() => ticks++, 10);
    const replies = sock.receive({
      timeoutMs: 3000,
      filter: (d) => {
        const o = (d.bytes[0] & 0x0f) * 4;
        return d.bytes[o] === 0 && d.bytes.readUInt16BE(o + 4) === id;
      },
    });
    const sent = sock.send(request, '127.0.0.1');
    const started = Date.now();
    let reply: Json = null;
    for await (const d of replies) {
      reply = { hex: d.bytes.toString('hex'), from: d.from, includesIpHeader: d.includesIpHeader, family: d.family, ms: Date.now() - started };
      break;
    }
    // An idle wait: the event loop must keep running timers while WSAPoll waits on a worker thread.
    const idleStart = Date.now();
    for await (const _ of sock.receive({ timeoutMs: 300, filter: () => false })) void _;
    const idleMs = Date.now() - idleStart;
    clearInterval(ticker);
    return { sent, request: request.toString('hex'), reply, idleMs, ticks, findings: JSON.parse(JSON.stringify(sock.findings)) as Json };
  },

  /** The options Winsock and POSIX set from one table (plainIntOptions): IP_TTL 7, IP_TOS 0x20, SO_SNDBUF, SO_BROADCAST on an ICMP socket; the Linux side reads the TTL and TOS off the wire. */
  async options(args) {
    const id = args.id ?? 0x4f50;
    const opened = counted(() => {
      const sock = WindowsRawSocket.open({ family: 4, protocol: 1, ttl: 7, tos: 0x20, sendBufferSize: 65536, broadcast: true });
      try {
        return sock.send(echoRequest(id, 4), '127.0.0.1');
      } finally {
        sock.close();
      }
    });
    return opened as Json;
  },

  /** A hand-built IPv4 datagram sent with IP_HDRINCL: the Linux side checks it arrives byte for byte. */
  async 'hdrincl-send'(args) {
    const packet = Buffer.from(args.packet ?? '', 'hex');
    using sock = WindowsRawSocket.open({ family: 4, protocol: 255, hdrincl: true });
    return { hdrincl: sock.hdrincl, sent: sock.send(packet, '127.0.0.1') };
  },

  /** A TCP segment: pre-flight refuses it (Wine presents a Windows 10 client) before any Winsock call; forced, it goes out. */
  async 'tcp-refused'(args) {
    const packet = Buffer.from(args.packet ?? '', 'hex');
    using sock = WindowsRawSocket.open({ family: 4, protocol: 255, hdrincl: true });
    const refused = counted(() => sock.send(packet, '127.0.0.1'));
    const forced = counted(() => sock.send(packet, '127.0.0.1', { force: true }));
    return { refused: refused as Json, forced: forced as Json };
  },

  /** Broadcast without SO_BROADCAST: pre-flight refuses; forced, Winsock says WSAEACCES and the error says what to do. */
  async broadcast(args) {
    const id = args.id ?? 0x4242;
    using sock = WindowsRawSocket.open({ family: 4, protocol: 1 });
    const refused = counted(() => sock.send(echoRequest(id, 9), '255.255.255.255'));
    const forced = counted(() => sock.send(echoRequest(id, 9), '255.255.255.255', { force: true }));
    return { refused: refused as Json, forced: forced as Json };
  },

  /** Run as an unprivileged Linux user: pre-flight says so; forced, socket() fails with WSAEACCES. */
  async unprivileged() {
    const c = detectContext();
    const plain = counted(() => {
      WindowsRawSocket.open({ family: 4, protocol: 1 }).close();
      return 'opened';
    });
    const forced = counted(() => {
      WindowsRawSocket.open({ family: 4, protocol: 1, force: true }).close();
      return 'opened';
    });
    return { privileges: c.privileges, plain: plain as Json, forced: forced as Json };
  },

  /** What Wine 8 cannot do, each as a clear error: raw ICMPv6, IPV6_HDRINCL, SIO_RCVALL, protocol 0. */
  async limits() {
    const open = (o: Parameters<typeof WindowsRawSocket.open>[0]) =>
      counted(() => {
        using s = WindowsRawSocket.open(o);
        return { opened: true, findings: JSON.parse(JSON.stringify(s.findings)) as Json };
      });
    return {
      icmpv6: open({ family: 6, protocol: 58 }) as Json,
      ipv6Hdrincl: open({ family: 6, protocol: 17, hdrincl: true }) as Json,
      rcvall: open({ family: 4, protocol: 1, bind: '127.0.0.1', receiveAll: true }) as Json,
      protocolZero: open({ family: 4, protocol: 0 }) as Json,
      protocolZeroForced: open({ family: 4, protocol: 0, force: true }) as Json,
    };
  },

  /** IPv6 the way the document recommends: no IPV6_HDRINCL, sendIpv6() strips the header and sends the rest to ::1. */
  async 'ipv6-send'(args) {
    const packet = Buffer.from(args.packet ?? '', 'hex');
    using sock = WindowsRawSocket.open({ family: 6, protocol: 17 });
    return { sent: sock.sendIpv6(packet), findings: JSON.parse(JSON.stringify(sock.findings)) as Json };
  },

  /** The capability probe. */
  async probe() {
    return JSON.parse(JSON.stringify(probe())) as Json;
  },
};

async function main(): Promise<void> {
  const [name, resultPath, argsJson] = process.argv.slice(2);
  const scenario = scenarios[name];
  let out: Json;
  if (!scenario) out = { ok: false, error: { kind: 'usage', message: `unknown scenario ${name}; known: ${Object.keys(scenarios).join(', ')}` } };
  else {
    try {
      out = { ok: true, data: await scenario(argsJson ? (JSON.parse(argsJson) as Args) : {}) };
    } catch (err) {
      out = { ok: false, error: errorJson(err) };
    }
  }
  writeFileSync(resultPath, JSON.stringify(out, null, 2));
}

await main();
