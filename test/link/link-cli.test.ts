/**
 * The link-layer commands for real, in two namespaces this test creates: `interfaces` lists
 * the veth end with its MAC, MTU, link type and addresses; `arp` gets the other kernel's answers
 * (ARP and NDP); `listen --iface --filter --out` keeps exactly the frames its kernel-side filter
 * selects from a burst, counts its drops, and writes them to a pcapng that tshark reads, checked
 * against tcpdump's capture of the same burst. `send --transport link` sends a broken packet as
 * built. Needs root: skipped without, failing with CI=true.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../transport/helpers.js';
import { linkFixture, PAIR, runInNs } from './veth-pair.js';

const CLI = join(ROOT, 'dist', 'src', 'cli', 'main.js');
const BURST = 20_000;

/** Sends BURST UDP datagrams through the link transport, alternating destination ports 9 and 10. */
const BURSTER = `import { openLinkTransport, ipv4 } from ${JSON.stringify(join(ROOT, 'dist', 'src', 'index.js'))};
const [src, dst, n] = process.argv.slice(2);
const t = openLinkTransport({});
const packets = Array.from({ length: Number(n) }, (_, i) => ipv4({ src, dst, id: (i & 0xffff) || 1 }).udp({ srcPort: 4000, dstPort: i % 2 ? 9 : 10 }).payload('burst'));
const r = await t.sendMany(packets);
await t.close();
console.log(JSON.stringify({ sent: r.sent }));
`;

const { guard } = linkFixture({ 'burster.mjs': BURSTER }, ['tcpdump', 'tshark']);

const rawcraft = (ns: string, args: string[], timeoutMs = 30_000, onLine?: (line: string) => void) => runInNs(ns, [process.execPath, CLI, ...args], timeoutMs, onLine);

describe('link-layer commands', () => {
  it('interfaces lists the veth end like tcpdump -D with ip addr', async (ctx) => {
    const { pair } = guard(ctx);
    const r = await rawcraft(pair.x, ['interfaces', '--json']).done;
    expect(r.status, r.stderr).toBe(0);
    const list = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { name: string; mac?: string; mtu?: number; linkType?: number; up?: boolean; addresses: string[] });
    expect(list.find((i) => i.name === PAIR.xIf)).toMatchObject({ mac: pair.xMac, mtu: 1500, linkType: 1, up: true, addresses: expect.arrayContaining([`${PAIR.x4}/24`, `${PAIR.x6}/64`]) });
    const text = await rawcraft(pair.x, ['interfaces']).done;
    expect(text.stdout).toMatch(new RegExp(`\\d+\\.${PAIR.xIf} \\[Up, Running\\] mtu 1500 ether ${pair.xMac} linktype 1 inet ${PAIR.x4.replace(/\./g, '\\.')}/24`));
  });

  it('arp asks the other kernel, over ARP and NDP', async (ctx) => {
    const { pair } = guard(ctx);
    for (const address of [PAIR.y4, PAIR.y6]) {
      const r = await rawcraft(pair.x, ['arp', address, '--iface', PAIR.xIf, '-c', '2', '-i', '0.05', '--json']).done;
      expect(r.status, r.stderr).toBe(0);
      const replies = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { status: string; mac: string; rttMs: number });
      expect(replies).toHaveLength(2);
      for (const reply of replies) expect(reply).toMatchObject({ status: 'reply', mac: pair.yMac });
    }
    const none = await rawcraft(pair.x, ['arp', '198.18.5.77', '--iface', PAIR.xIf, '-c', '1', '-w', '0.2']).done;
    expect(none.status).toBe(1);
    expect(none.stdout).toMatch(/1 requests sent, 0 answered/);
  });

  it('listen --filter keeps exactly what the kernel filter selects, counts drops, writes pcapng', async (ctx) => {
    const { pair, dir } = guard(ctx);
    const ours = join(dir, 'listen.pcapng');
    const theirs = join(dir, 'tcpdump.pcap');
    const ready = (child: ReturnType<typeof runInNs>, lines: string[]) => new Promise<void>((resolve) => {
      const poll = setInterval(() => (lines.length ? (clearInterval(poll), resolve()) : undefined), 20);
      void child.done.then(() => (clearInterval(poll), resolve()));
    });
    const tcpLines: string[] = [];
    const tcpdump = runInNs(pair.y, ['tcpdump', '-i', PAIR.yIf, '-B', '32768', '-U', '-w', theirs, 'udp'], 60_000, (l) => l === 'listening' && tcpLines.push(l));
    await ready(tcpdump, tcpLines);
    const listenLines: string[] = [];
    // listen prints nothing until a frame arrives: start it, give it a moment to attach its filter.
    const listen = rawcraft(pair.y, ['listen', '--iface', PAIR.yIf, '--filter', 'udp and dst port 9', '--out', ours, '--json', '--timeout', '15000', '--count', String(BURST / 2)], 60_000, (l) => listenLines.push(l));
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const burst = await runInNs(pair.x, [process.execPath, join(dir, 'burster.mjs'), PAIR.x4, PAIR.y4, String(BURST)], 60_000).done;
    expect(burst.status, burst.stderr).toBe(0);
    const listened = await listen.done;
    await new Promise((resolve) => setTimeout(resolve, 500));
    tcpdump.kill();
    const dumped = await tcpdump.done;

    const counts = /(\d+) frames? captured on \S+, (\d+) received by filter, (\d+) dropped by kernel/.exec(listened.stderr);
    expect(counts, listened.stderr).not.toBeNull();
    const captured = Number(counts![1]);
    const dropped = Number(counts![3]);
    // Nothing lost without a number: what the filter selected was either captured or counted as dropped.
    const tcpdumpDrops = Number(/(\d+) packets? dropped by kernel/.exec(dumped.stderr)?.[1] ?? 'NaN');
    expect(tcpdumpDrops, dumped.stderr).toBe(0);
    const tshark = (file: string, filter: string) => Number(spawnSync('sh', ['-c', `tshark -r ${file} -Y '${filter}' -T fields -e frame.number | wc -l`], { encoding: 'utf8' }).stdout.trim());
    const selected = tshark(theirs, 'udp.dstport == 9');
    expect(selected).toBe(BURST / 2);
    expect(captured + dropped).toBe(selected);
    expect(listenLines.filter((l) => l.startsWith('{'))).toHaveLength(captured);
    expect(listenLines.every((l) => !l.startsWith('{') || (JSON.parse(l) as { layers: { fields: { dstPort?: number } }[] }).layers[2].fields.dstPort === 9)).toBe(true);
    // Our pcapng holds the captured frames, all of them selected, and tshark reads it.
    expect(existsSync(ours)).toBe(true);
    expect(tshark(ours, 'udp.dstport == 9')).toBe(captured);
    expect(tshark(ours, 'udp.dstport != 9')).toBe(0);
  }, 90_000);

  it('send --transport link sends a broken packet exactly as built', async (ctx) => {
    const { pair, dir } = guard(ctx);
    const file = join(dir, 'broken.pcap');
    const lines: string[] = [];
    const tcpdump = runInNs(pair.y, ['tcpdump', '-i', PAIR.yIf, '-U', '-w', file, '-c', '1', `ether src ${pair.xMac} and ip proto 253`], 20_000, (l) => lines.push(l));
    while (!lines.length) await new Promise((resolve) => setTimeout(resolve, 20));
    const expr = `ipv4(src=${PAIR.x4},dst=${PAIR.y4},id=0,checksum=0x1234,totalLength=999,protocol=253)/raw(hex=0102)`;
    const sent = await rawcraft(pair.x, ['send', expr, '--transport', 'link', '--json']).done;
    expect(sent.status, sent.stderr).toBe(0);
    expect(JSON.parse(sent.stdout.trim().split('\n').pop()!)).toMatchObject({ sent: 1, failed: 0 });
    expect((await tcpdump.done).status).toBe(0);
    const fields = spawnSync('tshark', ['-r', file, '-T', 'fields', '-e', 'ip.id', '-e', 'ip.len', '-e', 'ip.checksum'], { encoding: 'utf8' }).stdout.trim();
    expect(fields.split('\t')).toEqual(['0x0000', '999', '0x1234']);
  });
});
