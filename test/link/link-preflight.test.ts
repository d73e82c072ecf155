/**
 * The link transport's pre-flight rules against the kernel, between two namespaces this test
 * creates (veth-pair.ts): every frame a rule calls an error is refused by the kernel when sent
 * anyway, every other one leaves (MTU boundary with and without an 802.1Q tag, a frame shorter
 * than an Ethernet header, an interface down, no carrier, no CAP_NET_RAW); short frames arrive
 * padded to 60 bytes by default and as built with pad: false, seen by tcpdump on the other end.
 *
 * Needs root (namespaces, libpcap): skipped without, failing with CI=true.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readCapture } from '../../src/index.js';
import { ROOT } from '../transport/helpers.js';
import { linkFixture, PAIR, runInNs } from './veth-pair.js';

const INDEX = JSON.stringify(join(ROOT, 'dist', 'src', 'index.js'));

/** Frames of argv's sizes on argv[2]: the findings pre-flight has for each, then what the kernel did with it. */
const JUDGE = `import { preflightLink, PcapHandle } from ${INDEX};
const [iface, dstMac, ...sizes] = process.argv.slice(2);
const mac = Buffer.from(dstMac.replace(/:/g, ''), 'hex');
const out = [];
let handle;
try { handle = PcapHandle.open(iface, { filter: 'less 1' }); } catch (e) { out.push({ open: e.code }); }
for (const spec of sizes) {
  const [size, tag] = spec.split('/');
  const frame = Buffer.alloc(Number(size), 0x5a);
  if (frame.length >= 12) { mac.copy(frame, 0); mac.copy(frame, 6); }
  if (tag === 'q' && frame.length >= 18) frame.writeUInt32BE(0x81000005, 12), frame.writeUInt16BE(0x88b5, 16);
  else if (frame.length >= 14) frame.writeUInt16BE(0x88b5, 12);
  const findings = preflightLink(frame, { interface: iface, link: { pad: false } }).map((f) => f.severity + ' ' + f.code);
  let sent;
  try { sent = handle ? handle.inject(frame) : 'not open'; } catch (e) { sent = e.code + ': ' + e.detail; }
  out.push({ spec, findings, sent });
}
handle?.close();
console.log(JSON.stringify(out));
`;

/** The transport refuses what pre-flight calls an error, and makes the call when forced. */
const TRANSPORT = `import { openLinkTransport } from ${INDEX};
const [iface] = process.argv.slice(2);
const t = openLinkTransport({ interface: iface });
const big = { bytes: Buffer.alloc(1515, 0x5a), firstLayer: 'ethernet' };
const out = {};
try { await t.send(big); out.plain = 'sent'; } catch (e) { out.plain = e.code + ' ' + e.findings?.map((f) => f.code).join(','); }
try { await t.send(big, { force: true }); out.forced = 'sent'; } catch (e) { out.forced = e.code + ' ' + e.detail; }
await t.close();
console.log(JSON.stringify(out));
`;

/** One 20-byte frame padded (the default) and one sent short (pad: false). */
const RUNTS = `import { openLinkTransport } from ${INDEX};
const [iface, dstMac, srcMac] = process.argv.slice(2);
const frame = Buffer.concat([Buffer.from(dstMac.replace(/:/g, '') + srcMac.replace(/:/g, '') + '88b5', 'hex'), Buffer.from('runt!!')]);
const results = [];
for (const pad of [true, false]) {
  const t = openLinkTransport({ interface: iface, pad });
  const r = await t.send({ bytes: frame, firstLayer: 'ethernet' });
  results.push({ length: r.bytes.length, notHonoured: r.notHonoured.map((n) => n.layer + '.' + n.field) });
  await t.close();
}
console.log(JSON.stringify(results));
`;

const { guard } = linkFixture({ 'judge.mjs': JUDGE, 'transport.mjs': TRANSPORT, 'runts.mjs': RUNTS }, ['tcpdump', 'setpriv']);

interface Judged {
  readonly spec?: string;
  readonly findings?: string[];
  readonly sent?: number | string;
  readonly open?: string;
}

async function judge(ns: string, dir: string, iface: string, mac: string, sizes: string[], prefix: string[] = []): Promise<Judged[]> {
  const r = await runInNs(ns, [...prefix, process.execPath, join(dir, 'judge.mjs'), iface, mac, ...sizes]).done;
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as Judged[];
}

const ip = (args: string[]) => expect(spawnSync('ip', args, { encoding: 'utf8' }).status).toBe(0);

/** Wait until the kernel reports `state` for the interface (carrier changes reach operstate a moment later, via linkwatch). */
async function operstate(ns: string, iface: string, state: RegExp): Promise<void> {
  for (let i = 0; i < 100 && !state.test(spawnSync('ip', ['-n', ns, '-o', 'link', 'show', iface], { encoding: 'utf8' }).stdout); i++) await new Promise((resolve) => setTimeout(resolve, 50));
}

describe('link pre-flight agrees with the kernel', () => {
  it('the MTU (1500 + 14, 4 more with an 802.1Q tag) and the Ethernet header: errors where the kernel refuses, none where it sends', async (ctx) => {
    const { pair, dir } = guard(ctx);
    const judged = await judge(pair.x, dir, PAIR.xIf, pair.yMac, ['1514', '1515', '1518/q', '1519/q', '14', '13']);
    const byCase = Object.fromEntries(judged.map((j) => [j.spec, j]));
    expect(byCase['1514'].findings).toEqual([]);
    expect(byCase['1514'].sent).toBe(1514);
    expect(byCase['1515'].findings).toEqual(['error LINK_FRAME_TOO_LARGE']);
    expect(byCase['1515'].sent).toMatch(/Message too long/);
    expect(byCase['1518/q'].findings).toEqual([]);
    expect(byCase['1518/q'].sent).toBe(1518);
    expect(byCase['1519/q'].findings).toEqual(['error LINK_FRAME_TOO_LARGE']);
    expect(byCase['1519/q'].sent).toMatch(/Message too long/);
    // Short ones: a warning (sent as a runt with pad: false), and an error under 14 bytes.
    expect(byCase['14'].findings).toEqual(['warning LINK_FRAME_SHORT']);
    expect(byCase['14'].sent).toBe(14);
    expect(byCase['13'].findings).toEqual(['error LINK_FRAME_NO_HEADER']);
    expect(byCase['13'].sent).toMatch(/E_LINK/);
  });

  it('the transport refuses an over-MTU frame before the system call, and makes it when forced', async (ctx) => {
    const { pair, dir } = guard(ctx);
    const r = await runInNs(pair.x, [process.execPath, join(dir, 'transport.mjs'), PAIR.xIf]).done;
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ plain: 'E_PREFLIGHT LINK_FRAME_TOO_LARGE', forced: expect.stringMatching(/^E_LINK .*Message too long/) });
  });

  it('an interface down is an error the kernel confirms; no carrier is a warning, and the frame is taken', async (ctx) => {
    const { pair, dir } = guard(ctx);
    try {
      ip(['-n', pair.y, 'link', 'set', PAIR.yIf, 'down']);
      await operstate(pair.x, PAIR.xIf, /state (LOWERLAYER)?DOWN/);
      const noCarrier = await judge(pair.x, dir, PAIR.xIf, pair.yMac, ['100']);
      expect(noCarrier).toEqual([{ spec: '100', findings: ['warning LINK_INTERFACE_DOWN'], sent: 100 }]);
      ip(['-n', pair.x, 'link', 'set', PAIR.xIf, 'down']);
      const down = await judge(pair.x, dir, PAIR.xIf, pair.yMac, ['100']);
      const failure = JSON.stringify(down);
      expect(down.find((j) => j.spec === '100')?.findings).toEqual(['error LINK_INTERFACE_DOWN']);
      // libpcap refuses to open it, or the send fails: either way with the kernel's "down".
      expect(failure).toMatch(/E_LINK_DOWN|Network is down/);
    } finally {
      ip(['-n', pair.x, 'link', 'set', PAIR.xIf, 'up']);
      ip(['-n', pair.y, 'link', 'set', PAIR.yIf, 'up']);
      await operstate(pair.x, PAIR.xIf, /state UP/);
    }
  });

  it('without CAP_NET_RAW: LINK_CAP_NET_RAW, and libpcap is refused', async (ctx) => {
    const { pair, dir } = guard(ctx);
    // Root without CAP_NET_RAW in its bounding set: exec leaves it out of the effective set.
    const judged = await judge(pair.x, dir, PAIR.xIf, pair.yMac, ['100'], ['setpriv', '--bounding-set', '-net_raw', '--inh-caps', '-net_raw']);
    expect(judged[0]).toEqual({ open: 'E_LINK_PERMISSION' });
    expect(judged[1].findings).toEqual(['error LINK_CAP_NET_RAW']);
  });

  it('a short frame arrives padded to 60 bytes by default and as built with pad: false (tcpdump on the other end)', async (ctx) => {
    const { pair, dir } = guard(ctx);
    const file = join(dir, 'runts.pcap');
    const lines: string[] = [];
    const tcpdump = runInNs(pair.y, ['tcpdump', '-i', PAIR.yIf, '-U', '-w', file, '-c', '2', `ether src ${pair.xMac} and ether proto 0x88b5`], 20_000, (l) => lines.push(l));
    while (!lines.length) await new Promise((resolve) => setTimeout(resolve, 20));
    const r = await runInNs(pair.x, [process.execPath, join(dir, 'runts.mjs'), PAIR.xIf, pair.yMac, pair.xMac]).done;
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual([
      { length: 60, notHonoured: ['ethernet.pad'] },
      { length: 20, notHonoured: [] },
    ]);
    expect((await tcpdump.done).status).toBe(0);
    const seen = [];
    for await (const record of readCapture(file)) seen.push(Buffer.from(record.data).toString('hex'));
    const built = `${pair.yMac}${pair.xMac}`.replace(/:/g, '') + '88b5' + Buffer.from('runt!!').toString('hex');
    expect(seen).toEqual([built + '00'.repeat(40), built]);
  });

  it('send --transport link: a frame over the MTU counts as failed (E_PREFLIGHT) in every repeat, the others go out', async (ctx) => {
    const { pair } = guard(ctx);
    // Hex through the link transport is a frame of --iface's link type (link-cli.test.ts checks
    // destination MACs that begin with 4 and 6); the broadcast address keeps it off any host.
    const head = `ffffffffffff${pair.xMac}`.replace(/:/g, '') + '88b5';
    const small = head + '5a'.repeat(46);
    const big = head + '5a'.repeat(1600);
    const r = await runInNs(pair.x, [process.execPath, join(ROOT, 'dist', 'src', 'cli', 'main.js'), 'send', '--hex', small, '--hex', big, '--transport', 'link', '--iface', PAIR.xIf, '--count', '3', '--json']).done;
    expect(r.status).toBe(1);
    expect(JSON.parse(r.stdout.trim().split('\n').pop()!)).toMatchObject({ sent: 3, failed: 3, failures: { E_PREFLIGHT: 3 } });
    expect(r.stderr).toMatch(/LINK_FRAME_TOO_LARGE/);
  });
});
