/**
 * Proof against a real receiver (issue 3): a fragmented ICMP echo sent through the raw
 * transport to 127.0.0.1 and to ::1 is reassembled by the Linux kernel, which answers it.
 * The reply can only come if every fragment was well formed and the reassembled datagram's
 * checksum verified. Loopback only. Needs CAP_NET_RAW: skips without it, fails under CI=true.
 */
import { randomInt } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { fragment, ipv4, ipv6, openTransport, type DecodedPacket } from '../../src/index.js';

const PAYLOAD = Buffer.alloc(3000, 0x5a); // three-plus fragments at a 1,280-byte MTU

async function echoThroughFragments(family: 4 | 6, id: number): Promise<{ fragments: number; reply: DecodedPacket | undefined }> {
  const request =
    family === 4
      ? ipv4({ src: '127.0.0.1', dst: '127.0.0.1', id: randomInt(1, 0xffff) }).icmp({ type: 'echo-request', id, seq: 1 }).payload(PAYLOAD)
      : ipv6({ src: '::1', dst: '::1' }).icmpv6({ type: 'echo-request', id, seq: 1 }).payload(PAYLOAD);
  const pieces = fragment(request, { mtu: 1280, ...(family === 6 && { id: randomInt(1, 0xffffffff) }) });
  // IPv6 fragments carry our own Fragment header, so the IPv6 header must go out as built.
  await using transport = openTransport({ kind: 'raw', ...(family === 6 && { ipv6Hdrincl: true }) });
  const protocol = family === 4 ? 1 : 58;
  const replies = transport.receive({
    protocols: [{ family, protocol }],
    timeoutMs: 3000,
    count: 1,
    filter: (packet) =>
      packet.layers.some((l) => (l.layer === 'icmp' || l.layer === 'icmpv6') && (l.fields as { type: unknown }).type === 'echo-reply' && (l.fields as { id?: number }).id === id),
  });
  const first = replies[Symbol.asyncIterator]();
  const pending = first.next();
  // Give the listening socket a moment to open before the fragments go out.
  await new Promise((r) => setTimeout(r, 100));
  for (const piece of pieces) await transport.send(piece);
  const result = await pending;
  await first.return?.();
  return { fragments: pieces.length, reply: result.done ? undefined : result.value.packet };
}

function privileged(): boolean {
  return process.getuid?.() === 0;
}

describe('the kernel reassembles our fragments and answers', () => {
  for (const family of [4, 6] as const) {
    it(`ICMP${family === 6 ? 'v6' : ''} echo to ${family === 4 ? '127.0.0.1' : '::1'} in fragments`, async (c) => {
      if (!privileged()) {
        if (process.env.CI === 'true') throw new Error('CI=true: raw sockets need root here');
        c.skip('needs root or CAP_NET_RAW');
      }
      // Fresh identifiers each run: the kernel keeps unfinished fragment queues for 30 s and
      // would mix a previous run's fragments with ours.
      const id = randomInt(1, 0xffff);
      const { fragments, reply } = await echoThroughFragments(family, id);
      expect(fragments).toBeGreaterThanOrEqual(3);
      expect(reply, 'no echo reply: the kernel did not reassemble or accept the fragments').toBeDefined();
      const echo = reply!.layers.find((l) => l.layer === 'icmp' || l.layer === 'icmpv6')!;
      expect(echo.checksum?.status).not.toBe('invalid');
    });
  }
});
