/**
 * docs/writing-a-transport.md is true: its example transport (examples/udp-tunnel-transport.ts,
 * which the guide shows verbatim: mirrors.test.ts) keeps the Transport contract the guide
 * states, checked against real UDP sockets on 127.0.0.1 (no privileges needed): the bytes that
 * arrive are the packet as built, receive() listens from the call and honours filter, count,
 * timeoutMs and close(), and request() / requestMany() work through it.
 */
import { createSocket, type Socket } from 'node:dgram';
import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { P } from 'ts-pattern';
import { decode, ipv4, request, requestMany, TransportClosedError, type DecodedPacket } from '../../src/index.js';
import { UdpTunnelTransport } from '../../examples/udp-tunnel-transport.js';

const open: { close(): unknown }[] = [];
afterEach(async () => {
  for (const x of open.splice(0)) await x.close();
});

async function udpPeer(): Promise<{ socket: Socket; port: number; got: Buffer[]; from: () => number }> {
  const socket = createSocket('udp4');
  socket.bind(0, '127.0.0.1');
  await once(socket, 'listening');
  const got: Buffer[] = [];
  let fromPort = 0;
  socket.on('message', (m, rinfo) => {
    got.push(m);
    fromPort = rinfo.port;
  });
  open.push({ close: () => socket.close() });
  return { socket, port: socket.address().port, got, from: () => fromPort };
}

async function tunnelTo(port: number): Promise<UdpTunnelTransport> {
  const t = await UdpTunnelTransport.open({ address: '127.0.0.1', port: 0 }, { address: '127.0.0.1', port });
  open.push(t);
  return t;
}

const until = async (cond: () => boolean) => {
  for (let i = 0; i < 200 && !cond(); i++) await new Promise((r) => setTimeout(r, 5));
};

describe('the transport of docs/writing-a-transport.md', () => {
  it('sends each packet as built: builder steps, bytes and framed bytes arrive byte for byte', async () => {
    const peer = await udpPeer();
    const t = await tunnelTo(peer.port);
    const step = ipv4({ src: '192.0.2.1', dst: '198.51.100.2', id: 5 }).udp({ srcPort: 1, dstPort: 2 }).payload('x');
    const r = await t.send(step);
    expect(r).toMatchObject({ destination: '198.51.100.2', family: 4, sentBytes: 29, notHonoured: [] });
    await t.send(step.encode());
    await t.send({ bytes: step.encode(), firstLayer: 'ipv4' });
    const many = await t.sendMany([step, step]);
    expect(many).toMatchObject({ sent: 2, bytes: 58 });
    await until(() => peer.got.length === 5);
    expect(peer.got.map((b) => b.toString('hex'))).toEqual(Array(5).fill(step.encode().toString('hex')));
  });

  it('receive() listens from the call, decodes, and honours filter (predicate and pattern), count and timeoutMs', async () => {
    const peer = await udpPeer();
    const t = await tunnelTo(peer.port);
    const echo = (seq: number) => ipv4({ src: '192.0.2.1', dst: '192.0.2.2' }).icmp({ type: 'echo-request', id: 1, seq }).encode();
    const byPredicate = t.receive({ count: 2, filter: (p: DecodedPacket) => p.layers[1]?.layer === 'icmp' && (p.layers[1].fields.seq ?? 1) % 2 === 0 });
    const byPattern = t.receive({ count: 1, filter: { layers: [{ layer: 'ipv4' }, { layer: 'icmp', fields: { seq: 3 } }, ...P.array()] } });
    const quiet = t.receive({ timeoutMs: 300 });
    // Sent before any next(): receive() must already be listening.
    for (const seq of [1, 2, 3, 4]) peer.socket.send(echo(seq), t.port, '127.0.0.1');
    const seqs = async (it: AsyncIterable<{ packet: DecodedPacket }>) => {
      const out: number[] = [];
      for await (const p of it) out.push(p.packet.layers[1]?.layer === 'icmp' ? (p.packet.layers[1].fields.seq ?? -1) : -1);
      return out;
    };
    expect(await seqs(byPredicate)).toEqual([2, 4]);
    expect(await seqs(byPattern)).toEqual([3]);
    const started = Date.now();
    expect(await seqs(quiet)).toEqual([1, 2, 3, 4]);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('close() ends a pending receive, and a closed transport refuses with TransportClosedError', async () => {
    const peer = await udpPeer();
    const t = await tunnelTo(peer.port);
    const pending = (async () => {
      for await (const _ of t.receive()) void _;
      return 'ended';
    })();
    await new Promise((r) => setTimeout(r, 50));
    await t.close();
    expect(await pending).toBe('ended');
    expect(t.closed).toBe(true);
    await expect(t.send(new Uint8Array([0x45]))).rejects.toBeInstanceOf(TransportClosedError);
    await t.close(); // idempotent
  });

  it('request() and requestMany() match answers through it', async () => {
    const peer = await udpPeer();
    const t = await tunnelTo(peer.port);
    // The peer answers every echo request, through the tunnel, as a host would.
    peer.socket.on('message', (bytes) => {
      const [ip, icmp] = decode(bytes, { mode: 'lax' }).layers;
      if (ip?.layer !== 'ipv4' || icmp?.layer !== 'icmp' || icmp.fields.type !== 'echo-request') return;
      peer.socket.send(ipv4({ src: ip.fields.dst, dst: ip.fields.src }).icmp({ type: 'echo-reply', id: icmp.fields.id, seq: icmp.fields.seq }).encode(), t.port, '127.0.0.1');
    });
    const one = await request(t, ipv4({ src: '192.0.2.1', dst: '198.51.100.7' }).icmp({ type: 'echo-request', id: 9, seq: 1 }), { timeoutMs: 2000 });
    expect(one.status).toBe('answered');
    if (one.status === 'answered') expect(one.rttMs).toBeGreaterThanOrEqual(0);
    const many = await requestMany(t, [1, 2, 3].map((seq) => ipv4({ src: '192.0.2.1', dst: '198.51.100.7' }).icmp({ type: 'echo-request', id: 10, seq })), { timeoutMs: 1000 });
    expect(many.answered.map((a) => a.index)).toEqual([0, 1, 2]);
    expect(many.unanswered).toEqual([]);
  });
});
