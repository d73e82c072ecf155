/**
 * The link-layer commands for real, in two namespaces this test creates: `interfaces` lists
 * the veth end with its MAC, MTU, link type and addresses; `arp` gets the other kernel's answers
 * (ARP and NDP); `send --transport link` sends a broken packet as built. `listen --filter` on
 * a burst is listen-burst.test.ts. Needs root: skipped without, failing with CI=true.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../transport/helpers.js';
import { linkFixture, PAIR, runInNs } from './veth-pair.js';

const CLI = join(ROOT, 'dist', 'src', 'cli', 'main.js');


const { guard } = linkFixture({}, ['tcpdump', 'tshark']);

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
      const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { event: string; status: string; mac: string; rttMs: number; received: number });
      const replies = lines.filter((l) => l.event === 'reply');
      expect(replies).toHaveLength(2);
      expect(lines.at(-1)).toMatchObject({ event: 'summary', sent: 2, received: 2 });
      for (const reply of replies) expect(reply).toMatchObject({ status: 'reply', mac: pair.yMac });
    }
    const none = await rawcraft(pair.x, ['arp', '198.18.5.77', '--iface', PAIR.xIf, '-c', '1', '-w', '0.2']).done;
    expect(none.status).toBe(1);
    expect(none.stdout).toMatch(/1 requests sent, 0 answered/);
  });

  it('send --transport link sends a broken packet exactly as built, padded to 60 bytes or, with --no-pad, short', async (ctx) => {
    const { pair, dir } = guard(ctx);
    const file = join(dir, 'broken.pcap');
    const lines: string[] = [];
    const tcpdump = runInNs(pair.y, ['tcpdump', '-i', PAIR.yIf, '-U', '-w', file, '-c', '2', `ether src ${pair.xMac} and ip proto 253`], 20_000, (l) => lines.push(l));
    while (!lines.length) await new Promise((resolve) => setTimeout(resolve, 20));
    const expr = `ipv4(src=${PAIR.x4},dst=${PAIR.y4},id=0,checksum=0x1234,totalLength=999,protocol=253)/raw(hex=0102)`;
    const sent = await rawcraft(pair.x, ['send', expr, '--transport', 'link', '--json']).done;
    expect(sent.status, sent.stderr).toBe(0);
    const summary = JSON.parse(sent.stdout.trim().split('\n').pop()!) as { sent: number; failed: number; notHonoured: { layer: string; field: string; reason: string }[] };
    expect(summary).toMatchObject({ sent: 1, failed: 0 });
    // The 36-byte frame went out padded to 60, and the summary says so in flags.
    expect(summary.notHonoured).toEqual([expect.objectContaining({ layer: 'ethernet', field: 'pad', reason: expect.stringMatching(/padded with 24 zero bytes .*--no-pad sends it short/) })]);
    const short = await rawcraft(pair.x, ['send', expr, '--transport', 'link', '--no-pad', '--json']).done;
    expect(short.status, short.stderr).toBe(0);
    expect(JSON.parse(short.stdout.trim().split('\n').pop()!)).toMatchObject({ sent: 1, notHonoured: [], findings: [expect.objectContaining({ code: 'LINK_FRAME_SHORT', severity: 'warning' })] });
    expect((await tcpdump.done).status).toBe(0);
    const fields = spawnSync('tshark', ['-r', file, '-T', 'fields', '-e', 'frame.len', '-e', 'ip.id', '-e', 'ip.len', '-e', 'ip.checksum'], { encoding: 'utf8' }).stdout.trim();
    expect(fields.split('\n').map((l) => l.split('\t'))).toEqual([
      ['60', '0x0000', '999', '0x1234'],
      ['36', '0x0000', '999', '0x1234'],
    ]);
  });
  it('send --hex through --transport link reads a frame of the interface (a destination MAC beginning with 4 or 6 is not an IP version); --from ipv4 frames an IP datagram', async (ctx) => {
    const { pair, dir } = guard(ctx);
    // Regression: the first nibble used to pick the first layer, so this frame was taken for an
    // IPv4 datagram (0x46...) or an IPv6 one (0x66...) and a next hop was looked up for it.
    const frames = ['46:00:5e:00:00:01', '66:00:5e:00:00:02'].map((mac) => `${mac}${pair.xMac}`.replace(/:/g, '') + '88b5' + '5a'.repeat(46));
    const datagram = `ipv4(src=${PAIR.x4},dst=${PAIR.y4},id=7,protocol=253)/raw(hex=0102)`;
    const built = await rawcraft(pair.x, ['build', datagram, '--hex']).done;
    expect(built.status, built.stderr).toBe(0);
    const file = join(dir, 'frames.pcap');
    const lines: string[] = [];
    const tcpdump = runInNs(pair.y, ['tcpdump', '-i', PAIR.yIf, '-U', '-w', file, '-c', '3', `ether src ${pair.xMac} and (ether proto 0x88b5 or ip proto 253)`], 20_000, (l) => lines.push(l));
    while (!lines.length) await new Promise((resolve) => setTimeout(resolve, 20));
    const sent = await rawcraft(pair.x, ['send', '--hex', frames[0], '--hex', frames[1], '--transport', 'link', '--iface', PAIR.xIf, '--json']).done;
    expect(sent.status, sent.stderr).toBe(0);
    expect(JSON.parse(sent.stdout.trim().split('\n').pop()!)).toMatchObject({ sent: 2, failed: 0, bytes: 120 });
    const ip = await rawcraft(pair.x, ['send', '--hex', built.stdout.trim(), '--from', 'ipv4', '--transport', 'link', '--iface', PAIR.xIf, '--dst-mac', pair.yMac, '--json']).done;
    expect(ip.status, ip.stderr).toBe(0);
    expect((await tcpdump.done).status).toBe(0);
    const seen = spawnSync('tshark', ['-r', file, '-T', 'fields', '-e', 'eth.dst', '-e', 'eth.type', '-e', 'ip.id'], { encoding: 'utf8' }).stdout.trim();
    expect(seen.split('\n').map((l) => l.split('\t'))).toEqual([
      ['46:00:5e:00:00:01', '0x88b5', ''],
      ['66:00:5e:00:00:02', '0x88b5', ''],
      [pair.yMac, '0x0800', '0x0007'],
    ]);
    // Without --iface the bytes could be a frame or a datagram: the error names both flags.
    const unsure = await rawcraft(pair.x, ['send', '--hex', frames[0], '--transport', 'link']).done;
    expect(unsure.status).toBe(2);
    expect(unsure.stderr).toMatch(/give --iface IF, or --from ipv4\|ipv6\|auto/);
    expect(unsure.stderr).not.toMatch(/\n\s+at /);
  });
});
