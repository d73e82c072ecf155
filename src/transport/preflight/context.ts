/**
 * The pre-flight context: detected on this machine (os.platform/release/version, elevation,
 * os.networkInterfaces), with any part given explicitly instead, so a Linux CI job can ask
 * what would happen on a Windows 11 runner.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import { match, P } from 'ts-pattern';
import { InputError } from '../../codec/errors.js';
import { parseIp } from '../socket/sockaddr.js';
import type {
  ContextOrigin,
  LocalAddress,
  PreflightContext,
  PreflightContextInput,
  Privileges,
  TargetPlatform,
  WindowsClientRelease,
  WindowsPlatform,
  WindowsServerRelease,
} from './types.js';

/** What the OS module says; injectable so detection can be tested for any system. */
export interface OsFacts {
  /** `os.platform()`: `win32`, `linux`, `darwin`... */
  readonly platform: string;
  /** `os.release()`: `10.0.22631`, `6.1.0-18-amd64`, `23.4.0`... */
  readonly release: string;
  /** `os.version()`: `Windows 11 Pro`, `Windows Server 2022 Datacenter`, `#1 SMP Debian...`, `Darwin Kernel Version...` */
  readonly version: string;
}

const CLIENT_RELEASES: readonly WindowsClientRelease[] = ['2000', 'xp', 'vista', '7', '8', '8.1', '10', '11'];
const SERVER_RELEASES: readonly WindowsServerRelease[] = ['2003', '2003r2', '2008', '2008r2', '2012', '2012r2', '2016', '2019', '2022', '2025'];

/** Names `parsePlatform` accepts, for help texts. */
export const PLATFORM_NAMES = [
  ...CLIENT_RELEASES.map((r) => `windows-${r}`),
  ...SERVER_RELEASES.map((r) => `windows-server-${r}`),
  'linux',
  'macos',
] as const;

/**
 * A platform from its name: `windows-11`, `windows-10`, `windows-7-sp1`, `windows-xp-sp2`,
 * `windows-server-2008r2`, `windows-server-2022`, `linux`, `linux-5.15`, `macos`, `macos-14.4`.
 * Throws InputError for anything else.
 * @throws {@link InputError} a name that is no platform (the message lists the known ones).
 * @example
 * {@includeCode ../../../examples/api-preflight.ts#platforms}
 */
export function parsePlatform(name: string): TargetPlatform {
  const text = name.trim().toLowerCase();
  const win = /^windows-(server-)?([0-9a-z.]+?)(?:-sp([0-9]))?$/.exec(text);
  if (win) {
    const servicePack = win[3] ? Number(win[3]) : 0;
    const release = win[2];
    if (win[1]) {
      const r = SERVER_RELEASES.find((s) => s === release.replace(/-?r2$/, 'r2'));
      if (r) return { os: 'windows', edition: 'server', release: r, servicePack };
    } else {
      const r = CLIENT_RELEASES.find((s) => s === release);
      if (r) return { os: 'windows', edition: 'client', release: r, servicePack };
    }
  }
  const linux = /^linux(?:-([0-9][0-9a-z.+_-]*))?$/.exec(text);
  if (linux) return linux[1] ? { os: 'linux', kernel: linux[1] } : { os: 'linux' };
  const mac = /^(?:macos|darwin|osx)(?:-([0-9][0-9.]*))?$/.exec(text);
  if (mac) return mac[1] ? { os: 'macos', version: mac[1] } : { os: 'macos' };
  throw new InputError(
    `unknown platform ${JSON.stringify(name)}: expected one of windows-11, windows-10, windows-8.1, windows-7[-sp1], windows-vista, windows-xp-sp2, windows-server-2008r2, windows-server-2022 (any of ${SERVER_RELEASES.join(', ')}), linux[-KERNEL], macos[-VERSION]`,
  );
}

/**
 * Short display name: `windows-10`, `windows-server-2022`, `windows-xp-sp2`, `linux 6.1.0`, `macos 14.4`.
 * @example
 * {@includeCode ../../../examples/api-preflight.ts#platforms}
 */
export function platformName(p: TargetPlatform): string {
  return match(p)
    .with({ os: 'windows' }, (w) => `windows-${w.edition === 'server' ? 'server-' : ''}${w.release}${w.servicePack ? `-sp${w.servicePack}` : ''}${w.wine ? ` (Wine ${w.wine})` : ''}`)
    .with({ os: 'linux' }, (l) => (l.kernel ? `linux ${l.kernel}` : 'linux'))
    .with({ os: 'macos' }, (m) => (m.version ? `macos ${m.version}` : m.darwin ? `macos (darwin ${m.darwin})` : 'macos'))
    .with({ os: 'other' }, (o) => o.name)
    .exhaustive();
}

/**
 * The platform from what the `os` module reports. Windows: NT version and build from
 * `os.release()` (10.0 builds from 22000 on are Windows 11), client or server and service pack
 * from `os.version()`.
 * @example
 * {@includeCode ../../../examples/api-preflight.ts#platforms}
 */
export function platformFromOs(facts: OsFacts): TargetPlatform {
  switch (facts.platform) {
    case 'win32':
      return windowsFromOs(facts);
    case 'linux':
      return { os: 'linux', kernel: facts.release };
    case 'darwin': {
      // Darwin 20 is macOS 11, 21 is 12...; older ones are 10.(darwin-4).
      const major = Number(facts.release.split('.')[0]);
      const version = major >= 20 ? String(major - 9) : major >= 5 ? `10.${major - 4}` : undefined;
      return version ? { os: 'macos', version, darwin: facts.release } : { os: 'macos', darwin: facts.release };
    }
    default:
      return { os: 'other', name: facts.platform };
  }
}

function windowsFromOs(facts: OsFacts): WindowsPlatform {
  const [maj, min, buildText] = facts.release.split('.');
  const nt = `${Number(maj)}.${Number(min)}`;
  const build = buildText !== undefined && /^[0-9]+$/.test(buildText) ? Number(buildText) : undefined;
  const server = /server/i.test(facts.version);
  const spMatch = /service pack ([0-9])/i.exec(facts.version);
  const servicePack = spMatch ? Number(spMatch[1]) : 0;
  const withBuild = build !== undefined ? { build } : {};
  if (server) {
    const named = /server (2003|2008|2012|2016|2019|2022|2025)( r2)?/i.exec(facts.version);
    const release: WindowsServerRelease = named
      ? ((named[1] + (named[2] ? 'r2' : '')) as WindowsServerRelease)
      : match(nt)
          .with('5.2', () => '2003' as const)
          .with('6.0', () => '2008' as const)
          .with('6.1', () => '2008r2' as const)
          .with('6.2', () => '2012' as const)
          .with('6.3', () => '2012r2' as const)
          .otherwise(() => (build === undefined || build >= 26100 ? '2025' : build >= 20348 ? '2022' : build >= 17763 ? '2019' : '2016'));
    return { os: 'windows', edition: 'server', release, servicePack, ...withBuild };
  }
  const release: WindowsClientRelease = match(nt)
    .with('5.0', () => '2000' as const)
    .with(P.union('5.1', '5.2'), () => 'xp' as const)
    .with('6.0', () => 'vista' as const)
    .with('6.1', () => '7' as const)
    .with('6.2', () => '8' as const)
    .with('6.3', () => '8.1' as const)
    .otherwise(() => (build !== undefined && build >= 22000 ? '11' : '10'));
  return { os: 'windows', edition: 'client', release, servicePack, ...withBuild };
}

/** Same OS family (a Windows target on Windows, Linux on Linux...). */
function sameSystem(a: TargetPlatform, b: TargetPlatform): boolean {
  return a.os === b.os && (a.os !== 'other' || (b.os === 'other' && a.name === b.name));
}

/** The local addresses from `os.networkInterfaces()`. */
export function detectInterfaces(): LocalAddress[] {
  const out: LocalAddress[] = [];
  for (const [name, list] of Object.entries(os.networkInterfaces())) {
    for (const a of list ?? []) {
      const family = a.family === 'IPv4' ? 4 : a.family === 'IPv6' ? 6 : undefined;
      if (!family) continue;
      const prefix = a.cidr ? Number(a.cidr.split('/')[1]) : undefined;
      out.push({ address: a.address, family, interface: name, ...(prefix !== undefined && Number.isInteger(prefix) ? { prefixLength: prefix } : {}) });
    }
  }
  return out;
}

/** The loopback addresses: what a machine of another OS is assumed to have when none are given. */
export const LOOPBACK: readonly LocalAddress[] = [
  { address: '127.0.0.1', family: 4, prefixLength: 8, interface: 'loopback' },
  { address: '::1', family: 6, prefixLength: 128, interface: 'loopback' },
];

/** Parse `192.0.2.5`, `192.0.2.5/24`, `2001:db8::1/64`; throws InputError otherwise. */
export function parseLocalAddress(text: string): LocalAddress {
  const [addr, prefix, extra] = text.trim().split('/');
  const parsed = parseIp(addr);
  const bits = prefix === undefined ? undefined : Number(prefix);
  if (!parsed || extra !== undefined || (bits !== undefined && (!Number.isInteger(bits) || bits < 0 || bits > (parsed.family === 4 ? 32 : 128)))) {
    throw new InputError(`not a local address: ${JSON.stringify(text)} (expected an IPv4 or IPv6 address, optionally with /PREFIX)`);
  }
  return bits === undefined ? { address: addr, family: parsed.family } : { address: addr, family: parsed.family, prefixLength: bits };
}

const CAP_NET_RAW = 13;

/**
 * Linux: CAP_NET_RAW in the effective capability set, from a /proc/PID/status text (root
 * normally has it; a root process that dropped it cannot open raw sockets). Without a CapEff
 * line, effective uid 0 counts as elevated.
 */
export function linuxPrivilegesFromStatus(status: string): Privileges {
  const cap = /^CapEff:\s+([0-9a-f]+)/im.exec(status);
  if (cap) return (BigInt(`0x${cap[1]}`) >> BigInt(CAP_NET_RAW)) & 1n ? 'elevated' : 'unprivileged';
  const uid = /^Uid:\s+[0-9]+\s+([0-9]+)/m.exec(status);
  if (uid) return uid[1] === '0' ? 'elevated' : 'unprivileged';
  return 'unknown';
}

/** Windows: Administrator (IsUserAnAdmin); under Wine, the Linux process's own rights, which are what count there. */
function windowsPrivileges(wine: string | undefined): Privileges {
  if (wine !== undefined) {
    try {
      // Wine maps the Unix root to drive Z:.
      return linuxPrivilegesFromStatus(readFileSync('Z:\\proc\\self\\status', 'utf8'));
    } catch {
      /* fall back to the Windows answer */
    }
  }
  const koffi = loadKoffi();
  if (!koffi) return 'unknown';
  try {
    const isUserAnAdmin = koffi.load('shell32.dll').func('int __stdcall IsUserAnAdmin()') as () => number;
    return isUserAnAdmin() ? 'elevated' : 'unprivileged';
  } catch {
    return 'unknown';
  }
}

interface KoffiLike {
  load(path: string): { func(proto: string): unknown };
}

function loadKoffi(): KoffiLike | undefined {
  try {
    return createRequire(import.meta.url)('koffi') as KoffiLike;
  } catch {
    return undefined;
  }
}

let wineVersion: { value: string | undefined } | undefined;

/** The Wine version when this Windows process runs under Wine (ntdll exports wine_get_version); cached. */
export function detectWine(): string | undefined {
  if (wineVersion) return wineVersion.value;
  let value: string | undefined;
  const koffi = process.platform === 'win32' ? loadKoffi() : undefined;
  if (koffi) {
    try {
      const get = koffi.load('ntdll.dll').func('const char *wine_get_version()') as () => string | null;
      value = get() ?? undefined;
    } catch {
      value = undefined;
    }
  }
  wineVersion = { value };
  return value;
}

/** This process's privileges for raw sockets. */
export function detectPrivileges(platform: string = process.platform): Privileges {
  try {
    if (platform === 'linux') return linuxPrivilegesFromStatus(readFileSync('/proc/self/status', 'utf8'));
    if (platform === 'win32') return windowsPrivileges(detectWine());
    if (typeof process.geteuid === 'function') return process.geteuid() === 0 ? 'elevated' : 'unprivileged';
  } catch {
    /* unknown */
  }
  return 'unknown';
}

interface Detected {
  readonly platform: TargetPlatform;
  readonly privileges: Privileges;
  readonly interfaces: readonly LocalAddress[];
}

let cache: { platform: TargetPlatform; privileges?: Privileges } | undefined;

/** This machine's platform (cached; the Wine check loads a DLL once). */
export function detectPlatform(): TargetPlatform {
  if (cache) return cache.platform;
  let platform = platformFromOs({ platform: os.platform(), release: os.release(), version: os.version() });
  if (platform.os === 'windows') {
    const wine = detectWine();
    if (wine) platform = { ...platform, wine };
  }
  cache = { platform };
  return platform;
}

function detectPrivilegesCached(): Privileges {
  detectPlatform();
  return (cache!.privileges ??= detectPrivileges());
}

/** Forget what was detected (after a privilege drop, say). */
export function clearDetectedContext(): void {
  cache = undefined;
}

/**
 * The detected context of this machine (no socket options).
 * @example
 * {@includeCode ../../../examples/api-preflight.ts#platforms}
 */
export function detectContext(): Detected {
  return { platform: detectPlatform(), privileges: detectPrivilegesCached(), interfaces: detectInterfaces() };
}

/**
 * A full context from a partial one: every part not given is detected. A `platform` naming
 * another system than this one makes privileges default to elevated and the interfaces to
 * loopback (this machine's would mean nothing there).
 * @throws {@link InputError} an unknown platform name.
 * @example
 * {@includeCode ../../../examples/api-preflight.ts#platforms}
 */
export function resolveContext(input: PreflightContextInput | PreflightContext = {}): PreflightContext {
  if (isResolved(input)) return input;
  const given = input.platform === undefined ? undefined : typeof input.platform === 'string' ? parsePlatform(input.platform) : input.platform;
  const here = detectPlatform();
  const platform = given ?? here;
  const foreign = !sameSystem(platform, here);

  let privileges: Privileges;
  let privilegesOrigin: ContextOrigin;
  if (input.privileges !== undefined) {
    privileges = typeof input.privileges === 'boolean' ? (input.privileges ? 'elevated' : 'unprivileged') : input.privileges;
    privilegesOrigin = 'given';
  } else if (foreign) {
    privileges = 'elevated';
    privilegesOrigin = 'default';
  } else {
    privileges = detectPrivilegesCached();
    privilegesOrigin = 'detected';
  }

  let interfaces: readonly LocalAddress[];
  let interfacesOrigin: ContextOrigin;
  if (input.interfaces !== undefined) {
    interfaces = input.interfaces.map((a) => (typeof a === 'string' ? parseLocalAddress(a) : a));
    interfacesOrigin = 'given';
  } else if (foreign) {
    interfaces = LOOPBACK;
    interfacesOrigin = 'default';
  } else {
    interfaces = detectInterfaces();
    interfacesOrigin = 'detected';
  }

  return {
    platform,
    privileges,
    socket: input.socket ?? {},
    interfaces,
    origin: { platform: given ? 'given' : 'detected', privileges: privilegesOrigin, interfaces: interfacesOrigin },
  };
}

function isResolved(input: PreflightContextInput | PreflightContext): input is PreflightContext {
  return 'origin' in input && typeof input.platform === 'object' && Array.isArray(input.interfaces) && typeof input.privileges === 'string';
}
