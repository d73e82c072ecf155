/**
 * Next-hop resolution with the kernel's own route lookup, through a router, in namespaces this
 * test creates (A — R — B, test/transport/netns.ts) where A reaches B only through policy
 * rules: IPv4 by destination (`ip rule add to 198.18.2.0/24 lookup 100`), IPv6 by source
 * (`ip rule add from 2001:db8:1::2 lookup 102`); A's main table has no route to B. The answers
 * are compared with `ip route get`; then ping and traceroute go through the link transport to
 * B, frames addressed to R's MAC found by ARP / NDP.
 *
 * Needs root (namespaces, libpcap): skipped without, failing with CI=true.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IN_CI, ROOT } from '../transport/helpers.js';
import { ADDR, createTopology, type Topology } from '../transport/netns.js';
import { linkFixture, runInNs } from './veth-pair.js';

const INDEX = JSON.stringify(join(ROOT, 'dist', 'src', 'index.js'));
const CLI = join(ROOT, 'dist', 'src', 'cli', 'main.js');

/** kernelRouteLookup and the main-table reading for each destination[/source] of argv. */
const ROUTES = `import { kernelRouteLookup, tableRouteLookup } from ${INDEX};
const out = {};
for (const spec of process.argv.slice(2)) {
  const [dst, src] = spec.split('/');
  out[spec] = { kernel: kernelRouteLookup(dst, src) ?? null, table: tableRouteLookup(dst) ?? null };
}
console.log(JSON.stringify(out));
`;

const { guard } = linkFixture({ 'routes.mjs': ROUTES }, ['tshark']);
let topology: Topology | undefined;

beforeAll(() => {
  try {
    topology = createTopology();
  } catch (error) {
    if (IN_CI) throw error;
    return;
  }
  const ip = (args: string[]) => {
    const r = spawnSync('ip', ['-n', topology!.a, ...args], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`ip ${args.join(' ')}: ${r.stderr}`);
  };
  // A reaches B's networks only through the policy rules.
  ip(['route', 'del', 'default']);
  ip(['route', 'add', '198.18.2.0/24', 'via', ADDR.r4a, 'table', '100']);
  ip(['rule', 'add', 'to', '198.18.2.0/24', 'lookup', '100']);
  ip(['-6', 'route', 'del', 'default']);
  ip(['-6', 'route', 'add', 'default', 'via', ADDR.r6a, 'table', '102']);
  ip(['-6', 'rule', 'add', 'from', ADDR.a6, 'lookup', '102']);
}, 60_000);
afterAll(() => topology?.remove());

function ipRouteGet(ns: string, args: string[]): string {
  return spawnSync('ip', ['-n', ns, 'route', 'get', ...args], { encoding: 'utf8' }).stdout;
}

describe('the kernel route lookup sees policy rules', () => {
  it('answers as ip route get does, where the main table has no route', async (ctx) => {
    const { dir } = guard(ctx);
    const t = topology!;
    const r = await runInNs(t.a, [process.execPath, join(dir, 'routes.mjs'), ADDR.b4, ADDR.b6, `${ADDR.b6}/${ADDR.a6}`, ADDR.r4a]).done;
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as Record<string, { kernel: unknown; table: unknown }>;
    // IPv4 by destination rule: via R on va, as ip route get says; the main table alone has nothing.
    expect(ipRouteGet(t.a, [ADDR.b4])).toMatch(new RegExp(`via ${ADDR.r4a.replace(/\./g, '\\.')} dev va table 100 src ${ADDR.a4.replace(/\./g, '\\.')}`));
    expect(out[ADDR.b4]).toEqual({ kernel: { interface: 'va', nextHop: ADDR.r4a, local: false, source: ADDR.a4 }, table: null });
    // IPv6 by source rule: no route without the source, via R with it.
    expect(ipRouteGet(t.a, [ADDR.b6])).toBe('');
    // /proc/net/ipv6_route mixes every table's routes (table 102's default among them) without
    // naming the table: reading it alone gets this wrong, which is why the kernel is asked.
    expect(out[ADDR.b6]).toEqual({ kernel: null, table: { interface: 'va', nextHop: ADDR.r6a, local: false } });
    expect(ipRouteGet(t.a, [ADDR.b6, 'from', ADDR.a6])).toMatch(new RegExp(`via ${ADDR.r6a} dev va`));
    expect(out[`${ADDR.b6}/${ADDR.a6}`]).toMatchObject({ kernel: { interface: 'va', nextHop: ADDR.r6a, local: false } });
    // On-link: the destination is its own next hop.
    expect(out[ADDR.r4a]).toMatchObject({ kernel: { interface: 'va', nextHop: ADDR.r4a, local: false } });
  });

  it('ping --transport link and traceroute --transport link reach B through R (R\'s MAC by ARP / NDP)', async (ctx) => {
    guard(ctx);
    const t = topology!;
    const cli = (args: string[]) => runInNs(t.a, [process.execPath, CLI, ...args], 30_000).done;
    const ping = await cli(['ping', ADDR.b4, '--transport', 'link', '-c', '2', '-i', '0.05', '--json']);
    expect(ping.status, ping.stderr).toBe(0);
    const events = ping.stdout.trim().split('\n').map((l) => JSON.parse(l) as { event: string; from?: string; bytes?: number; received?: number });
    // 64 bytes: ICMP header and payload, as ping(8) counts them (not the Ethernet or IP header).
    expect(events.filter((e) => e.event === 'reply')).toEqual([expect.objectContaining({ from: ADDR.b4, bytes: 64 }), expect.objectContaining({ from: ADDR.b4, bytes: 64 })]);
    // Both echoes answered: createTopology waits until no IPv6 address is tentative, before
    // which the kernels lost the first forwarded echo (raw sockets and the link transport alike).
    const ping6 = await cli(['ping', ADDR.b6, '--transport', 'link', '-I', ADDR.a6, '-c', '2', '-i', '0.2', '-W', '3']);
    expect(ping6.status, ping6.stderr).toBe(0);
    expect(ping6.stdout).toMatch(/2 packets transmitted, 2 received/);
    expect(ping6.stdout).toMatch(new RegExp(`64 bytes from ${ADDR.b6}: icmp_seq=1`));
    const trace = await cli(['traceroute', ADDR.b4, '--transport', 'link', '-I', '-q', '1', '-w', '2', '--json']);
    expect(trace.status, trace.stderr).toBe(0);
    const hops = trace.stdout.trim().split('\n').map((l) => JSON.parse(l) as { event: string; probes?: { from: string | null }[] }).filter((e) => e.event === 'hop');
    expect(hops.map((h) => h.probes![0].from)).toEqual([ADDR.r4a, ADDR.b4]);
    // --dst-mac skips resolution: R's own MAC reaches B, a MAC nobody has gets no answer.
    const rMac = /link\/ether ([0-9a-f:]{17})/.exec(spawnSync('ip', ['-n', t.r, 'link', 'show', 'ra'], { encoding: 'utf8' }).stdout)![1];
    const given = await cli(['ping', ADDR.b4, '--transport', 'link', '--dst-mac', rMac, '-c', '1']);
    expect(given.status, given.stderr).toBe(0);
    const nobody = await cli(['ping', ADDR.b4, '--transport', 'link', '--dst-mac', '02:00:00:00:00:99', '-c', '1', '-W', '0.3']);
    expect(nobody.status).toBe(1);
    expect(nobody.stdout).toMatch(/1 packets transmitted, 0 received/);
    // Flags that need the link transport are refused without it.
    const bad = await cli(['ping', ADDR.b4, '--dst-mac', '02:00:00:00:00:01']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/--dst-mac apply to --transport link only/);
  });
});
