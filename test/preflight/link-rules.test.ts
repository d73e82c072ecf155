/**
 * The link transport's pre-flight rules, one by one, with the facts given (so macOS and Windows
 * rules run here too), and the raw-socket findings that send the user to the link transport.
 * What the kernel does with the same frames is checked in test/link/link-preflight.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { LINK_RULES, LinkPreflightGuard, openLinkTransport, preflight, preflightLink, ipv4, type LinkFacts, type LinkPreflightInput } from '../../src/index.js';
import { framePasses } from '../../src/transport/preflight/link.js';
import { runInProcess } from '../cli/in-process.js';
import { requireRaw } from '../transport/helpers.js';

const runCli = async (argv: string[]) => {
  const r = await runInProcess(argv);
  return { code: r.code, out: r.stdout, err: r.stderr };
};

const ETHERNET_IF: Partial<LinkFacts> = { exists: true, up: true, running: true, mtu: 1500, linkType: 1, library: { ok: true, version: 'libpcap version 1.10.3' } };
const codes = (frame: Uint8Array | undefined, input: LinkPreflightInput) => preflightLink(frame, input).map((f) => `${f.severity} ${f.code}`);
const on = (platform: string, link: Partial<LinkFacts> = {}, privileges: boolean | 'unknown' = true): LinkPreflightInput => ({
  platform,
  privileges: privileges === 'unknown' ? 'unknown' : privileges,
  interface: 'eth0',
  link: { ...ETHERNET_IF, ...link },
});
const frame = (length: number, tag = false) => {
  const b = Buffer.alloc(length);
  if (length >= 14) b.writeUInt16BE(tag ? 0x8100 : 0x0800, 12);
  return b;
};

describe('link pre-flight rules', () => {
  it('an Ethernet frame of a usual size on an interface that is up: no findings, on every platform', () => {
    for (const platform of ['linux', 'macos', 'windows-11']) expect(codes(frame(100), on(platform, { bpfAccess: true, npcapAdminOnly: false }))).toEqual([]);
  });

  it('LINK_LIBPCAP_MISSING names what to install', () => {
    const [f] = preflightLink(frame(100), on('windows-11', { library: { ok: false, detail: 'wpcap.dll not found', remedy: 'install Npcap (https://npcap.com) with "Install Npcap in WinPcap API-compatible Mode" ticked' } }));
    expect(f).toMatchObject({ code: 'LINK_LIBPCAP_MISSING', severity: 'error', message: expect.stringMatching(/wpcap\.dll/), remedy: expect.stringMatching(/Npcap/) });
  });

  it('LINK_NO_INTERFACE: given, and detected for a name this machine does not have', () => {
    expect(codes(undefined, on('linux', { exists: false }))).toEqual(['error LINK_NO_INTERFACE']);
    expect(codes(undefined, { interface: 'rc-no-such0' })).toContain('error LINK_NO_INTERFACE');
  });

  it('LINK_INTERFACE_DOWN: an error when down, a warning without carrier', () => {
    expect(codes(undefined, on('linux', { up: false }))).toEqual(['error LINK_INTERFACE_DOWN']);
    expect(codes(undefined, on('linux', { running: false }))).toEqual(['warning LINK_INTERFACE_DOWN']);
  });

  it('LINK_CAP_NET_RAW (Linux): an error without the capability, a warning when unknown', () => {
    expect(codes(undefined, on('linux', {}, false))).toEqual(['error LINK_CAP_NET_RAW']);
    expect(codes(undefined, on('linux', {}, 'unknown'))).toEqual(['warning LINK_CAP_NET_RAW']);
    expect(preflightLink(undefined, on('linux', {}, false))[0].remedy).toMatch(/setcap cap_net_raw/);
  });

  it('LINK_BPF_ACCESS (macOS): /dev/bpf* not writable is an error; unknown access as a non-root user a warning', () => {
    expect(codes(undefined, on('macos', { bpfAccess: false }))).toEqual(['error LINK_BPF_ACCESS']);
    expect(codes(undefined, on('macos', {}, false))).toEqual(['warning LINK_BPF_ACCESS']);
    expect(codes(undefined, on('macos', { bpfAccess: true }, false))).toEqual([]);
    expect(preflightLink(undefined, on('macos', { bpfAccess: false }))[0].remedy).toMatch(/ChmodBPF/);
  });

  it('LINK_NPCAP_ADMIN_ONLY (Windows): only when Npcap is for Administrators and the process is not elevated', () => {
    expect(codes(undefined, on('windows-11', { npcapAdminOnly: true }, false))).toEqual(['error LINK_NPCAP_ADMIN_ONLY']);
    expect(codes(undefined, on('windows-11', { npcapAdminOnly: true }, true))).toEqual([]);
    expect(codes(undefined, on('windows-11', { npcapAdminOnly: false }, false))).toEqual([]);
    expect(preflightLink(undefined, on('windows-11', { npcapAdminOnly: true }, false))[0].remedy).toMatch(/Administrator/);
  });

  it('LINK_FRAME_TOO_LARGE: MTU plus 14 bytes of Ethernet header, plus 4 for an 802.1Q tag', () => {
    expect(codes(frame(1514), on('linux'))).toEqual([]);
    expect(codes(frame(1515), on('linux'))).toEqual(['error LINK_FRAME_TOO_LARGE']);
    expect(codes(frame(1518, true), on('linux'))).toEqual([]);
    expect(codes(frame(1519, true), on('linux'))).toEqual(['error LINK_FRAME_TOO_LARGE']);
    expect(codes(frame(9014), on('linux', { mtu: 9000 }))).toEqual([]);
  });

  it('LINK_FRAME_NO_HEADER and LINK_FRAME_SHORT: under 14 bytes refused; under 60 padded (info) or sent short (warning)', () => {
    expect(codes(frame(13), on('linux'))).toEqual(['error LINK_FRAME_NO_HEADER']);
    const info = preflightLink(frame(42), on('linux'));
    expect(info.map((f) => `${f.severity} ${f.code}`)).toEqual(['info LINK_FRAME_SHORT']);
    expect(info[0].message).toMatch(/pads it with 18 zero bytes/);
    expect(codes(frame(42), on('linux', { pad: false }))).toEqual(['warning LINK_FRAME_SHORT']);
    expect(codes(frame(60), on('linux', { pad: false }))).toEqual([]);
    // Not Ethernet (a raw-IP tunnel): no Ethernet minimum.
    expect(codes(frame(42), on('linux', { linkType: 12, pad: false }))).toEqual([]);
  });

  it('the guard\'s shortcut (framePasses) never skips a frame a rule has something to say about', () => {
    for (const linkType of [1, 12]) {
      for (const pad of [true, false]) {
        const input = on('linux', { linkType, pad });
        const facts = { ...ETHERNET_IF, linkType, pad, interface: 'eth0', bpfAccess: undefined, npcapAdminOnly: undefined } as LinkFacts;
        for (let length = 0; length <= 1600; length++) {
          for (const tag of [false, true]) {
            if (!framePasses(length, facts)) continue;
            expect(preflightLink(frame(length, tag), input), `${length} ${tag} ${linkType}`).toEqual([]);
          }
        }
      }
    }
  });

  it('LinkPreflightGuard: the same findings as preflightLink, per frame; errors throw unless forced', () => {
    const guard = new LinkPreflightGuard(on('linux'));
    for (const length of [13, 42, 60, 1514, 1515]) {
      const expected = preflightLink(frame(length), on('linux'));
      if (expected.some((f) => f.severity === 'error')) {
        expect(() => guard.checkSend('eth0', frame(length))).toThrow(expect.objectContaining({ code: 'E_PREFLIGHT' }));
        expect(guard.checkSend('eth0', frame(length), true)).toEqual(expected);
      } else {
        expect(guard.checkSend('eth0', frame(length))).toEqual(expected);
      }
    }
  });

  it('the transport refuses a frame of a batch before sending any, and says which (as the raw transport does)', async () => {
    const t = openLinkTransport({ interface: 'lo', context: { link: { mtu: 100, linkType: 1 } } });
    const ok = { bytes: frame(80), firstLayer: 'ethernet' };
    const big = { bytes: frame(200), firstLayer: 'ethernet' };
    try {
      await expect(t.sendMany([ok, big, ok])).rejects.toMatchObject({ code: 'E_PREFLIGHT', index: 1, errors: [expect.objectContaining({ code: 'LINK_FRAME_TOO_LARGE' })] });
      await expect(t.send(big)).rejects.toMatchObject({ code: 'E_PREFLIGHT' });
    } finally {
      await t.close();
    }
  });

  it('every rule has a source and a remedy, and its code is unique', () => {
    expect(new Set(LINK_RULES.map((r) => r.id)).size).toBe(LINK_RULES.length);
    for (const rule of LINK_RULES) {
      expect(rule.id).toMatch(/^LINK_[A-Z0-9_]+$/);
      expect(rule.source.quote ?? rule.source.summary, rule.id).toBeTruthy();
      expect(rule.remedy, rule.id).toBeTruthy();
    }
  });
});

describe('raw-socket findings name the link transport as the remedy', () => {
  it('Linux rewrites of a header-included IPv4 datagram', () => {
    const broken = ipv4({ src: '198.51.100.1', dst: '198.51.100.2', id: 0, checksum: 0x1234, totalLength: 999 }).encode();
    const f = preflight(broken, { platform: 'linux', socket: { protocol: 255 } }).find((x) => x.code === 'LINUX_HDRINCL_REWRITES')!;
    expect(f.remedy).toMatch(/link transport \(\{ kind: 'link' \}\)/);
  });

  it("Windows' refusals: TCP, foreign-source UDP, binding a TCP raw socket", () => {
    const segment = ipv4({ src: '198.51.100.1', dst: '198.51.100.2' }).tcp({ dstPort: 80 }).encode();
    const datagram = ipv4({ src: '203.0.113.9', dst: '198.51.100.2' }).udp({ dstPort: 9 }).encode();
    const context = { platform: 'windows-11', interfaces: ['198.51.100.1/24'], socket: { protocol: 255, hdrincl: true } };
    const found = [...preflight(segment, context), ...preflight(datagram, context)].filter((f) => f.code === 'WIN_TCP_SEND_BLOCKED' || f.code === 'WIN_UDP_SOURCE_NOT_LOCAL');
    expect(found.map((f) => f.code)).toEqual(['WIN_TCP_SEND_BLOCKED', 'WIN_UDP_SOURCE_NOT_LOCAL']);
    for (const f of found) expect(f.remedy).toMatch(/link transport \(\{ kind: 'link' \}\).*Npcap/);
    const bind = preflight(segment, { ...context, socket: { protocol: 6, hdrincl: false, bind: '198.51.100.1' } }).find((f) => f.code === 'WIN_TCP_BIND')!;
    expect(bind.remedy).toMatch(/link transport/);
  });

  it('the CLI says it as a flag: --transport link', async () => {
    const r = await runCli(['preflight', 'ipv4(src=198.51.100.1,dst=198.51.100.2,checksum=0x1234)/icmp()', '--platform', 'linux']);
    expect(r.out).toMatch(/remedy: To put the header on the wire as built, send through the link transport \(--transport link\)/);
    const w = await runCli(['preflight', 'ipv4(src=198.51.100.1,dst=198.51.100.2)/tcp(dstPort=80)', '--platform', 'windows-11']);
    expect(w.out).toMatch(/WIN_TCP_SEND_BLOCKED[^\n]*\n\s+remedy: [^\n]*--transport link/);
    expect(w.out).not.toMatch(/kind: 'link'/);
  });
});

describe('rawcraft preflight --transport link', () => {
  it('checks the frame send --transport link would send, on the interface given', async () => {
    const r = await runCli(['preflight', 'ipv4(src=127.0.0.1,dst=127.0.0.1,checksum=0x1234)/icmp()', '--transport', 'link', '--iface', 'lo', '--elevated', '--json']);
    expect(r.code).toBe(0);
    const [line] = r.out.trim().split('\n').map((l) => JSON.parse(l) as { transport: string; interface: string; summary: string; findings: { code: string; severity: string }[] });
    expect(line).toMatchObject({ transport: 'link', interface: 'lo', summary: expect.stringMatching(/42-byte frame, IPv4 ICMP \(1\) 127\.0\.0\.1 -> 127\.0\.0\.1/) });
    // The wrong checksum is no finding (nothing rewrites it); the short frame is padded.
    expect(line.findings.map((f) => `${f.severity} ${f.code}`)).toEqual(['info LINK_FRAME_SHORT']);
    // For another platform nothing of this machine is known: only what needs no interface facts.
    const mac = await runCli(['preflight', 'ipv4(src=127.0.0.1,dst=127.0.0.1)/icmp()', '--transport', 'link', '--iface', 'lo', '--platform', 'macos', '--unprivileged', '--json']);
    expect((JSON.parse(mac.out) as { findings: { code: string; severity: string }[] }).findings.map((f) => `${f.severity} ${f.code}`)).toEqual(['warning LINK_BPF_ACCESS']);
  });

  it('a missing interface is an error (exit 1); unpadded short frames a warning; raw-only flags refused', async () => {
    const missing = await runCli(['preflight', 'ipv4(src=127.0.0.1,dst=127.0.0.1)/icmp()', '--transport', 'link', '--iface', 'rc-no-such0']);
    expect(missing.code).toBe(1);
    expect(missing.out).toMatch(/error LINK_NO_INTERFACE: There is no interface rc-no-such0/);
    const short = await runCli(['preflight', 'ipv4(src=127.0.0.1,dst=127.0.0.1)/icmp()', '--transport', 'link', '--iface', 'lo', '--no-pad']);
    expect(short.out).toMatch(/warning LINK_FRAME_SHORT/);
    expect(short.out).toMatch(/remedy: [^\n]*ethernet\(pad=60\)/);
    const bad = await runCli(['preflight', 'ipv4(dst=127.0.0.1)/icmp()', '--transport', 'link', '--hdrincl']);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/apply to --transport raw only/);
    expect((await runCli(['preflight', 'ipv4(dst=127.0.0.1)/icmp()', '--iface', 'lo'])).err).toMatch(/--transport link only/);
  });

  it('hex input is a frame of --iface, whatever its first nibble; without --iface the command asks for it or --from', async () => {
    // Ethernet to 46:00:5e:00:00:01 carrying a 20-byte IPv4 header (RFC 894 / RFC 791, written by hand).
    const frame = '46005e000001' + '020000000001' + '0800' + '450000140001000040fd0000c0000201c0000202';
    const r = await runCli(['preflight', '--hex', frame, '--transport', 'link', '--iface', 'lo', '--elevated', '--json']);
    expect(r.code, r.err).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ interface: 'lo', summary: 'link transport on lo: 34-byte frame' });
    const ip = await runCli(['preflight', '--hex', frame.slice(28), '--from', 'ipv4', '--transport', 'link', '--iface', 'lo', '--elevated', '--json']);
    expect(JSON.parse(ip.out).summary).toMatch(/34-byte frame, IPv4 .* 192\.0\.2\.1 -> 192\.0\.2\.2/);
    const unsure = await runCli(['preflight', '--hex', frame, '--transport', 'link']);
    expect(unsure.code).toBe(2);
    expect(unsure.err).toMatch(/give --iface IF, or --from ipv4\|ipv6\|auto/);
  });

  it('send --transport link runs them: a missing interface ends the command before libpcap opens it, for IP packets and frames alike', async () => {
    for (const expr of ['ipv4(dst=127.0.0.1)/icmp()', 'ethernet()/arp()']) {
      const r = await runCli(['send', expr, '--transport', 'link', '--iface', 'rc-no-such0']);
      expect(r.code, expr).toBe(2);
      expect(r.err).toMatch(/\[LINK_NO_INTERFACE\] There is no interface rc-no-such0.*--force/);
    }
  });

  it('send through raw sockets: what the kernel rewrote comes with the link transport as the way to send it as built (127.0.0.1 only)', async (ctx) => {
    requireRaw(ctx);
    const r = await runCli(['send', 'ipv4(src=127.0.0.1,dst=127.0.0.1,checksum=0x1234)/udp(dstPort=9)']);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/note: ipv4\.checksum not as built in 1 packet/);
    expect(r.out).toMatch(/note: --transport link sends the IP header exactly as built/);
    const plain = await runCli(['send', 'ipv4(src=127.0.0.1,dst=127.0.0.1)/udp(dstPort=9)']);
    expect(plain.out).not.toMatch(/--transport link/);
  });
});
