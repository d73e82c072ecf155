/**
 * receivedAt is when a datagram arrived (the kernel's stamp on Linux), on the clock sends are
 * stamped with: a datagram left waiting in the queue keeps its arrival time, and a request's
 * round trip on loopback is the kernel's answer, not the event loop's wake-up. 127.0.0.1 only.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { ipv4 } from '../../src/builders/packet.js';
import { RawSocket, openTransport, request } from '../../src/transport/index.js';
import { nowNs } from '../../src/transport/transports/outgoing.js';
import { freshId, requireRaw } from './helpers.js';

describe('arrival times', () => {
  it.skipIf(process.platform !== 'linux')('a datagram read 300 ms after it arrived carries its arrival time, between the send and the read', async (ctx) => {
    requireRaw(ctx);
    using listener = RawSocket.open({ family: 4, protocol: 253 });
    using sender = RawSocket.open({ family: 4, protocol: 255 });
    const id = freshId();
    const frames = listener.receive({ timeoutMs: 2000, filter: (d) => d.bytes.readUInt16BE(4) === id });
    // The kernel turns receive stamping on a moment after the first socket asks (a deferred
    // static key): a datagram arriving before that is stamped when read. Give it that moment.
    await sleep(100);
    const sentAt = nowNs();
    sender.send(ipv4({ src: '127.0.0.1', dst: '127.0.0.1', id, protocol: 253 }).payload('late').encode(), '127.0.0.1');
    await sleep(300);
    const readAt = nowNs();
    const d = (await frames.next()).value;
    await frames.return(undefined);
    expect(d, 'the datagram').toBeDefined();
    expect(d!.receivedAt).toBeGreaterThanOrEqual(sentAt);
    // Arrived within 50 ms of the send (loopback), not when it was read 300 ms later.
    expect(Number(d!.receivedAt - sentAt) / 1e6).toBeLessThan(50);
    expect(Number(readAt - d!.receivedAt) / 1e6).toBeGreaterThan(250);
  });

  it('request() round trips on 127.0.0.1 are positive and below the wall time of the call', async (ctx) => {
    requireRaw(ctx);
    await using t = openTransport({ kind: 'raw' });
    const rtts: number[] = [];
    for (let seq = 0; seq < 50; seq++) {
      const started = performance.now();
      const r = await request(t, ipv4({ src: '127.0.0.1', dst: '127.0.0.1', id: freshId() }).icmp({ type: 'echo-request', id: 0x5151, seq }), { timeoutMs: 1000 });
      const wall = performance.now() - started;
      expect(r.status).toBe('answered');
      if (r.status !== 'answered') return;
      expect(r.rttMs).toBeGreaterThan(0);
      expect(r.rttMs).toBeLessThan(wall);
      rtts.push(r.rttMs);
    }
    rtts.sort((a, b) => a - b);
    // The kernel's loopback answer takes tens of microseconds; leave room for a loaded machine.
    if (process.platform === 'linux') expect(rtts[25]).toBeLessThan(1);
  });
});
