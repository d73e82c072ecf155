/** Context detection: os facts → platform, names → platform, privileges, defaults and overrides. */
import { describe, expect, it } from 'vitest';
import {
  linuxPrivilegesFromStatus,
  LOOPBACK,
  parseLocalAddress,
  parsePlatform,
  platformFromOs,
  platformName,
  resolveContext,
  detectPlatform,
} from '../../src/transport/preflight/context.js';
import { InputError } from '../../src/codec/errors.js';
import type { TargetPlatform } from '../../src/transport/preflight/types.js';

describe('platformFromOs: os.platform(), os.release(), os.version() → platform', () => {
  const rows: Array<[string, string, string, TargetPlatform]> = [
    ['win32', '10.0.19045', 'Windows 10 Pro', { os: 'windows', edition: 'client', release: '10', servicePack: 0, build: 19045 }],
    ['win32', '10.0.22631', 'Windows 11 Enterprise', { os: 'windows', edition: 'client', release: '11', servicePack: 0, build: 22631 }],
    ['win32', '10.0.18362', 'Microsoft Windows 10', { os: 'windows', edition: 'client', release: '10', servicePack: 0, build: 18362 }],
    ['win32', '10.0.20348', 'Windows Server 2022 Datacenter', { os: 'windows', edition: 'server', release: '2022', servicePack: 0, build: 20348 }],
    ['win32', '10.0.17763', 'Windows Server Standard', { os: 'windows', edition: 'server', release: '2019', servicePack: 0, build: 17763 }],
    ['win32', '10.0.14393', 'Windows Server 2016 Standard', { os: 'windows', edition: 'server', release: '2016', servicePack: 0, build: 14393 }],
    ['win32', '10.0.26100', 'Windows Server 2025 Datacenter', { os: 'windows', edition: 'server', release: '2025', servicePack: 0, build: 26100 }],
    ['win32', '6.3.9600', 'Windows Server 2012 R2 Standard', { os: 'windows', edition: 'server', release: '2012r2', servicePack: 0, build: 9600 }],
    ['win32', '6.1.7601', 'Windows Server 2008 R2 Enterprise Service Pack 1', { os: 'windows', edition: 'server', release: '2008r2', servicePack: 1, build: 7601 }],
    ['win32', '6.1.7601', 'Windows 7 Ultimate Service Pack 1', { os: 'windows', edition: 'client', release: '7', servicePack: 1, build: 7601 }],
    ['win32', '6.0.6002', 'Windows Vista Business Service Pack 2', { os: 'windows', edition: 'client', release: 'vista', servicePack: 2, build: 6002 }],
    ['win32', '5.1.2600', 'Windows XP Professional Service Pack 3', { os: 'windows', edition: 'client', release: 'xp', servicePack: 3, build: 2600 }],
    ['win32', '5.2.3790', 'Windows Server 2003 Service Pack 2', { os: 'windows', edition: 'server', release: '2003', servicePack: 2, build: 3790 }],
    ['linux', '6.1.0-18-amd64', '#1 SMP PREEMPT_DYNAMIC Debian 6.1.76-1', { os: 'linux', kernel: '6.1.0-18-amd64' }],
    ['darwin', '23.4.0', 'Darwin Kernel Version 23.4.0', { os: 'macos', version: '14', darwin: '23.4.0' }],
    ['darwin', '19.6.0', 'Darwin Kernel Version 19.6.0', { os: 'macos', version: '10.15', darwin: '19.6.0' }],
    ['freebsd', '14.0-RELEASE', 'FreeBSD 14.0-RELEASE', { os: 'other', name: 'freebsd' }],
  ];
  it.each(rows)('%s %s %s', (platform, release, version, expected) => {
    expect(platformFromOs({ platform, release, version })).toEqual(expected);
  });
});

describe('parsePlatform: names for --platform and context.platform', () => {
  it.each([
    ['windows-11', { os: 'windows', edition: 'client', release: '11', servicePack: 0 }],
    ['windows-10', { os: 'windows', edition: 'client', release: '10', servicePack: 0 }],
    ['windows-7', { os: 'windows', edition: 'client', release: '7', servicePack: 0 }],
    ['windows-7-sp1', { os: 'windows', edition: 'client', release: '7', servicePack: 1 }],
    ['windows-xp-sp2', { os: 'windows', edition: 'client', release: 'xp', servicePack: 2 }],
    ['Windows-Server-2008R2', { os: 'windows', edition: 'server', release: '2008r2', servicePack: 0 }],
    ['windows-server-2022', { os: 'windows', edition: 'server', release: '2022', servicePack: 0 }],
    ['linux', { os: 'linux' }],
    ['linux-5.15.0', { os: 'linux', kernel: '5.15.0' }],
    ['macos', { os: 'macos' }],
    ['macos-14.4', { os: 'macos', version: '14.4' }],
  ])('%s', (name, expected) => {
    expect(parsePlatform(name)).toEqual(expected);
    expect(platformName(parsePlatform(name))).toMatch(/^(windows|linux|macos)/);
  });

  it.each(['windows-12', 'windows-server-2030', 'solaris', 'windows'])('refuses %s', (name) => {
    expect(() => parsePlatform(name)).toThrow(InputError);
    expect(() => parsePlatform(name)).toThrow(/windows-11.*windows-server-2008r2/);
  });
});

describe('privileges from /proc/self/status', () => {
  const status = (uid: number, capEff: string) => `Name:\tnode\nUid:\t${uid}\t${uid}\t${uid}\t${uid}\nCapEff:\t${capEff}\n`;
  it('root with all capabilities', () => expect(linuxPrivilegesFromStatus(status(0, '000001ffffffffff'))).toBe('elevated'));
  it('root without CAP_NET_RAW (bit 13)', () => expect(linuxPrivilegesFromStatus(status(0, '000001ffffffdfff'))).toBe('unprivileged'));
  it('a user with only CAP_NET_RAW (setcap)', () => expect(linuxPrivilegesFromStatus(status(1000, '0000000000002000'))).toBe('elevated'));
  it('a user without capabilities', () => expect(linuxPrivilegesFromStatus(status(65534, '0000000000000000'))).toBe('unprivileged'));
  it('no CapEff line: uid decides', () => {
    expect(linuxPrivilegesFromStatus('Uid:\t0\t0\t0\t0\n')).toBe('elevated');
    expect(linuxPrivilegesFromStatus('Uid:\t5\t5\t5\t5\n')).toBe('unprivileged');
    expect(linuxPrivilegesFromStatus('')).toBe('unknown');
  });
});

describe('resolveContext: detected by default, any part given', () => {
  it('detects this machine when nothing is given', () => {
    const c = resolveContext();
    expect(c.platform).toEqual(detectPlatform());
    expect(c.origin).toEqual({ platform: 'detected', privileges: 'detected', interfaces: 'detected' });
    expect(c.interfaces.some((a) => a.address === '127.0.0.1')).toBe(true);
    expect(['elevated', 'unprivileged', 'unknown']).toContain(c.privileges);
  });

  it('another system: privileges default to elevated, interfaces to loopback', () => {
    const other = detectPlatform().os === 'windows' ? 'linux' : 'windows-11';
    const c = resolveContext({ platform: other });
    expect(c.privileges).toBe('elevated');
    expect(c.interfaces).toEqual(LOOPBACK);
    expect(c.origin).toEqual({ platform: 'given', privileges: 'default', interfaces: 'default' });
  });

  it('given parts win over detection and defaults', () => {
    const c = resolveContext({ platform: 'windows-11', privileges: false, interfaces: ['192.0.2.10/24', '2001:db8::10'], socket: { hdrincl: true } });
    expect(c.privileges).toBe('unprivileged');
    expect(c.interfaces).toEqual([
      { address: '192.0.2.10', family: 4, prefixLength: 24 },
      { address: '2001:db8::10', family: 6 },
    ]);
    expect(c.socket).toEqual({ hdrincl: true });
    expect(c.origin).toEqual({ platform: 'given', privileges: 'given', interfaces: 'given' });
  });

  it('the same system named explicitly keeps detection for the rest', () => {
    const here = detectPlatform();
    const c = resolveContext({ platform: here });
    expect(c.origin.privileges).toBe('detected');
    expect(c.origin.interfaces).toBe('detected');
  });

  it('a resolved context passes through unchanged', () => {
    const c = resolveContext({ platform: 'linux', privileges: true, interfaces: [] });
    expect(resolveContext(c)).toBe(c);
  });

  it('bad local addresses are input errors', () => {
    expect(() => parseLocalAddress('192.0.2.1/33')).toThrow(InputError);
    expect(() => parseLocalAddress('nope')).toThrow(/not a local address/);
  });
});
