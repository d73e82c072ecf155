/**
 * Real sockets, real kernel, loopback only (127.0.0.1 and ::1).
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RawSocket, TransportArgumentError, TransportError } from '../../src/transport/index.js';
import { MmsgReceiver } from '../../src/transport/socket/recv-many.js';
import {
  buildTransportForChild,
  first,
  freshId,
  icmpEcho,
  icmpOffset,
  internetChecksum,
  ipv4Packet,
  ipv6IcmpPacket,
  isEcho,
  requireRaw,
} from './helpers.js';

const ICMP = 1;
const ICMPV6 = 58;

describe('RawSocket: ICMP echo over loopback', () => {
  it('IPv4 without IP_HDRINCL: the kernel answers an echo request to 127.0.0.1', async (ctx) => {
    requireRaw(ctx);
    using sock = RawSocket.open({ family: 4, protocol: ICMP });
    const id = freshId();
    const request = icmpEcho({ id, seq: 1 });
    const reply = first(sock, (d) => isEcho(d, 0, id, 1));
    expect(sock.send(request, '127.0.0.1')).toBe(request.length);
    const d = await reply;
    expect(d, 'echo reply').toBeDefined();
    expect(d!.family).toBe(4);
    expect(d!.includesIpHeader).toBe(true);
    expect(d!.from).toBe('127.0.0.1');
    expect(d!.bytes[0] >> 4).toBe(4); // IPv4 header first
    expect(typeof d!.receivedAt).toBe('bigint');
    const o = icmpOffset(d!);
    // Same payload echoed, and the reply's ICMP checksum verifies.
    expect(d!.bytes.subarray(o + 8)).toEqual(request.subarray(8));
    expect(internetChecksum(d!.bytes.subarray(o))).toBe(0);
  });

  it('IPv4 with IP_HDRINCL: a second raw socket sees the request byte for byte, and the reply arrives', async (ctx) => {
    requireRaw(ctx);
    using sender = RawSocket.open({ family: 4, protocol: ICMP, hdrincl: true });
    using watcher = RawSocket.open({ family: 4, protocol: ICMP });
    expect(sender.hdrincl).toBe(true);
    const id = freshId();
    // Every field Linux could rewrite (checksum, total length, id, source) is set correctly and non-zero.
    const packet = ipv4Packet({
      src: [127, 0, 0, 1],
      dst: [127, 0, 0, 1],
      protocol: ICMP,
      id: (id ^ 0x5a5a) || 1,
      ttl: 61,
      payload: icmpEcho({ id, seq: 7 }),
    });
    const seenRequest = first(watcher, (d) => isEcho(d, 8, id, 7));
    const seenReply = first(watcher, (d) => isEcho(d, 0, id, 7));
    expect(sender.send(packet, '127.0.0.1')).toBe(packet.length);
    const req = await seenRequest;
    expect(req, 'request seen by the second socket').toBeDefined();
    expect(Buffer.compare(req!.bytes, packet)).toBe(0);
    expect(await seenReply, 'echo reply').toBeDefined();
  });

  it('IPv6: an ICMPv6 echo request to ::1 (kernel computes the checksum) gets an echo reply (type 129)', async (ctx) => {
    requireRaw(ctx);
    using sock = RawSocket.open({ family: 6, protocol: ICMPV6 });
    const id = freshId();
    const request = icmpEcho({ type: 128, id, seq: 3, checksum: false });
    const reply = first(sock, (d) => isEcho(d, 129, id, 3));
    expect(sock.send(request, '::1')).toBe(request.length);
    const d = await reply;
    expect(d, 'echo reply').toBeDefined();
    expect(d!.family).toBe(6);
    expect(d!.includesIpHeader).toBe(false); // IPv6 raw sockets deliver only the ICMPv6 message
    expect(d!.from).toBe('::1');
    expect(d!.bytes.subarray(8)).toEqual(request.subarray(8));
  });

  it('IPv6 with IPV6_HDRINCL (Linux): the header built here goes out as is, the payload is seen intact, the reply arrives', async (ctx) => {
    requireRaw(ctx);
    if (process.platform !== 'linux') ctx.skip('IPV6_HDRINCL is Linux-only');
    using sender = RawSocket.open({ family: 6, protocol: ICMPV6, hdrincl: true });
    using watcher = RawSocket.open({ family: 6, protocol: ICMPV6 });
    const id = freshId();
    const loopback = new Uint8Array(16);
    loopback[15] = 1;
    const packet = ipv6IcmpPacket({ src: loopback, dst: loopback, icmp: icmpEcho({ type: 128, id, seq: 9, checksum: false }) });
    const seenRequest = first(watcher, (d) => isEcho(d, 128, id, 9));
    const seenReply = first(watcher, (d) => isEcho(d, 129, id, 9));
    expect(sender.send(packet, '::1')).toBe(packet.length);
    const req = await seenRequest;
    expect(req?.includesIpHeader).toBe(false);
    expect(req && Buffer.compare(req.bytes, packet.subarray(40))).toBe(0);
    expect(await seenReply, 'echo reply').toBeDefined();
  });

  it('sendMany sends a batch (sendmmsg on Linux) and every request is answered', async (ctx) => {
    requireRaw(ctx);
    using sock = RawSocket.open({ family: 4, protocol: ICMP });
    const id = freshId();
    const seqs = [11, 12, 13, 14, 15];
    const pending = new Set(seqs);
    const done = (async () => {
      for await (const d of sock.receive({ timeoutMs: 2000, filter: (d) => isEcho(d, 0, id) })) {
        pending.delete(d.bytes.readUInt16BE(icmpOffset(d) + 6));
        if (pending.size === 0) break;
      }
    })();
    const sent = sock.sendMany(seqs.map((seq) => ({ bytes: icmpEcho({ id, seq }), destination: '127.0.0.1' })));
    expect(sent).toBe(seqs.length);
    await done;
    expect([...pending]).toEqual([]);
  });

  it('sendMany over IPv6 (::1): every ICMPv6 echo request is answered', async (ctx) => {
    requireRaw(ctx);
    using sock = RawSocket.open({ family: 6, protocol: ICMPV6 });
    const id = freshId();
    const seqs = [21, 22, 23];
    const pending = new Set(seqs);
    const done = (async () => {
      for await (const d of sock.receive({ timeoutMs: 2000, filter: (d) => isEcho(d, 129, id) })) {
        pending.delete(d.bytes.readUInt16BE(6));
        if (pending.size === 0) break;
      }
    })();
    expect(sock.sendMany(seqs.map((seq) => ({ bytes: icmpEcho({ type: 128, id, seq, checksum: false }), destination: '::1' })))).toBe(3);
    await done;
    expect([...pending]).toEqual([]);
  });

  it('sendMany splits batches larger than one sendmmsg (1024) and the kernel counts every datagram (own network namespace)', async (ctx) => {
    requireRaw(ctx);
    const built = await buildTransportForChild();
    try {
      const script = join(built.dir, 'batch.mjs');
      // Runs inside a fresh network namespace (unshare --net): nothing else sends there, so
      // the namespace's IP counters move by exactly what this script sends. Quiet protocol 253,
      // alternating between two loopback addresses so each packet uses its own sockaddr.
      writeFileSync(
        script,
        `import { readFileSync } from 'node:fs';
import { RawSocket } from './src/transport/index.js';
const snmp = (proto) => {
  const [names, values] = readFileSync('/proc/net/snmp', 'utf8').split('\\n').filter((l) => l.startsWith(proto + ':'));
  const v = values.split(' ');
  return Object.fromEntries(names.split(' ').map((k, i) => [k, Number(v[i])]));
};
const counters = () => ({ ip: snmp('Ip'), icmp: snmp('Icmp') });
const N = 2500;
const packets = Array.from({ length: N }, (_, i) => ({ bytes: new Uint8Array([i & 255, i >> 8]), destination: i % 2 ? '127.0.0.1' : '127.0.0.2' }));
const s = RawSocket.open({ family: 4, protocol: 253 });
const before = counters();
const sent = s.sendMany(packets);
const after = counters();
s.close();
// The kernel answers datagrams the full receive queue could not take with ICMP protocol
// unreachable; those ICMP messages are counted by Ip too, so take them out.
const out = after.ip.OutRequests - before.ip.OutRequests - (after.icmp.OutMsgs - before.icmp.OutMsgs);
const received = after.ip.InReceives - before.ip.InReceives - (after.icmp.InMsgs - before.icmp.InMsgs);
console.log(JSON.stringify({ sent, out, received }));
`,
      );
      const run = spawnSync('unshare', ['--net', 'sh', '-c', `ip link set lo up && exec "${process.execPath}" batch.mjs`], {
        cwd: built.dir,
        encoding: 'utf8',
        timeout: 20_000,
      });
      if (run.error || (run.status !== 0 && /unshare|Operation not permitted/.test(run.stderr))) {
        ctx.skip(`cannot create a network namespace: ${run.error?.message ?? run.stderr}`);
      }
      expect(run.status, run.stderr).toBe(0);
      expect(JSON.parse(run.stdout.trim())).toEqual({ sent: 2500, out: 2500, received: 2500 });
    } finally {
      built.cleanup();
    }
  });

  it('a connected socket sends without a destination and only hears its peer', async (ctx) => {
    requireRaw(ctx);
    using sock = RawSocket.open({ family: 4, protocol: ICMP, connect: '127.0.0.1', bind: '127.0.0.1', ttl: 32, tos: 0 });
    const id = freshId();
    const reply = first(sock, (d) => isEcho(d, 0, id, 2));
    sock.send(icmpEcho({ id, seq: 2 }));
    const d = await reply;
    expect(d?.from).toBe('127.0.0.1');
  });
});

describe('RawSocket: receive slots', () => {
  it('sockets opened one after another reuse the receive slots of closed ones, and never read stale bytes from them', async (ctx) => {
    requireRaw(ctx);
    // Protocol 253 (RFC 3692 experimentation) on 127.0.0.1: a long datagram fills a slot, then a
    // short one must come back exactly (the slots are not zeroed between sockets).
    const datagram = (id: number, size: number, fill: number) =>
      ipv4Packet({ src: [127, 0, 0, 1], dst: [127, 0, 0, 1], protocol: 253, id, ttl: 64, payload: new Uint8Array(size).fill(fill) });
    using sender = RawSocket.open({ family: 4, protocol: 253, hdrincl: true });
    const before = MmsgReceiver.made;
    for (let round = 0; round < 20; round++) {
      const id = freshId();
      const size = round % 2 ? 8 : 1400;
      const sent = datagram(id, size, round);
      const sock = RawSocket.open({ family: 4, protocol: 253 });
      try {
        const got = first(sock, (d) => d.bytes.length >= 6 && ((d.bytes[4] << 8) | d.bytes[5]) === id);
        sender.send(sent, '127.0.0.1');
        const d = await got;
        expect(d, `round ${round}`).toBeDefined();
        expect(Buffer.from(d!.bytes.subarray(20)).equals(Buffer.from(sent.subarray(20)))).toBe(true);
        expect(d!.bytes.length).toBe(sent.length);
      } finally {
        sock.close();
      }
    }
    // Twenty sockets, one after another: a few receivers at most, not one each.
    expect(MmsgReceiver.made - before).toBeLessThanOrEqual(2);
  });
});

describe('RawSocket: arguments', () => {
  it('rejects bad options and addresses before any system call', (ctx) => {
    requireRaw(ctx);
    expect(() => RawSocket.open({ family: 5 as 4, protocol: 1 })).toThrow(TransportArgumentError);
    expect(() => RawSocket.open({ family: 4, protocol: 256 })).toThrow(/protocol: 256 is not allowed/);
    expect(() => RawSocket.open({ family: 4, protocol: 1, ttl: 0 })).toThrow(/ttl/);
    expect(() => RawSocket.open({ family: 4, protocol: 1, hopLimit: 5 })).toThrow(/IPv6 sockets only/);
    using sock = RawSocket.open({ family: 4, protocol: ICMP });
    expect(() => sock.send(icmpEcho({ id: 1, seq: 1 }), '::1')).toThrow(/the socket is IPv4/);
    expect(() => sock.send(icmpEcho({ id: 1, seq: 1 }), '127.0.0.256')).toThrow(TransportArgumentError);
  });

  it('send after close throws EBADF; close is idempotent', (ctx) => {
    requireRaw(ctx);
    const sock = RawSocket.open({ family: 4, protocol: ICMP });
    sock.close();
    sock.close();
    expect(sock.closed).toBe(true);
    expect(sock.fd).toBe(-1);
    const err = (() => {
      try {
        sock.send(icmpEcho({ id: 1, seq: 1 }), '127.0.0.1');
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(TransportError);
    expect((err as TransportError).errnoName).toBe('EBADF');
  });
});
