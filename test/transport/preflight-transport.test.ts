/**
 * The raw transport runs pre-flight before any system call: error-level findings are refused
 * with a PreflightError carrying all of them (no socket opened, nothing sent) unless forced;
 * warnings come back in the result. Also: the Winsock sockets are chosen on win32, and
 * RawSocket's opt-in pre-flight. Everything that is sent goes to 127.0.0.1 only.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ipv4 } from '../../src/builders/packet.js';
import { RawSocket, RawTransport, TransportError, openTransport, rawSocketBackend } from '../../src/transport/index.js';
import { PreflightError } from '../../src/transport/preflight/preflight.js';
import { WinsockError } from '../../src/transport/socket/windows/winsock-error.js';
import { winsockCallCounts } from '../../src/transport/socket/windows/ws2_32.js';
import { fdCount, first, freshId, requireRaw } from './helpers.js';

/** A Windows 11 client, elevated, with only loopback: refuses TCP over raw sockets. */
const WIN11 = { platform: 'windows-11', privileges: true, interfaces: ['127.0.0.1/8'] } as const;
const tcpSyn = (id: number) => ipv4({ src: '127.0.0.1', dst: '127.0.0.1', id }).tcp({ srcPort: 40000 + (id % 20000), dstPort: 9 });
const echo = (id: number) => ipv4({ src: '127.0.0.1', dst: '127.0.0.1', id }).icmp({ type: 'echo-request', id, seq: 1 }).payload('rawcraft');

async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('raw transport: pre-flight before any system call', () => {
  it('a TCP segment is refused for a Windows 11 context, with every finding, and no socket is opened', async () => {
    const open = vi.spyOn(RawSocket, 'open');
    const fds = fdCount();
    await using t = openTransport({ kind: 'raw', context: WIN11 });
    const error = await rejection(t.send(tcpSyn(freshId())));
    expect(error).toBeInstanceOf(PreflightError);
    const e = error as PreflightError;
    expect(e.errors.map((f) => f.code)).toEqual(['WIN_TCP_SEND_BLOCKED']);
    expect(e.findings.length).toBeGreaterThan(e.errors.length); // infos too: all of them
    expect(e.platform).toBe('windows-11');
    expect(e.message).toMatch(/pre-flight refused the datagram for windows-11: \[WIN_TCP_SEND_BLOCKED\].*force: true/);
    expect(open).not.toHaveBeenCalled();
    expect(fdCount()).toBe(fds);
  });

  it('sendMany refuses the whole batch before sending any of it, naming the packet', async () => {
    const open = vi.spyOn(RawSocket, 'open');
    const fds = fdCount();
    await using t = openTransport({ kind: 'raw', context: WIN11 });
    const error = await rejection(t.sendMany([echo(freshId()), tcpSyn(freshId())]));
    expect(error).toBeInstanceOf(PreflightError);
    expect((error as PreflightError).index).toBe(1);
    expect((error as PreflightError).message).toMatch(/refused packet #1 of the batch/);
    expect(open).not.toHaveBeenCalled();
    expect(fdCount()).toBe(fds);
  });

  it('unprivileged: refused before socket(), with the remedy the EPERM error gives', async () => {
    const open = vi.spyOn(RawSocket, 'open');
    const fds = fdCount();
    await using t = openTransport({ kind: 'raw', context: { privileges: false } });
    const eperm = new TransportError({ syscall: 'socket', errno: 1, errnoName: 'EPERM', platform: 'linux' });
    if (process.platform === 'linux') {
      const sending = (await rejection(t.send(echo(freshId())))) as PreflightError;
      expect(sending).toBeInstanceOf(PreflightError);
      expect(sending.errors.map((f) => [f.code, f.remedy])).toEqual([['LINUX_CAP_NET_RAW', eperm.remedy]]);
    }
    // receive() opens sockets too: checked before socket().
    const receiving = (() => {
      try {
        t.receive({ timeoutMs: 10 });
      } catch (error) {
        return error;
      }
      return undefined;
    })();
    expect(receiving).toBeInstanceOf(PreflightError);
    expect((receiving as PreflightError).message).toMatch(/pre-flight refused the socket/);
    expect(open).not.toHaveBeenCalled();
    expect(fdCount()).toBe(fds);
  });

  it('Linux refuses a broadcast destination without SO_BROADCAST: pre-flight says so first; forced, the kernel says EACCES', async (ctx) => {
    if (process.platform !== 'linux') ctx.skip('Linux rule');
    const open = vi.spyOn(RawSocket, 'open');
    await using t = openTransport('raw');
    // 127.255.255.255: the broadcast address of lo's 127.0.0.0/8; it cannot leave the host.
    const error = await rejection(t.send(echo(freshId()), { destination: '127.255.255.255' }));
    expect(error).toBeInstanceOf(PreflightError);
    expect((error as PreflightError).errors.map((f) => f.code)).toEqual(['LINUX_BROADCAST']);
    expect(open).not.toHaveBeenCalled();
    requireRaw(ctx);
    const forced = await rejection(t.send(echo(freshId()), { destination: '127.255.255.255', force: true }));
    expect(forced).toBeInstanceOf(TransportError);
    expect(forced).toMatchObject({ syscall: 'sendto', errnoName: 'EACCES' });
  });

  it('force: true sends the refused TCP segment (to 127.0.0.1), and the overridden error is in the result', async (ctx) => {
    requireRaw(ctx);
    using watcher = RawSocket.open({ family: 4, protocol: 6 });
    for (const how of ['transport', 'send'] as const) {
      await using t = openTransport({ kind: 'raw', context: WIN11, ...(how === 'transport' && { force: true }) });
      const id = freshId();
      const seen = first(watcher, (d) => d.bytes.readUInt16BE(4) === id);
      const result = await t.send(tcpSyn(id), how === 'send' ? { force: true } : {});
      expect(result.sentBytes).toBe(result.bytes.length);
      expect(result.findings?.map((f) => [f.code, f.severity])).toEqual([['WIN_TCP_SEND_BLOCKED', 'error']]);
      expect(await seen, `forced through the ${how} option`).toBeDefined();
    }
  });

  it('warnings do not block and come back in the result; the fields Linux rewrites are in notHonoured only', async (ctx) => {
    requireRaw(ctx);
    // A server the document does not name: the TCP restriction is a warning there.
    await using server = openTransport({ kind: 'raw', context: { ...WIN11, platform: 'windows-server-2022' } });
    const r = await server.send(tcpSyn(freshId()));
    expect(r.findings?.map((f) => [f.code, f.severity])).toEqual([['WIN_TCP_SEND_BLOCKED', 'warning']]);

    await using linux = openTransport({ kind: 'raw', context: { platform: 'linux', privileges: true, interfaces: ['127.0.0.1/8'] } });
    const bad = await linux.send(ipv4({ src: '127.0.0.1', dst: '127.0.0.1', id: freshId(), protocol: 254, checksum: 0x1234 }).payload('x'));
    expect(bad.notHonoured.map((n) => n.field)).toEqual(['checksum']);
    expect(bad.notHonoured[0].reason).toMatch(/^the kernel computes the header checksum even with IP_HDRINCL \(0x[0-9a-f]{4}, not 0x1234\)$/);
    expect(bad.findings).toEqual([]); // LINUX_HDRINCL_REWRITES is the same fact: reported once

    const many = await linux.sendMany([echo(freshId()), ipv4({ src: '127.0.0.1', dst: '127.0.0.1', id: freshId(), protocol: 254, totalLength: 99 }).payload('x')]);
    // The checksum was right as built: the kernel's new one follows from the length, which is the difference noted.
    expect(many.notHonoured.map((n) => [n.index, n.field])).toEqual([[1, 'totalLength']]);
    expect(many.findings).toEqual([]);
  });
});

describe('raw transport: Winsock sockets on Windows', () => {
  it('the backend follows the platform', () => {
    expect(rawSocketBackend('win32')).toBe('winsock');
    expect(rawSocketBackend('linux')).toBe('posix');
    expect(rawSocketBackend('darwin')).toBe('posix');
    expect(rawSocketBackend()).toBe(process.platform === 'win32' ? 'winsock' : 'posix');
    const t = openTransport('raw', 'win32');
    expect(t).toBeInstanceOf(RawTransport);
    expect((t as RawTransport).backend).toBe('winsock');
    expect((openTransport({ kind: 'raw' }, 'linux') as RawTransport).backend).toBe('posix');
  });

  it.skipIf(process.platform === 'win32')('on win32 the transport opens WindowsRawSocket (which needs ws2_32.dll), never RawSocket', async () => {
    const open = vi.spyOn(RawSocket, 'open');
    await using t = openTransport({ kind: 'raw', context: { ...WIN11, platform: 'windows-10' } }, 'win32');
    // Refused by pre-flight: nothing loaded, no Winsock call.
    expect(await rejection(t.send(tcpSyn(freshId())))).toBeInstanceOf(PreflightError);
    expect(winsockCallCounts()).toEqual({});
    // Past pre-flight, the Winsock socket is opened: off Windows, loading ws2_32.dll fails.
    const error = await rejection(t.send(echo(freshId())));
    expect(error).toBeInstanceOf(WinsockError);
    expect((error as WinsockError).syscall).toBe('LoadLibrary');
    expect(() => t.receive({ timeoutMs: 10 })).toThrow(WinsockError);
    expect(open).not.toHaveBeenCalled();
  });
});

describe('RawSocket: pre-flight on request', () => {
  it('off by default; with { preflight } open() refuses before socket()', () => {
    const fds = fdCount();
    expect(() => RawSocket.open({ family: 4, protocol: 1, preflight: { context: { privileges: false } } })).toThrow(/LINUX_CAP_NET_RAW|MACOS_ROOT_REQUIRED/);
    expect(() => RawSocket.open({ family: 4, protocol: 0, preflight: { context: WIN11 } })).toThrow(/WIN_PROTOCOL_ZERO/);
    expect(() => RawSocket.open({ family: 4, protocol: 1, preflight: 'yes' as unknown as boolean })).toThrow(/preflight/);
    expect(fdCount()).toBe(fds);
  });

  it('send() and sendMany() check each datagram; force sends it (to 127.0.0.1)', (ctx) => {
    requireRaw(ctx);
    using plain = RawSocket.open({ family: 4, protocol: 255 });
    expect(plain.findings).toEqual([]);
    expect(plain.check(tcpSyn(1).encode())).toEqual([]);
    using s = RawSocket.open({ family: 4, protocol: 255, preflight: { context: WIN11 } });
    expect(s.findings.every((f) => f.severity !== 'error')).toBe(true);
    const bytes = tcpSyn(freshId()).encode();
    expect(s.check(bytes, '127.0.0.1').map((f) => f.code)).toContain('WIN_TCP_SEND_BLOCKED');
    expect(() => s.send(bytes, '127.0.0.1')).toThrow(PreflightError);
    expect(() => s.sendMany([{ bytes: echo(freshId()).encode(), destination: '127.0.0.1' }, { bytes, destination: '127.0.0.1' }])).toThrow(/WIN_TCP_SEND_BLOCKED/);
    expect(s.send(bytes, '127.0.0.1', { force: true })).toBe(bytes.length);
  });
});
