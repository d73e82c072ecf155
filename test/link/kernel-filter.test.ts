/**
 * `listen --filter` runs its pcap-filter expression in the kernel: the BPF program attached to
 * the capture's AF_PACKET socket (SO_ATTACH_FILTER, by libpcap), read back with `ss -0 -b -p`,
 * is instruction for instruction the program tcpdump compiles for the same expression, interface
 * and snap length (`tcpdump -ddd`); a frame it rejects never reaches listen, one it accepts does.
 * In two namespaces this test creates. Needs root: skipped without, failing with CI=true.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../transport/helpers.js';
import { attachedPrograms, linkFixture, PAIR, runInNs, tcpdumpProgram, type BpfProgram } from './veth-pair.js';

const CLI = join(ROOT, 'dist', 'src', 'cli', 'main.js');
const FILTER = 'udp and dst port 9';
const { guard } = linkFixture({}, ['tcpdump', 'ss']);

describe('listen --filter is evaluated in the kernel', () => {
  it('attaches the same BPF program tcpdump compiles, and only the frames it selects arrive', async (ctx) => {
    const { pair } = guard(ctx);
    const expected = tcpdumpProgram(pair.y, PAIR.yIf, FILTER);
    const lines: string[] = [];
    const listen = runInNs(pair.y, [process.execPath, CLI, 'listen', '--iface', PAIR.yIf, '--filter', FILTER, '--count', '1', '--timeout', '20000', '--json'], 40_000, (l) => lines.push(l));
    // listen's packet socket carries the filter once libpcap has set it (libpcap may attach a
    // drop-everything program first while it empties the socket's queue).
    let attached: BpfProgram[] = [];
    for (let tries = 0; tries < 200 && !attached.some((p) => JSON.stringify(p) === JSON.stringify(expected)); tries++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      attached = attachedPrograms(pair.y, listen.pid!);
    }
    expect(attached).toContainEqual(expected);
    // Port 10 is filtered out in the kernel; port 9 ends listen's --count 1.
    for (const port of [10, 9]) {
      const sent = await runInNs(pair.x, [process.execPath, CLI, 'send', `ipv4(src=${PAIR.x4},dst=${PAIR.y4})/udp(srcPort=4000,dstPort=${port})/raw(hex=0${port === 9 ? 9 : 'a'})`]).done;
      expect(sent.status, sent.stderr).toBe(0);
    }
    const r = await listen.done;
    expect(r.status, r.stderr).toBe(0);
    expect(lines).toHaveLength(1);
    const packet = JSON.parse(lines[0]) as { layers: { layer: string; fields: { dstPort?: number } }[] };
    expect(packet.layers.find((l) => l.layer === 'udp')?.fields.dstPort).toBe(9);
    // listen --iface --json adds where the frame came from to the decode --json format.
    expect(packet).toMatchObject({ index: 0, interface: PAIR.yIf, linkType: 1, originalLength: 14 + 20 + 8 + 1 });
    expect(r.stderr).toMatch(/1 frame captured on vy, 1 received by filter, 0 dropped by kernel/);
  });
});
