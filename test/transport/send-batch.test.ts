/**
 * The batched send path: sendmmsg slots prepared once and rewritten only when their packet
 * changes, and pre-flight decided once per packet object in Transport.sendMany. What must hold:
 * every datagram arrives with its own bytes, in order, however the same objects are mixed and
 * repeated across calls; and the findings and notes are the same as one send() per packet.
 * Loopback only (127.0.0.1), the ordering check inside a fresh network namespace.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ipv4, packet } from '../../src/builders/packet.js';
import { openTransport, RawSocket } from '../../src/transport/index.js';
import { PreflightError } from '../../src/transport/preflight/preflight.js';
import { fdCount, freshId, requireRaw, ROOT } from './helpers.js';
import { cli, ensureBuilt } from './built-cli.js';

beforeAll(ensureBuilt, 200_000);

const INDEX = JSON.stringify(join(ROOT, 'dist', 'src', 'index.js'));

/**
 * Inside `unshare --net`: five datagrams of different lengths (protocol 253, tagged by their
 * first payload byte) mixed at random into batches, sent by RawSocket.sendMany and by
 * Transport.sendMany, several calls each (so slots are reused with other packets); a raw socket
 * for 253 reads them back; then datagrams changed in place between calls are sent again (a slot
 * pointing at one, or holding a copy, must send the new bytes). Prints what was sent (first
 * payload byte / length at the time of sending) and what was received, in order.
 */
const ORDER = `import { RawSocket, openTransport, ipv4 } from ${INDEX};
const objects = [0, 1, 2, 3, 4].map((tag) => ipv4({ src: '127.0.0.1', dst: '127.0.0.1', id: tag + 1, protocol: 253 }).payload(new Uint8Array(10 + tag * 7).fill(tag)).encode());
let seed = 7;
const random = () => ((seed = (seed * 1103515245 + 12345) >>> 0) % 5);
const listener = RawSocket.open({ family: 4, protocol: 253, receiveBufferSize: 8 << 20 });
const socket = RawSocket.open({ family: 4, protocol: 255 });
const transport = openTransport({ kind: 'raw' });
// A datagram is known by its first payload byte and its length, as they are when it is sent.
const sent = [];
const received = [];
const TOTAL = 9000 + 8;
// Read while sending (between calls), so the receive queue never has to hold more than one call.
const reading = (async () => {
  for await (const d of listener.receive({ timeoutMs: 5000 })) {
    received.push(d.bytes[20] + '/' + d.bytes.length);
    if (received.length === TOTAL) break;
  }
})();
const send = async (call, tags) => {
  sent.push(...tags.map((t) => objects[t][20] + '/' + objects[t].length));
  if (call % 2) socket.sendMany(tags.map((t) => ({ bytes: objects[t], destination: '127.0.0.1' })));
  else await transport.sendMany(tags.map((t) => objects[t]));
  while (received.length < sent.length) await new Promise((resolve) => setTimeout(resolve, 5));
};
for (let call = 0; call < 6; call++) {
  // Runs of one object, then single ones: slots keep a packet (or a copy of it), then change.
  await send(call, Array.from({ length: 1500 }, (_, i) => (i < 700 ? call % 5 : random())));
}
// Changed in place between calls: a slot that pointed at it, or held a copy of it, must send the new bytes.
for (let call = 6; call < 8; call++) {
  objects[call - 6][20] = 200 + call;
  objects[2][20] = 100 + call;
  await send(call, [call - 6, call - 6, 2, 3]);
}
await reading;
socket.close();
listener.close();
await transport.close();
console.log(JSON.stringify({ sent, received }));
`;

describe('batched sending', () => {
  it('every datagram arrives with its own bytes, in order, with slots reused across calls (own network namespace)', async (ctx) => {
    requireRaw(ctx);
    const dir = mkdtempSync(join(tmpdir(), 'rawcraft-batch-'));
    try {
      writeFileSync(join(dir, 'order.mjs'), ORDER);
      const run = spawnSync('unshare', ['--net', 'sh', '-c', `ip link set lo up && exec "${process.execPath}" order.mjs`], { cwd: dir, encoding: 'utf8', timeout: 30_000 });
      if (run.error || (run.status !== 0 && /unshare|Operation not permitted/.test(run.stderr))) {
        if (process.env.CI === 'true') throw new Error(`cannot create a network namespace: ${run.error?.message ?? run.stderr}`);
        ctx.skip(`cannot create a network namespace: ${run.error?.message ?? run.stderr}`);
      }
      expect(run.status, run.stderr).toBe(0);
      const { sent, received } = JSON.parse(run.stdout) as { sent: string[]; received: string[] };
      expect(sent.length).toBe(9008);
      expect(sent.slice(-8)).toEqual(['206/30', '206/30', '106/44', '3/51', '207/37', '207/37', '107/44', '3/51']);
      expect(received).toEqual(sent);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('findings and notes for repeated packet objects are those of one send() per packet (to 127.0.0.1)', async (ctx) => {
    requireRaw(ctx);
    // A Windows server context: raw TCP draws a warning there, which does not block.
    await using t = openTransport({ kind: 'raw', context: { platform: 'windows-server-2022', privileges: true, interfaces: ['127.0.0.1/8'] } });
    const syn = ipv4({ src: '127.0.0.1', dst: '127.0.0.1', id: freshId() }).tcp({ srcPort: 41000, dstPort: 9 }).encode();
    const echo = ipv4({ src: '127.0.0.1', dst: '127.0.0.1', id: freshId() }).icmp({ type: 'echo-request', id: 3, seq: 1 }).encode();
    const lying = { bytes: ipv4({ src: '127.0.0.1', dst: '127.0.0.1', id: freshId(), protocol: 254, totalLength: 99 }).payload('x').encode(), firstLayer: 'ipv4' };
    // A builder step given twice is decided once too: its findings still come for each index.
    const step = ipv4({ src: '127.0.0.1', dst: '127.0.0.1', id: freshId() }).tcp({ srcPort: 41002, dstPort: 9 });
    const batch = [syn, echo, syn, syn, lying, echo, lying, step, step];
    const many = await t.sendMany(batch);
    const one = [];
    for (const p of batch) one.push(await t.send(p));
    expect(many.sent).toBe(batch.length);
    expect(many.findings).toEqual(one.flatMap((r, index) => (r.findings ?? []).map((f) => ({ ...f, index }))));
    expect(many.notHonoured).toEqual(one.flatMap((r, index) => r.notHonoured.map((n) => ({ ...n, index }))));
    expect(many.findings?.map((f) => f.index)).toEqual([0, 2, 3, 7, 8]);
    expect(many.notHonoured.map((n) => [n.index, n.field])).toEqual([[4, 'totalLength'], [6, 'totalLength']]);
  });

  it('a refused packet object repeated in a batch is refused at its first place, before anything is sent', async () => {
    await using t = openTransport({ kind: 'raw', context: { platform: 'windows-11', privileges: true, interfaces: ['127.0.0.1/8'] } });
    const syn = ipv4({ src: '127.0.0.1', dst: '127.0.0.1', id: freshId() }).tcp({ srcPort: 41001, dstPort: 9 }).encode();
    const echo = ipv4({ src: '127.0.0.1', dst: '127.0.0.1', id: freshId() }).icmp({ type: 'echo-request', id: 4, seq: 1 }).encode();
    const error = await t.sendMany([echo, echo, syn, echo, syn]).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(PreflightError);
    expect((error as PreflightError).index).toBe(2);
  });

  it('rawcraft send FILE --count N sends in chunks: a refused packet fails in every repeat, the others all go (to 127.0.0.1)', (ctx) => {
    requireRaw(ctx);
    const ok = (n: number) => ipv4({ src: '127.0.0.1', dst: '127.0.0.1' }).udp({ dstPort: 9 }).payload(new Uint8Array(n).fill(0xab)).encode().toString('hex');
    // A source on no local interface: Windows 10 drops such UDP datagrams, so pre-flight refuses it (it is never sent).
    const foreign = ipv4({ src: '192.0.2.9', dst: '127.0.0.1' }).udp({ dstPort: 9 }).payload(new Uint8Array([1])).encode().toString('hex');
    const dir = mkdtempSync(join(tmpdir(), 'rawcraft-batch-cli-'));
    try {
      const file = join(dir, 'four.hex');
      writeFileSync(file, [ok(1), ok(2), foreign, ok(3)].join('\n') + '\n');
      // 12,000 packets: calls of 1024 rounds of the input (4096 packets), the last one shorter.
      const r = cli(['send', file, '--count', '3000', '--platform', 'windows-10', '--json']);
      expect(r.status).toBe(1);
      expect(JSON.parse(r.stdout)).toMatchObject({ sent: 9000, failed: 3000, failures: { E_PREFLIGHT: 3000 }, bytes: 3000 * (29 + 30 + 31) });
      expect(r.stderr).toMatch(/^rawcraft: send: packet 2: pre-flight refused .*WIN_UDP_SOURCE_NOT_LOCAL/m);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('Transport.prepare (raw): what a send does before its first system call, nothing sent', () => {
  it('opens the socket of each distinct packet and sends none; a packet pre-flight refuses is skipped; the sends after it open nothing more (to 127.0.0.1 and ::1)', async (ctx) => {
    requireRaw(ctx);
    const id = freshId();
    const v4 = ipv4({ src: '127.0.0.1', dst: '127.0.0.1', id, protocol: 253 }).payload('prepared').encode();
    // IPv6 without header inclusion: a second socket, for protocol 253.
    const v6 = packet().ipv6({ src: '::1', dst: '::1', nextHeader: 253 }).payload('prepared').encode();
    // IHL 4: pre-flight refuses it (LINUX_HDRINCL_HEADER).
    const refused = Buffer.from(v4);
    refused[0] = 0x44;
    using listener = RawSocket.open({ family: 4, protocol: 253 });
    const ours = async (ms: number) => {
      let n = 0;
      for await (const d of listener.receive({ timeoutMs: ms })) if (d.bytes.readUInt16BE(4) === id) n++;
      return n;
    };
    await using t = openTransport({ kind: 'raw' });
    const fds = fdCount();
    await t.prepare!([v4, refused, v4, v6, v6]);
    expect(fdCount()).toBe(fds + 2);
    expect(await ours(150)).toBe(0);
    const r = await t.sendMany([v4, v6, v4]);
    expect(r.sent).toBe(3);
    expect(fdCount()).toBe(fds + 2);
    expect(await ours(500)).toBe(2);
  });
});
