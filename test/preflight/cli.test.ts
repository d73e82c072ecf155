/** `rawcraft preflight` and `rawcraft probe`: findings per packet, exit codes, JSON lines. */
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ipv4 } from '../../src/builders/packet.js';
import { parsePreflightArgs, preflightCommand } from '../../src/cli/preflight-command.js';
import { probeCommand } from '../../src/cli/probe-command.js';
import { CliError } from '../../src/cli/cli-error.js';
import type { CliContext } from '../../src/cli/context.js';
import type { ProbeReport } from '../../src/transport/socket/probe.js';
import { detectPlatform } from '../../src/transport/preflight/context.js';
import { ipv6, tcpSyn, udp } from './helpers.js';

function io(stdin = ''): CliContext & { out: string; err: string } {
  const ctx = {
    out: '',
    err: '',
    stdin: Readable.from([Buffer.from(stdin)]),
    tty: false,
    write: async (t: string) => {
      ctx.out += t;
    },
    error: (t: string) => {
      ctx.err += t + '\n';
    },
  };
  return ctx;
}

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const jsonLines = (s: string) => s.trim().split('\n').map((l) => JSON.parse(l) as { index: number; platform: string; privileges: string; summary: string; findings: { code: string; severity: string }[] });

describe('rawcraft preflight', () => {
  it('a TCP segment for a Windows 10 client: exit 1, the finding, its remedy and source', async () => {
    const c = io();
    const code = await preflightCommand(['--hex', hex(tcpSyn()), '--platform', 'windows-10', '--hdrincl'], c);
    expect(code).toBe(1);
    expect(c.out).toMatch(/^#0 windows-10, elevated: IPv4 TCP \(6\) 192\.0\.2\.10 -> 198\.51\.100\.7, IP_HDRINCL: 1 error, 0 warnings, 2 info\n/);
    expect(c.out).toMatch(/  error WIN_TCP_SEND_BLOCKED: On windows-10, TCP data cannot be sent over raw sockets.*observed behaviour/);
    expect(c.out).toMatch(/    remedy: .*Npcap/);
    expect(c.out).toMatch(/    source: Observed behaviour/);
  });

  it('--json: one object per packet with every finding', async () => {
    const c = io();
    const code = await preflightCommand(['--hex', hex(tcpSyn()), '--hex', hex(udp()), '--platform', 'windows-7', '--no-hdrincl', '--json'], c);
    expect(code).toBe(1);
    const lines = jsonLines(c.out);
    expect(lines.map((l) => l.index)).toEqual([0, 1]);
    expect(lines[0]).toMatchObject({ platform: 'windows-7', privileges: 'elevated' });
    expect(lines[0].findings.map((f) => f.code)).toContain('WIN_TCP_SEND_BLOCKED');
    expect(lines[1].findings.filter((f) => f.severity === 'error')).toEqual([]);
    for (const f of lines[0].findings) expect(Object.keys(f).sort()).toEqual(['basis', 'code', 'message', 'remedy', 'severity', 'source']);
  });

  it('exit 0 when nothing is an error (warnings allowed)', async () => {
    const c = io();
    expect(await preflightCommand(['--hex', hex(udp()), '--platform', 'windows-server-2022', '--hdrincl', '--json'], c)).toBe(0);
    const c2 = io();
    expect(await preflightCommand(['--hex', hex(tcpSyn()), '--platform', 'windows-server-2022', '--hdrincl', '--json'], c2)).toBe(0);
    expect(jsonLines(c2.out)[0].findings.find((f) => f.code === 'WIN_TCP_SEND_BLOCKED')?.severity).toBe('warning');
  });

  it('--unprivileged and --elevated override detection; --source-addresses sets the local addresses', async () => {
    const spoofed = hex(udp('203.0.113.5', '198.51.100.7'));
    const c = io();
    expect(await preflightCommand(['--hex', spoofed, '--platform', 'windows-11', '--hdrincl', '--unprivileged', '--json'], c)).toBe(1);
    const codes = jsonLines(c.out)[0].findings.map((f) => f.code);
    expect(codes).toContain('WIN_ADMIN_REQUIRED');
    expect(codes).toContain('WIN_UDP_SOURCE_NOT_LOCAL');
    const c2 = io();
    expect(await preflightCommand(['--hex', spoofed, '--platform', 'windows-11', '--hdrincl', '--elevated', '--source-addresses', '203.0.113.5/24,127.0.0.1', '--json'], c2)).toBe(0);
  });

  it('with --no-hdrincl the OS builds the header: the payload goes on a socket for the protocol', async () => {
    const c = io();
    expect(await preflightCommand(['--hex', hex(udp('203.0.113.5')), '--platform', 'windows-11', '--no-hdrincl', '--json'], c)).toBe(0);
    expect(jsonLines(c.out)[0].summary).toMatch(/header built by the OS/);
    const c2 = io();
    expect(await preflightCommand(['--hex', hex(tcpSyn()), '--platform', 'windows-11', '--no-hdrincl', '--json'], c2)).toBe(1);
  });

  it("the defaults are send's (issue 14 item 5): IPv4 with IP_HDRINCL, so a foreign-source UDP datagram is refused for Windows 10", async () => {
    const foreign = hex(udp('203.0.113.5'));
    const c = io();
    expect(await preflightCommand(['--hex', foreign, '--platform', 'windows-10', '--json'], c)).toBe(1);
    const line = jsonLines(c.out)[0];
    expect(line.summary).toMatch(/IP_HDRINCL/);
    expect(line.findings.filter((f) => f.severity === 'error').map((f) => f.code)).toEqual(['WIN_UDP_SOURCE_NOT_LOCAL']);
    // IPv6 with an extension header: IPV6_HDRINCL on Linux, as send would open.
    // Hop-by-hop (next header 0) with one PadN option, then an 8-byte UDP header.
    const hopByHop = ipv6(0, Buffer.concat([Buffer.from([17, 0, 1, 4, 0, 0, 0, 0]), Buffer.alloc(8)]));
    const c2 = io();
    await preflightCommand(['--hex', hopByHop.toString('hex'), '--platform', 'linux', '--json'], c2);
    expect(jsonLines(c2.out)[0].summary).toMatch(/IPV6_HDRINCL/);
  });

  it('--broadcast sets SO_BROADCAST', async () => {
    const bcast = hex(udp('192.0.2.10', '255.255.255.255'));
    expect(await preflightCommand(['--hex', bcast, '--platform', 'linux', '--hdrincl'], io())).toBe(1);
    expect(await preflightCommand(['--hex', bcast, '--platform', 'linux', '--hdrincl', '--broadcast'], io())).toBe(0);
  });

  it('reads hex lines from stdin, IPv6 included', async () => {
    const v6 = ipv6(17, Buffer.alloc(8));
    const c = io(`${hex(udp())}\n# a comment\n${hex(v6)}\n`);
    expect(await preflightCommand(['--platform', 'macos', '--hdrincl', '--json'], c)).toBe(1);
    const lines = jsonLines(c.out);
    expect(lines.length).toBe(2);
    expect(lines[1].findings.map((f) => f.code)).toContain('MACOS_NO_IPV6_HDRINCL');
  });

  it('the same packet on this machine by default (no --platform)', async () => {
    const c = io();
    await preflightCommand(['--hex', hex(ipv4({ src: '127.0.0.1', dst: '127.0.0.1', id: 9 }).icmp().encode()), '--json'], c);
    const here = detectPlatform().os;
    expect(jsonLines(c.out)[0].platform.startsWith(here === 'macos' ? 'macos' : here)).toBe(true);
  });

  it('usage errors exit 2', async () => {
    expect(() => parsePreflightArgs(['--elevated', '--unprivileged'])).toThrow(CliError);
    expect(() => parsePreflightArgs(['--bogus'])).toThrow(/usage: rawcraft preflight/);
    await expect(preflightCommand(['--hex', hex(udp()), '--platform', 'windows-12'], io())).rejects.toThrow(/unknown platform "windows-12"/);
    await expect(preflightCommand(['--hex', '0102', '--platform', 'linux'], io())).rejects.toThrow(/not an IP datagram/);
    await expect(preflightCommand(['--hex', hex(udp()), '--source-addresses', 'x'], io())).rejects.toThrow(/not a local address/);
    try {
      parsePreflightArgs(['a', 'b']);
    } catch (e) {
      expect((e as CliError).exitCode).toBe(2);
    }
  });
});

describe('rawcraft probe', () => {
  const report: ProbeReport = {
    platform: { os: 'windows', edition: 'client', release: '10', servicePack: 0, wine: '8.0' },
    platformName: 'windows-10 (Wine 8.0)',
    privileges: 'elevated',
    interfaces: [{ address: '127.0.0.1', family: 4, prefixLength: 8, interface: 'lo' }],
    sockets: [
      { family: 4, protocol: 1, protocolName: 'ICMP (1)', opens: true, hdrincl: { supported: true } },
      { family: 6, protocol: 58, protocolName: 'ICMPv6 (58)', opens: false, error: { name: 'WSAEPROTONOSUPPORT', number: 10043, message: 'm', remedy: 'r' } },
    ],
    catalog: { entries: [], raw: [] },
    disagreements: ['The Winsock catalog lists no RAW/IP (AF_INET) entry, yet raw IPv4 sockets open (protocols 1).'],
  };

  it('prints the report', async () => {
    const c = io();
    expect(await probeCommand([], c, () => report)).toBe(0);
    expect(c.out).toMatch(/platform: windows-10 \(Wine 8\.0\)/);
    expect(c.out).toMatch(/IPv4 ICMP \(1\) +opens; IP_HDRINCL yes/);
    expect(c.out).toMatch(/IPv6 ICMPv6 \(58\) +does not open: WSAEPROTONOSUPPORT/);
    expect(c.out).toMatch(/Winsock catalog: 0 entries, 0 RAW/);
    expect(c.out).toMatch(/disagreements:\n  The Winsock catalog lists no RAW\/IP/);
  });

  it('--json', async () => {
    const c = io();
    expect(await probeCommand(['--json'], c, () => report)).toBe(0);
    expect(JSON.parse(c.out)).toEqual(report);
    await expect(probeCommand(['--bogus'], io(), () => report)).rejects.toThrow(CliError);
  });
});

describe('the built command line', () => {
  const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
  const main = join(ROOT, 'dist', 'src', 'cli', 'main.js');
  const built = existsSync(main) && existsSync(join(ROOT, 'dist/src/cli/preflight-command.js')) && statSync(join(ROOT, 'dist/src/cli/preflight-command.js')).mtimeMs >= statSync(join(ROOT, 'src/cli/preflight-command.ts')).mtimeMs;

  it.skipIf(!built)('rawcraft preflight exits 1 on errors and prints JSON (npm test builds dist first)', () => {
    const r = spawnSync(process.execPath, [main, 'preflight', '--hex', hex(tcpSyn()), '--platform', 'windows-11', '--hdrincl', '--json'], { encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(jsonLines(r.stdout)[0].findings.map((f) => f.code)).toContain('WIN_TCP_SEND_BLOCKED');
    const ok = spawnSync(process.execPath, [main, 'preflight', '--hex', hex(udp()), '--platform', 'linux', '--hdrincl'], { encoding: 'utf8' });
    expect(ok.status).toBe(0);
    const bad = spawnSync(process.execPath, [main, 'preflight', '--platform', 'nope', '--hex', '00'], { encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/^rawcraft: preflight: unknown platform/);
  });
});
