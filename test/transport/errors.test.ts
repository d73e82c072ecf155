/**
 * errno -> TransportError mapping, with the kernel producing the errno where it can.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import koffi from 'koffi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RawcraftError } from '../../src/codec/errors.js';
import { RawSocket, SETCAP_COMMAND, TransportError, posixConstants } from '../../src/transport/index.js';
import { IN_CI, buildTransportForChild, fdCount, freshId, icmpEcho, rawAccess, requireRaw } from './helpers.js';

function thrown(fn: () => unknown): TransportError {
  try {
    fn();
  } catch (err) {
    if (err instanceof TransportError) return err;
    throw err;
  }
  throw new Error('expected a TransportError');
}

describe('TransportError from the kernel', () => {
  let child: { dir: string; cleanup: () => void } | undefined;
  beforeAll(async () => {
    if (rawAccess.ok) child = await buildTransportForChild(); // only privileged tests use it
  });
  afterAll(() => child?.cleanup());

  it('EPERM for an unprivileged user opening a raw socket, with the setcap remedy', (ctx) => {
    const expectEperm = (out: Record<string, unknown>) => {
      expect(out).toMatchObject({
        name: 'TransportError',
        code: 'E_TRANSPORT',
        syscall: 'socket',
        errnoName: 'EPERM',
        errno: koffi.os.errno.EPERM,
        platform: 'linux',
      });
      expect(out.remedy).toContain('run as root, or grant the capability: sudo setcap cap_net_raw+ep $(readlink -f $(which node))');
      expect(out.message).toContain(SETCAP_COMMAND);
    };
    if (!rawAccess.ok) {
      // Already unprivileged: this very process shows the mapping.
      expectEperm(thrown(() => RawSocket.open({ family: 4, protocol: 1 })).toJSON());
      return;
    }
    // Privileged: drop to nobody (uid/gid 65534, no capabilities) in a child process.
    const script = join(child!.dir, 'open-unprivileged.mjs');
    writeFileSync(
      script,
      `import { RawSocket } from './src/transport/index.js';
try { RawSocket.open({ family: 4, protocol: 1 }).close(); console.log(JSON.stringify({ opened: true })); }
catch (err) { console.log(JSON.stringify(err)); }
`,
    );
    const run = spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, script], {
      cwd: child!.dir,
      encoding: 'utf8',
      timeout: 20_000,
    });
    if (run.error && !IN_CI) ctx.skip(`setpriv unavailable: ${run.error.message}`);
    expect(run.status, run.stderr).toBe(0);
    expectEperm(JSON.parse(run.stdout.trim().split('\n').pop()!) as Record<string, unknown>);
  });

  it('EACCES when sending to the loopback broadcast address without SO_BROADCAST', (ctx) => {
    requireRaw(ctx);
    const packet = icmpEcho({ id: freshId(), seq: 1 });
    {
      using sock = RawSocket.open({ family: 4, protocol: 1 });
      const err = thrown(() => sock.send(packet, '127.255.255.255'));
      expect(err).toBeInstanceOf(RawcraftError);
      expect(err.code).toBe('E_TRANSPORT');
      expect(err.syscall).toBe('sendto');
      expect(err.errnoName).toBe('EACCES');
      expect(err.errno).toBe(koffi.os.errno.EACCES);
      expect(err.address).toBe('127.255.255.255');
      expect(err.remedy).toContain('enable SO_BROADCAST ({ broadcast: true })');
    }
    // With the option the same send goes out (loopback broadcast never leaves the host).
    using sock = RawSocket.open({ family: 4, protocol: 1, broadcast: true });
    expect(sock.send(packet, '127.255.255.255')).toBe(packet.length);
  });

  it('ENODEV for an interface that does not exist', (ctx) => {
    requireRaw(ctx);
    const err = thrown(() => RawSocket.open({ family: 4, protocol: 1, interface: 'rawcraftnope0' }));
    expect(err.errnoName).toBe('ENODEV');
    expect(err.syscall).toBe('setsockopt');
    expect(err.option).toBe('SO_BINDTODEVICE');
    expect(err.interface).toBe('rawcraftnope0');
    expect(err.remedy).toContain('no network interface named "rawcraftnope0"');
    // And a real one works.
    RawSocket.open({ family: 4, protocol: 1, interface: 'lo' }).close();
  });

  it('EMSGSIZE names the size and the route MTU', (ctx) => {
    requireRaw(ctx);
    using sock = RawSocket.open({ family: 4, protocol: 1 });
    const err = thrown(() => sock.send(new Uint8Array(70_000), '127.0.0.1'));
    expect(err.errnoName).toBe('EMSGSIZE');
    expect(err.size).toBe(70_000);
    expect(err.mtu).toBe(65535); // loopback's 65536, capped by Linux's IP_MTU at the IPv4 maximum
    expect(err.message).toContain('70000 bytes is too large');
    expect(err.message).toContain('MTU of the route to 127.0.0.1 is 65535 bytes');
  });

  it('EPROTONOSUPPORT for protocol 0, which SOCK_RAW refuses', (ctx) => {
    requireRaw(ctx);
    const err = thrown(() => RawSocket.open({ family: 6, protocol: 0 }));
    expect(err.syscall).toBe('socket');
    expect(err.errnoName).toBe('EPROTONOSUPPORT');
    expect(err.remedy).toContain('0 (IPPROTO_IP) is refused');
  });

  it('EADDRNOTAVAIL when binding to an address this host does not have', (ctx) => {
    requireRaw(ctx);
    // 198.51.100.7 (TEST-NET-2) is never local; bind fails before anything is sent.
    const err = thrown(() => RawSocket.open({ family: 4, protocol: 1, bind: '198.51.100.7' }));
    expect(err.errnoName).toBe('EADDRNOTAVAIL');
    expect(err.syscall).toBe('bind');
    expect(err.remedy).toContain('not an address of this host');
  });

  it('a failed open leaves no descriptor behind', (ctx) => {
    requireRaw(ctx);
    const before = fdCount();
    for (let i = 0; i < 50; i++) thrown(() => RawSocket.open({ family: 4, protocol: 1, interface: 'rawcraftnope0' }));
    expect(fdCount()).toBe(before);
  });
});

describe('TransportError messages (no kernel involved)', () => {
  const base = { errno: 0, platform: 'linux' } as const;

  it.each([
    [{ syscall: 'socket', errnoName: 'EACCES' }, 'grant the capability: sudo setcap cap_net_raw+ep'],
    [{ syscall: 'sendto', errnoName: 'ENOBUFS', size: 100 }, 'Backpressure'],
    [{ syscall: 'sendmmsg', errnoName: 'EAGAIN', index: 3 }, 'Backpressure'],
    [{ syscall: 'sendto', errnoName: 'ENETUNREACH', address: '203.0.113.9' }, 'ip route get 203.0.113.9'],
    [{ syscall: 'sendto', errnoName: 'EHOSTUNREACH', address: '203.0.113.9' }, '203.0.113.9 is unreachable'],
    [{ syscall: 'bind', errnoName: 'EADDRNOTAVAIL', address: '192.0.2.1' }, '192.0.2.1 is not an address of this host'],
    [{ syscall: 'setsockopt', errnoName: 'EINVAL', option: 'IP_TTL', optionValue: 0 }, 'rejected IP_TTL = 0'],
    [{ syscall: 'sendto', errnoName: 'EINVAL' }, 'IP header must be well formed'],
    [{ syscall: 'socket', errnoName: 'EPROTONOSUPPORT', family: 6, protocol: 132 }, 'raw IPv6 sockets for protocol 132'],
    [{ syscall: 'setsockopt', errnoName: 'ENOPROTOOPT', family: 6, option: 'IPV6_HDRINCL' }, 'does not support IPV6_HDRINCL'],
    [{ syscall: 'sendto', errnoName: 'EMSGSIZE', size: 9000, mtu: 1500, address: '2001:db8::1' }, '9000 bytes is too large: the MTU of the route to 2001:db8::1 is 1500 bytes'],
    [{ syscall: 'sendto', errnoName: 'EDESTADDRREQ' }, 'open the socket with { connect }'],
  ] as const)('%o -> %s', (init, text) => {
    const err = new TransportError({ ...base, ...init });
    expect(err.remedy).toContain(text);
    expect(err.message).toContain(init.errnoName);
    expect(err.name).toBe('TransportError');
    expect(JSON.parse(JSON.stringify(err))).toMatchObject({ code: 'E_TRANSPORT', errnoName: init.errnoName, remedy: err.remedy });
  });

  it('sendMany errors say which packet failed', () => {
    const err = new TransportError({ ...base, syscall: 'sendmmsg', errnoName: 'ENOBUFS', index: 3 });
    expect(err.message).toContain('packet #3 of the batch');
  });

  it('macOS names root instead of setcap', () => {
    const err = new TransportError({ errno: 1, platform: 'darwin', syscall: 'socket', errnoName: 'EPERM' });
    expect(err.remedy).toContain('run as root');
    expect(err.remedy).not.toContain('setcap');
  });
});

describe('per-OS constants', () => {
  it('the Linux errno table agrees with the running system', () => {
    const linux = posixConstants('linux')!;
    for (const [name, value] of Object.entries(linux.errno)) expect([name, value]).toEqual([name, koffi.os.errno[name]]);
    expect(posixConstants('win32')).toBeUndefined();
    expect(posixConstants('darwin')!.sockaddrHasLen).toBe(true);
  });
});
