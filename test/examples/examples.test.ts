/**
 * Every script in examples/ runs, as built (dist/examples/), and does what it says: each is run
 * in a network namespace this test makes (only loopback, or for the link-layer one a veth pair,
 * 198.18.5.1 — 198.18.5.2), from a scratch folder holding a copy of examples/, and its output
 * and files are checked, by tshark or tcpdump where an outside tool can judge. The SCTP
 * handshake runs against usrsctp (test/sctp/peer) over UDP on 127.0.0.1. demo.ts is run by
 * test/docs/commands.test.ts (the reader's demo.pcap). Needs root: skipped without, failing with CI=true.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IN_CI, ROOT, rawAccess } from '../transport/helpers.js';
import { canCreateNamespaces, commandInNs, createLoopbackNamespace } from '../transport/netns.js';
import { CLI, ensureBuilt } from '../transport/built-cli.js';
import { createVethPair, PAIR, runInNs, type VethPair } from '../link/veth-pair.js';
import { buildPeer, peerUnavailable, startPeer } from '../sctp/peer/peer.js';

const DIST = join(ROOT, 'dist', 'examples');
const work = mkdtempSync(join(tmpdir(), 'rawcraft-examples-'));
let ns: { ns: string; remove: () => void } | undefined;
let pair: VethPair | undefined;
let unavailable: string | undefined;
const hasTool = (tool: string) => spawnSync(tool, ['--version'], { stdio: 'ignore' }).status === 0;

beforeAll(async () => {
  if (!rawAccess.ok) unavailable = `no raw-socket privilege: ${rawAccess.reason}`;
  else if (!canCreateNamespaces().ok) unavailable = 'cannot create network namespaces';
  else unavailable = ['tshark', 'tcpdump'].filter((t) => !hasTool(t)).map((t) => `${t} is not installed`)[0];
  if (unavailable) return;
  await ensureBuilt();
  cpSync(join(ROOT, 'examples'), join(work, 'examples'), { recursive: true });
  ns = createLoopbackNamespace();
  pair = createVethPair();
}, 120_000);

afterAll(() => {
  ns?.remove();
  pair?.remove();
  rmSync(work, { recursive: true, force: true });
});

function guard(ctx: { skip: (note?: string) => void }): void {
  if (unavailable) {
    if (IN_CI) throw new Error(`CI=true but ${unavailable}`);
    ctx.skip(unavailable);
  }
}

/** Run dist/examples/NAME.js in the loopback namespace (or `where`), from the scratch folder; it must exit 0. */
async function run(name: string, args: string[] = [], where = ns!.ns): Promise<string> {
  const r = await commandInNs(where, [process.execPath, join(DIST, `${name}.js`), ...args], { cwd: work, timeoutMs: 30_000 }).done;
  expect(r.status, `${name}: exit ${r.status}\n${r.stderr}`).toBe(0);
  return r.stdout;
}

const tshark = (file: string, ...args: string[]) => spawnSync('tshark', ['-r', join(work, file), ...args], { encoding: 'utf8' }).stdout.trim();


/** tcpdump on the veth pair's far end, resolved once it is listening (or has exited). */
async function tcpdumpOnY(args: string[]): Promise<ReturnType<typeof runInNs>> {
  let listening!: () => void;
  const ready = new Promise<void>((resolve) => (listening = resolve));
  const dump = runInNs(pair!.y, args, 20_000, (l) => l === 'listening' && listening());
  await Promise.race([ready, dump.done]);
  return dump;
}
describe('examples/', () => {
  it('every example is run here (a new one needs its test)', () => {
    const covered = ['demo', 'scripting', 'ipv4-icmp', 'ipv6-icmpv6', 'udp', 'tcp', 'ping', 'traceroute', 'scenario', 'link-send', 'sctp-handshake', 'udp-tunnel', 'udp-tunnel-transport', 'api-tour', 'api-codec', 'api-capture', 'api-preflight', 'api-transport', 'api-link', 'api-traffic'];
    const scripts = readdirSync(join(ROOT, 'examples')).filter((f) => f.endsWith('.ts')).map((f) => f.slice(0, -3));
    expect(scripts.filter((s) => !covered.includes(s))).toEqual([]);
  });

  it('scripting.ts (docs/guide-scripting.md): builds, overrides, breaks, sends, matches, captures', async (ctx) => {
    guard(ctx);
    const out = await run('scripting');
    expect(out).toContain("{ status: 'invalid', expected: 414, actual: 4660 }");
    expect(out).toContain("ipv4.totalLength at offset 2: 9 is not valid");
    expect(out).toContain('ipv4.ttl: 256 is not allowed');
    expect(out).toContain("udp has no field 'dport' (did you mean dstPort?)");
    expect(out).toMatch(/sent 30 bytes to 127\.0\.0\.1; not as built: 0/);
    expect(out).toMatch(/echo: .*ICMP echo-reply code 0 id 7 seq 1 in/);
    expect(out).toContain('answered 3, unanswered 0');
    expect(out.match(/^captured .*echo-reply.*id 8 seq [12]$/gm)).toHaveLength(2);
    expect(out.match(/^read back 28 bytes, link type 101$/gm)).toHaveLength(2);
    // The capture it wrote, judged by tshark, and by rawcraft's own CLI as the guide says.
    expect(tshark('scripting.pcapng', '-T', 'fields', '-e', 'icmp.type', '-e', 'icmp.seq')).toBe('0\t1\n0\t2');
    const decoded = spawnSync(process.execPath, [CLI, 'decode', 'scripting.pcapng'], { cwd: work, encoding: 'utf8' });
    expect(decoded.status, decoded.stderr).toBe(0);
  });

  it('api-tour.ts (the @examples of the API reference): every region does what its comments say', async (ctx) => {
    guard(ctx);
    const out = await run('api-tour');
    expect(out).toContain('45000021000100000311cb94c0000201c63364020035829a000d4cfb68656c6c6f');
    expect(out).toContain('IPv6 2001:db8::1 > 2001:db8::2 nh 58 hlim 64 len 8 / ICMPv6 echo-request code 0 id 7 seq 1');
    expect(out).toMatch(/^IPv4 192\.0\.2\.1 > 198\.51\.100\.2 proto 17 ttl 64 id 1 len 28 \/ UDP 53 > 53 len 8\nipv4 valid\nudp valid$/m);
    expect(out).toMatch(/^0010  c6 33 64 02 00 35 00 35  00 08 13 3d/m);
    expect(out).toContain('44 bytes: IPv4 192.0.2.1 > 198.51.100.2 proto 6');
    expect(out).toContain('JSON round trip: 4500001c0001000040118e99c0000201c6336402003500350008133d');
    expect(out).toContain('3 fragments; reassembled: true');
    expect(out).toContain('2 layers; 3 packets, the last to port {"dstPort":82,"flags":["syn"]}');
    expect(out.match(/^fuzzed #\d: IPv4 .* > 198\.51\.100\.2 proto 17/gm)).toHaveLength(3);
    expect(out.match(/^traffic #[02] dns at \d+: 28 bytes$/gm)).toHaveLength(2);
    expect(out).toContain('pcapng in memory: 196 bytes, 2 records');
    expect(out.match(/^read 28 bytes, link type 101: .*ICMP echo-request code 0 id 1 seq [12]$/gm)).toHaveLength(2);
    expect(tshark('tour.pcapng', '-T', 'fields', '-e', 'icmp.seq')).toBe('1\n2');
    expect(out).toContain('written: 28 bytes for 198.51.100.2');
    expect(tshark('tour-transport.pcapng', '-T', 'fields', '-e', 'ip.dst', '-e', 'udp.dstport')).toBe('198.51.100.2\t9');
    expect(out).toMatch(/^preflight WIN_TCP_SEND_BLOCKED: /m);
    expect(out).toMatch(/^request: .*ICMP echo-reply code 0 id 7 seq 1$/m);
  });

  it('api-codec.ts (more @examples): layers, errors, checksums, JSON', async (ctx) => {
    guard(ctx);
    const out = await run('api-codec');
    expect(out).toContain('ethernet: Ethernet 02:00:00:00:00:01 > 02:00:00:00:00:02 type 0x0800 vlan 42 / IPv4 192.0.2.1 > 198.51.100.2');
    expect(out).toContain('packet(): true');
    expect(out).toMatch(/^ipv4 ttl 64, checksum valid\ntcp to 80, flags syn$/m);
    expect(out).toContain('codec udp: udp; link type 1 starts with ethernet, 101 with auto');
    expect(out).toContain('internetChecksum of a valid header: 0');
    expect(out).toContain('crc32c: 0xe3069283'); // RFC 9260 appendix B's check value for "123456789"
    expect(out).toContain('sctpChecksum matches the field: true');
    for (const line of ['ttl 256: E_FIELD FieldValueError ttl (layer ipv4', 'a typo: E_UNKNOWN_FIELD UnknownFieldError dport, did you mean dstPort', 'tcp first: E_STACK StackError', '3 bytes: E_LENGTH LengthError needs 20, has 3', 'version 5: E_CONTENT ContentError version', 'an unknown layer: E_INPUT InputError']) expect(out).toContain(line);
    expect(out).toContain('ChecksumError: ipv4 at offset 10: checksum 0x1234 is wrong, expected 0x');
    expect(out).toContain('deviation padding-after-end (RFC 791 section 3.1)');
    expect(out).toContain('toJsonValue: {"data":"cafe","big":"18446744073709551616"}');
    expect(out).toMatch(/issueToJson: \{"layer":"ipv4","offset":0,.*"code":"E_LENGTH"/);
    expect(out).toContain('FragmentError dont-fragment');
    expect(out).toContain('ReassemblyError missing-first');
    expect(out).toContain('encode warning: BundlingError, chunk 0');
    expect(out).toContain('lax decoding: 1 BundlingError');
  });

  it('api-capture.ts (more @examples): link types, readers, writers; tshark reads the files', async (ctx) => {
    guard(ctx);
    const out = await run('api-capture');
    expect(out).toContain('1 is ETHERNET: 1 (ETHERNET); ipv4 goes in 101');
    expect(out).toMatch(/^decodeLinkType: IPv4 192\.0\.2\.1 > 198\.51\.100\.2 proto 1 .* ICMP echo-request code 0 id 1 seq 1$/m);
    expect(out).toContain('UnsupportedLinkTypeError: interface 0 has link type 147');
    expect(out).toContain('record: link type 101, 28 of 28 bytes at 1700000000123456000 ns, interface 0');
    expect(out).toContain('CaptureDecoder: pcap, 3 records');
    expect(out).toMatch(/CaptureFormatError at byte 24, record 0: /);
    expect(out).toContain('SnapLengthError: 28 > 16');
    expect(out).toContain('CaptureWriteError: capture writer: already closed');
    expect(out).toContain('encodePcap: 68 bytes'); // 24-byte file header, 16-byte record header, 28 bytes
    expect(tshark('api.pcap', '-T', 'fields', '-e', 'icmp.seq')).toBe('1');
    expect(tshark('api.pcapng', '-T', 'fields', '-e', 'frame.interface_name', '-e', 'icmp.seq')).toBe('documentation\t2');
    expect(readFileSync(join(work, 'atomic.txt'), 'utf8')).toBe('complete\n');
    expect(readdirSync(work).filter((f) => f.includes('never'))).toEqual([]);
  });

  it('api-preflight.ts (more @examples): findings, guards, platforms, probe, Winsock codes', async (ctx) => {
    guard(ctx);
    const out = await run('api-preflight');
    expect(out).toContain('hasErrors: true');
    expect(out).toMatch(/^error WIN_TCP_SEND_BLOCKED: On windows-10, TCP data cannot be sent over raw sockets/m);
    expect(out).toContain('preflightSocket: LINUX_CAP_NET_RAW');
    expect(out).toContain('PreflightError: WIN_TCP_SEND_BLOCKED');
    expect(out).toContain('parsePlatform: windows-server-2022; restrictionStatus: unnamed-server');
    expect(out).toContain('platformFromOs: windows-11');
    expect(out).toContain('resolveContext: linux, privileges elevated; detectContext: linux');
    expect(out).toContain('preflightLink: LINK_FRAME_NO_HEADER');
    expect(out).toContain('resolveLinkContext: npcapAdminOnly true');
    expect(out).toContain('LinkPreflightGuard: LINK_NO_INTERFACE');
    expect(out).toMatch(/^probe: 9 of 9 raw sockets open$/m); // as root
    expect(out).toContain('wsaError 10013: WSAEACCES');
  });

  it('api-transport.ts (more @examples): a raw socket answered on 127.0.0.1, the transports and their errors', async (ctx) => {
    guard(ctx);
    const out = await run('api-transport');
    expect(out).toMatch(/^RawSocket: 28 bytes from 127\.0\.0\.1: IPv4 127\.0\.0\.1 > 127\.0\.0\.1 proto 1 .*ICMP echo-reply code 0 id 256 seq 1$/m);
    expect(out).toContain('rawSocketBackend: posix, posixConstants: AF_INET6 = 10');
    expect(out).toContain('RawTransport: sent 28 bytes to 127.0.0.1');
    expect(out).toContain('TransportClosedError: the raw transport is closed');
    expect(out).toContain('MemoryTransport: IPv4 192.0.2.1 > 198.51.100.2 proto 17');
    expect(out).toContain('TransportUnsupportedError: the pcap transport cannot receive');
    expect(out).toContain('TransportArgumentError: intervalMs');
    expect(out).toContain('TransportError: bind EADDRNOTAVAIL');
    expect(out).toContain('matchAnswer: {"ok":true,"answer":"reply"}');
    expect(out).toContain('resolveHost: 127.0.0.1 (IPv4); sourceAddressFor: 127.0.0.1');
    expect(tshark('api-transport.pcap', '-T', 'fields', '-e', 'ip.dst', '-e', 'udp.dstport')).toBe('198.51.100.2\t9');
  });

  it('api-traffic.ts (more @examples): expressions, random values, templates, a scenario file', async (ctx) => {
    guard(ctx);
    const out = await run('api-traffic');
    expect(out).toContain('parseExpression: ipv4/udp; formatExpression: ipv4(dst=198.51.100.2,ttl=3)/udp');
    expect(out).toMatch(/ExpressionError at column 28: udp has no field 'dport' \(did you mean dstPort\?\)/);
    expect(out).toContain('randomFieldValue ttl: true; same seed, same values: true');
    expect(out).toContain('PatchableTemplate: srcPort 40000, patchable: true');
    expect(out).toContain('writeTraffic: 5 packets, 200 bytes, seed 3');
    expect(out).toContain('scenarioFromObject: dns x2');
    expect(out).toContain('ScenarioError at flows[0].count: ');
    expect(tshark('api-traffic.pcapng', '-T', 'fields', '-e', 'tcp.flags.syn')).toBe('1\n1\n1\n1\n1');
  });

  it('api-link.ts (more @examples): libpcap, routes, arping, neighbours, the link transport on a veth pair; tcpdump sees the frame', async (ctx) => {
    guard(ctx);
    const file = join(work, 'api-link.pcap');
    const dump = await tcpdumpOnY(['tcpdump', '-i', PAIR.yIf, '-U', '-c', '1', '-w', file, 'udp port 9']);
    const out = await run('api-link', [PAIR.xIf, PAIR.y4], pair!.x);
    expect(out).toMatch(/^listInterfaces: vx up true, link type 1, libpcap loaded$/m);
    expect(out).toContain('LinkError E_LINK_NO_DEVICE');
    expect(out).toContain('kernelRouteLookup: vx next hop 198.18.5.2; tableRouteLookup: vx; netlinkRoute: vx');
    expect(out).toContain('arping: 1 of 1 answered, with a MAC');
    expect(out).toContain('NeighbourCache: 198.18.5.2 is at a MAC: true');
    expect(out).toMatch(/^PcapHandle: link type 1, \d+ frames seen$/m);
    expect(out).toContain('LinkTransport: 60 bytes as a ethernet frame');
    expect((await dump.done).status).toBe(0);
    const seen = spawnSync('tcpdump', ['-r', file, '-nn', '-e'], { encoding: 'utf8' }).stdout;
    expect(seen).toMatch(new RegExp(`${pair!.xMac} > ${pair!.yMac}, ethertype IPv4 .*198\\.18\\.5\\.1\\.40400 > 198\\.18\\.5\\.2\\.9: UDP, length 8`));
  });

  it('ipv4-icmp.ts: an echo and a timestamp request, answered', async (ctx) => {
    guard(ctx);
    const out = await run('ipv4-icmp');
    expect(out).toMatch(/ICMP echo-reply code 0 id 16962 seq 1 \/ Raw 8 bytes in/);
    expect(out).toMatch(/ICMP timestamp-reply code 0 id 16963 seq 1 in/);
  });

  it('ipv6-icmpv6.ts: echo requests to ::1, plain and with a Destination Options header, answered', async (ctx) => {
    guard(ctx);
    const out = await run('ipv6-icmpv6');
    expect(out).toMatch(/ICMPv6 echo-reply code 0 id 24577 seq 1/);
    expect(out).toMatch(/ICMPv6 echo-reply code 0 id 24578 seq 1/);
  });

  it('udp.ts: the kernel delivers the datagram with the right checksum and drops the wrong one', async (ctx) => {
    guard(ctx);
    expect(await run('udp')).toMatch(/received 1: good checksum from 127\.0\.0\.1:40000$/m);
  });

  it('tcp.ts: SYN-ACK from a listening port, RST from a closed one', async (ctx) => {
    guard(ctx);
    const out = await run('tcp');
    expect(out).toMatch(/^port \d+: open \(.*syn.*, ack 1001\)$/m);
    expect(out).toMatch(/^port 9: closed \(.*rst.*, ack 1001\)$/m);
  });

  it('ping.ts and traceroute.ts', async (ctx) => {
    guard(ctx);
    const pinged = await run('ping');
    expect(pinged).toContain('127.0.0.1: 3 transmitted, 3 received, 0% loss');
    expect(pinged).toContain('::1: 3 transmitted, 3 received, 0% loss');
    const traced = await run('traceroute');
    for (const protocol of ['udp', 'icmp', 'tcp']) expect(traced).toContain(`${protocol}: 1 127.0.0.1 reached; reached true`);
  });

  it('scenario.ts: the file holds what the summary says (tshark), and all of it was sent', async (ctx) => {
    guard(ctx);
    const out = await run('scenario');
    const written = Number(/wrote scenario\.pcapng: (\d+) packets/.exec(out)?.[1]);
    expect(written).toBe(650);
    expect(out).toContain(`sent ${written} packets`);
    expect(tshark('scenario.pcapng').split('\n')).toHaveLength(written);
  });

  it('udp-tunnel.ts (docs/writing-a-transport.md): request() through a user-written transport', async (ctx) => {
    guard(ctx);
    expect(await run('udp-tunnel')).toMatch(/^answered through the tunnel: IPv4 198\.51\.100\.7 > 192\.0\.2\.1 .*ICMP echo-reply code 0 id 9 seq 1$/m);
  });

  it('link-send.ts: two frames through libpcap on a veth pair, seen by tcpdump on the other end as built', async (ctx) => {
    guard(ctx);
    const file = join(work, 'link.pcap');
    const dump = await tcpdumpOnY(['tcpdump', '-i', PAIR.yIf, '-U', '-c', '2', '-w', file, 'udp port 9 or (vlan and udp port 9)']);
    const out = await run('link-send', [PAIR.xIf, PAIR.y4], pair!.x);
    expect(out).toContain('sent a frame with VLAN tag 42');
    expect((await dump.done).status).toBe(0);
    const seen = spawnSync('tcpdump', ['-r', file, '-nn', '-e', '-v'], { encoding: 'utf8' }).stdout;
    expect(seen).toMatch(new RegExp(`${pair!.xMac} > ${pair!.yMac}, ethertype IPv4 .*ttl 9, id 7196`));
    // 52 bytes as built, padded to Ethernet's 60 by the link transport (as a network card would).
    expect(seen).toMatch(/ethertype 802\.1Q \(0x8100\), length 60: vlan 42, .*id 11308/);
    expect(seen).toMatch(/198\.18\.5\.1\.40300 > 198\.18\.5\.2\.9: .*UDP, length 11/);
    expect(seen).toMatch(/198\.18\.5\.1\.40301 > 198\.18\.5\.2\.9: .*UDP, length 6/);
  });

  it('sctp-handshake.ts: an association with usrsctp, set up and torn down by hand', async (ctx) => {
    guard(ctx);
    const missing = peerUnavailable();
    if (missing) {
      if (IN_CI) throw new Error(`CI=true but ${missing}`);
      ctx.skip(missing);
    }
    // Its own UDP port: test/sctp/usrsctp.test.ts uses 9899 and may run at the same time.
    const peer = await startPeer(buildPeer(work), 29899, 5001);
    try {
      const r = spawnSync(process.execPath, [join(DIST, 'sctp-handshake.js'), '29899', '5001'], { cwd: work, encoding: 'utf8', timeout: 30_000 });
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/INIT ACK: the peer's tag is 0x[0-9a-f]+, its cookie \d+ bytes/);
      expect(r.stdout).toContain('COOKIE ACK: association established');
      expect(r.stdout).toContain('SACK: cumulative TSN ack 1000');
      // The peer's own word: it got our message, then lost the association to our ABORT.
      expect(await peer.waitFor((l) => l.startsWith('DATA '), 5000)).toBe(`DATA sid=1 ssn=0 tsn=1000 ppid=51 hex=${Buffer.from('hello from rawcraft').toString('hex')}`);
      await peer.waitFor((l) => l.startsWith('EVENT assoc_change state=2 '), 5000);
    } finally {
      peer.stop();
    }
  });
});
