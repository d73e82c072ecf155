/**
 * What the link transport's pre-flight rules look at besides the platform and privileges: the
 * interface (exists, up, carrier, MTU, link type), whether libpcap loads, and per OS the access
 * libpcap needs (macOS: /dev/bpf*, Windows: Npcap's Administrators-only setting). Detected on
 * this machine; any part may be given instead, e.g. to check what would happen elsewhere.
 */
import { spawnSync } from 'node:child_process';
import { accessSync, constants, readdirSync } from 'node:fs';
import { LinkError } from '../link/errors.js';
import { listInterfaces } from '../link/interfaces.js';
import { loadLibpcap } from '../link/libpcap.js';

/** Whether libpcap loads, and if not what to install. */
export type LibraryFacts = { readonly ok: true; readonly version: string } | { readonly ok: false; readonly detail: string; readonly remedy: string };

/** What the link pre-flight knows about the interface and the system: existence, state, MTU, link type, libpcap, BPF and Npcap access. */
export interface LinkFacts {
  /** The interface to send on; undefined when the route picks it per destination. */
  readonly interface: string | undefined;
  /** Whether it exists (undefined: unknown, e.g. no interface named or another platform). */
  readonly exists: boolean | undefined;
  /** Administratively up. */
  readonly up: boolean | undefined;
  /** Carrier present (running). */
  readonly running: boolean | undefined;
  readonly mtu: number | undefined;
  /** LINKTYPE_ of its frames (1 Ethernet). */
  readonly linkType: number | undefined;
  /** undefined: not checked (another platform). */
  readonly library: LibraryFacts | undefined;
  /** macOS: this process may open /dev/bpf* for reading and writing. */
  readonly bpfAccess: boolean | undefined;
  /** Windows: Npcap was installed to restrict its driver to Administrators (registry AdminOnly). */
  readonly npcapAdminOnly: boolean | undefined;
  /** The transport pads Ethernet frames under 60 bytes (its default). */
  readonly pad: boolean;
}

/** The facts for `iface` on this machine, with `given` ones taking precedence. */
export function detectLinkFacts(iface: string | undefined, given: Partial<LinkFacts> = {}, platform: string = process.platform): LinkFacts {
  const library = given.library ?? libraryFacts(platform);
  const info = iface === undefined || given.exists !== undefined ? undefined : listInterfaces(library.ok ? undefined : null).find((i) => i.name === iface);
  const exists = iface === undefined ? undefined : (given.exists ?? info !== undefined);
  return {
    interface: iface,
    exists,
    up: given.up ?? info?.up,
    running: given.running ?? info?.running,
    mtu: given.mtu ?? info?.mtu,
    linkType: given.linkType ?? info?.linkType,
    library,
    bpfAccess: given.bpfAccess ?? (platform === 'darwin' ? bpfAccess() : undefined),
    npcapAdminOnly: given.npcapAdminOnly ?? (platform === 'win32' ? npcapAdminOnly() : undefined),
    pad: given.pad ?? true,
  };
}

/** Facts for another platform: only what was given (nothing of this machine applies). */
export function givenLinkFacts(iface: string | undefined, given: Partial<LinkFacts> = {}): LinkFacts {
  return {
    interface: iface,
    exists: given.exists,
    up: given.up,
    running: given.running,
    mtu: given.mtu,
    linkType: given.linkType,
    library: given.library,
    bpfAccess: given.bpfAccess,
    npcapAdminOnly: given.npcapAdminOnly,
    pad: given.pad ?? true,
  };
}

function libraryFacts(platform: string): LibraryFacts {
  try {
    return { ok: true, version: loadLibpcap(platform).version };
  } catch (error) {
    if (error instanceof LinkError) return { ok: false, detail: error.detail, remedy: error.remedy };
    throw error;
  }
}

/** Can this process read and write a BPF device (what libpcap opens on macOS)? */
function bpfAccess(): boolean | undefined {
  try {
    const devices = readdirSync('/dev').filter((d) => /^bpf\d+$/.test(d));
    if (!devices.length) return undefined;
    accessSync(`/dev/${devices[0]}`, constants.R_OK | constants.W_OK);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EACCES' ? false : undefined;
  }
}

/** Npcap's AdminOnly setting (HKLM\SYSTEM\CurrentControlSet\Services\npcap\Parameters), undefined when it cannot be read. */
function npcapAdminOnly(): boolean | undefined {
  const r = spawnSync('reg', ['query', 'HKLM\\SYSTEM\\CurrentControlSet\\Services\\npcap\\Parameters', '/v', 'AdminOnly'], { encoding: 'utf8', timeout: 5000, windowsHide: true });
  const m = r.status === 0 ? /AdminOnly\s+REG_DWORD\s+0x([0-9a-f]+)/i.exec(r.stdout) : null;
  return m ? parseInt(m[1], 16) !== 0 : undefined;
}
