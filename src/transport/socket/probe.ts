/**
 * `probe()`: what this machine can do with raw sockets, found by trying. Per address family
 * and protocol: whether a raw socket opens, and whether IP_HDRINCL / IPV6_HDRINCL can be set;
 * the privileges and interfaces pre-flight detects. On Windows it also reads the Winsock
 * catalog (WSAEnumProtocolsW, like `netsh winsock show catalog` filtered to RAW) and reports
 * where the catalog and the sockets disagree.
 */
import { RawcraftError } from '../../codec/errors.js';
import { RawSocket } from './raw-socket.js';
import { TransportError } from '../errors.js';
import { detectContext, platformName } from '../preflight/context.js';
import { protocolName } from '../preflight/rules.js';
import type { LocalAddress, Privileges, TargetPlatform } from '../preflight/types.js';
import { readCatalog, type CatalogEntry } from './windows/catalog.js';
import { WindowsRawSocket } from './windows/windows-raw-socket.js';
import { WinsockError } from './windows/winsock-error.js';
import { loadWs2 } from './windows/ws2_32.js';

/** Why something failed, in plain data. */
export interface ProbeFailure {
  /** `EPERM`, `WSAEACCES`, `WSAEPROTONOSUPPORT`... */
  readonly name: string;
  /** errno or WSA code. */
  readonly number: number;
  readonly message: string;
  readonly remedy: string;
}

/** One raw socket `probe()` tried: family, protocol, whether it opened (or why not) and took IP_HDRINCL / IPV6_HDRINCL. */
export interface ProbeSocketResult {
  readonly family: 4 | 6;
  readonly protocol: number;
  /** `ICMP (1)`... */
  readonly protocolName: string;
  readonly opens: boolean;
  /** Why it did not open. */
  readonly error?: ProbeFailure;
  /** Whether IP_HDRINCL (family 4) / IPV6_HDRINCL (family 6) can be set; absent when the socket did not open. */
  readonly hdrincl?: { readonly supported: boolean; readonly error?: ProbeFailure };
}

/** The Winsock catalog as `probe()` read it on Windows, with its RAW entries. */
export interface ProbeCatalog {
  /** Every entry of the catalog. */
  readonly entries: readonly CatalogEntry[];
  /** The RAW entries for AF_INET / AF_INET6 (`RAW/IP`, `RAW/IPv6`). */
  readonly raw: readonly CatalogEntry[];
  readonly error?: ProbeFailure;
}

/** What `probe()` found: per family and protocol, whether a raw socket opens and takes header inclusion. */
export interface ProbeReport {
  readonly platform: TargetPlatform;
  /** `windows-10 (Wine 8.0)`, `linux 6.1.0`... */
  readonly platformName: string;
  readonly privileges: Privileges;
  readonly interfaces: readonly LocalAddress[];
  readonly sockets: readonly ProbeSocketResult[];
  /** Windows only. */
  readonly catalog?: ProbeCatalog;
  /** Where two sources disagree (the catalog against the sockets, detection against the sockets). */
  readonly disagreements: readonly string[];
}

/** The family/protocol pairs tried. */
export const PROBED: ReadonlyArray<readonly [4 | 6, number]> = [
  [4, 1],
  [4, 6],
  [4, 17],
  [4, 132],
  [4, 255],
  [6, 58],
  [6, 6],
  [6, 17],
  [6, 255],
];

function failure(err: unknown): ProbeFailure {
  if (err instanceof TransportError || err instanceof WinsockError) {
    return { name: err.errnoName, number: err.errno, message: err.message, remedy: err.remedy };
  }
  if (err instanceof RawcraftError) return { name: err.code, number: 0, message: err.message, remedy: '' };
  const e = err instanceof Error ? err : new Error(String(err));
  return { name: e.name, number: 0, message: e.message, remedy: '' };
}

interface Opener {
  open(family: 4 | 6, protocol: number, hdrincl: boolean | undefined): { close(): void };
  /** Is this error from the HDRINCL setsockopt (rather than socket creation)? */
  isOptionError(err: unknown): boolean;
}

const posixOpener: Opener = {
  open: (family, protocol, hdrincl) => RawSocket.open(hdrincl === undefined ? { family, protocol } : { family, protocol, hdrincl }),
  isOptionError: (err) => err instanceof TransportError && err.syscall === 'setsockopt',
};

const windowsOpener: Opener = {
  // force: the probe wants to see what Winsock says, not what pre-flight predicts.
  open: (family, protocol, hdrincl) =>
    WindowsRawSocket.open(hdrincl === undefined ? { family, protocol, force: true } : { family, protocol, hdrincl, force: true }),
  isOptionError: (err) => err instanceof WinsockError && err.syscall === 'setsockopt',
};

function trySockets(opener: Opener): ProbeSocketResult[] {
  return PROBED.map(([family, protocol]) => {
    const base = { family, protocol, protocolName: protocolName(protocol) };
    try {
      opener.open(family, protocol, undefined).close();
    } catch (err) {
      return { ...base, opens: false, error: failure(err) };
    }
    try {
      opener.open(family, protocol, true).close();
      return { ...base, opens: true, hdrincl: { supported: true } };
    } catch (err) {
      return { ...base, opens: true, hdrincl: { supported: false, error: failure(err) } };
    }
  });
}

function windowsCatalog(): ProbeCatalog {
  try {
    const r = readCatalog(loadWs2());
    if (typeof r === 'number') {
      const e = new WinsockError({ call: 'WSAEnumProtocolsW', wsaCode: -r });
      return { entries: [], raw: [], error: failure(e) };
    }
    return { entries: r, raw: r.filter((e) => e.raw) };
  } catch (err) {
    return { entries: [], raw: [], error: failure(err) };
  }
}

function disagreements(sockets: readonly ProbeSocketResult[], catalog: ProbeCatalog | undefined, privileges: Privileges): string[] {
  const out: string[] = [];
  const opened = (family: 4 | 6) => sockets.filter((s) => s.family === family && s.opens).map((s) => s.protocol);
  if (catalog && !catalog.error) {
    for (const [family, af, label] of [
      [4, 2, 'RAW/IP (AF_INET)'],
      [6, 23, 'RAW/IPv6 (AF_INET6)'],
    ] as const) {
      const listed = catalog.raw.some((e) => e.addressFamily === af);
      const open = opened(family);
      if (!listed && open.length) out.push(`The Winsock catalog lists no ${label} entry, yet raw IPv${family} sockets open (protocols ${open.join(', ')}).`);
      if (listed && !open.length) out.push(`The Winsock catalog lists ${label}, yet no raw IPv${family} socket opened (${firstError(sockets, family)}).`);
      for (const e of catalog.raw.filter((x) => x.addressFamily === af && x.maxMessageSize !== 65467)) {
        out.push(`The catalog entry "${e.description}" gives a maximum message size of ${e.maxMessageSize} bytes, not the 65,467 the document names; pre-flight checks 65,467.`);
      }
    }
  }
  const anyOpen = sockets.some((s) => s.opens);
  if (privileges === 'unprivileged' && anyOpen) out.push('Detection says this process is unprivileged, yet raw sockets open.');
  if (privileges === 'elevated' && !anyOpen) out.push(`Detection says this process is elevated, yet no raw socket opens (${firstError(sockets, 4)}).`);
  return out;
}

function firstError(sockets: readonly ProbeSocketResult[], family: 4 | 6): string {
  const e = sockets.find((s) => s.family === family && s.error)?.error;
  return e ? `${e.name}` : 'no error recorded';
}

/**
 * Probe this machine (opens and closes a few raw sockets; sends nothing).
 * @example
 * {@includeCode ../../../examples/api-preflight.ts#probe}
 */
export function probe(): ProbeReport {
  const detected = detectContext();
  const windows = process.platform === 'win32';
  const sockets = trySockets(windows ? windowsOpener : posixOpener);
  const catalog = windows ? windowsCatalog() : undefined;
  return {
    platform: detected.platform,
    platformName: platformName(detected.platform),
    privileges: detected.privileges,
    interfaces: detected.interfaces,
    sockets,
    ...(catalog ? { catalog } : {}),
    disagreements: disagreements(sockets, catalog, detected.privileges),
  };
}

/**
 * The report as text, for the CLI.
 * @example
 * {@includeCode ../../../examples/api-preflight.ts#probe}
 */
export function formatProbe(r: ProbeReport): string {
  const lines: string[] = [];
  lines.push(`platform: ${r.platformName}`);
  lines.push(`privileges: ${r.privileges}`);
  lines.push(`interfaces: ${r.interfaces.map((a) => `${a.address}${a.prefixLength !== undefined ? `/${a.prefixLength}` : ''}${a.interface ? ` (${a.interface})` : ''}`).join(', ') || 'none'}`);
  lines.push('raw sockets:');
  for (const s of r.sockets) {
    const opt = s.family === 4 ? 'IP_HDRINCL' : 'IPV6_HDRINCL';
    const state = s.opens
      ? `opens; ${opt} ${s.hdrincl?.supported ? 'yes' : `no (${s.hdrincl?.error?.name ?? '?'})`}`
      : `does not open: ${s.error?.name ?? '?'}`;
    lines.push(`  IPv${s.family} ${s.protocolName.padEnd(18)} ${state}`);
  }
  if (r.catalog) {
    lines.push(`Winsock catalog: ${r.catalog.error ? `unreadable (${r.catalog.error.name})` : `${r.catalog.entries.length} entries, ${r.catalog.raw.length} RAW`}`);
    for (const e of r.catalog.entries) {
      lines.push(
        `  ${e.raw ? 'RAW ' : '    '}${e.description} (af ${e.addressFamily}, type ${e.socketType}, protocol ${e.protocol}, max ${e.maxMessageSize}, ${e.serviceFlagNames.join('|') || 'no XP1 flags'})`,
      );
    }
  }
  if (r.disagreements.length) {
    lines.push('disagreements:');
    for (const d of r.disagreements) lines.push(`  ${d}`);
  }
  const failures = r.sockets.filter((s) => s.error);
  const remedy = failures.find((s) => s.error?.remedy)?.error?.remedy;
  if (remedy && !r.sockets.some((s) => s.opens)) lines.push(`to open raw sockets: ${remedy}`);
  return lines.join('\n');
}
