/**
 * Types of the pre-flight checks: what a finding is, and the context the rules look at
 * (target platform, privileges, socket options, local addresses).
 */

/** `error`: the OS will refuse or silently drop it; `warning`: it will not go out as built, or may not; `info`: worth knowing. */
export type Severity = 'error' | 'warning' | 'info';

/**
 * Where a rule comes from: the document and the passage.
 * `quote` is verbatim from the document when the basis is `documented`.
 */
export interface FindingSource {
  /** The document, e.g. `Microsoft Learn, Windows Sockets 2: "TCP/IP raw sockets"`. */
  readonly document: string;
  /** The section or passage within it, e.g. `Limitations on Raw Sockets`. */
  readonly section: string;
  /** The sentence(s) the rule rests on, verbatim. */
  readonly quote?: string;
  /** What the passage says, in our words, where there is no sentence to quote. */
  readonly summary?: string;
}

/**
 * What a rule rests on: `documented` (the document says so for this platform version),
 * `observed` (the document does not name this version; the rule rests on observed behaviour),
 * `inferred` (the document does not name this version, so the outcome is unknown).
 */
export type Basis = 'documented' | 'observed' | 'inferred';

/**
 * One finding of the pre-flight checks.
 * @example
 * {@includeCode ../../../examples/api-preflight.ts#findings}
 */
export interface Finding {
  /** Stable identifier of the rule, e.g. `WIN_TCP_SEND_BLOCKED`. */
  readonly code: string;
  readonly severity: Severity;
  /** What will happen, for this packet on this platform. */
  readonly message: string;
  /** What to do about it. */
  readonly remedy: string;
  readonly source: FindingSource;
  readonly basis: Basis;
}

/** A Windows client release (`xp`, `7`, `10`, `11`...). */
export type WindowsClientRelease = '2000' | 'xp' | 'vista' | '7' | '8' | '8.1' | '10' | '11';
/** A Windows Server release (`2003` ... `2025`). */
export type WindowsServerRelease =
  | '2003'
  | '2003r2'
  | '2008'
  | '2008r2'
  | '2012'
  | '2012r2'
  | '2016'
  | '2019'
  | '2022'
  | '2025';

interface WindowsCommon {
  readonly os: 'windows';
  /** Service pack number (0 for none; XP SP2 is 2). */
  readonly servicePack: number;
  /** Build number when known (os.release() third part). */
  readonly build?: number;
  /** Set when the Windows is Wine on another OS (its version, e.g. `8.0`). */
  readonly wine?: string;
}

export interface WindowsClientPlatform extends WindowsCommon {
  readonly edition: 'client';
  readonly release: WindowsClientRelease;
}

export interface WindowsServerPlatform extends WindowsCommon {
  readonly edition: 'server';
  readonly release: WindowsServerRelease;
}

/** A Windows version: client or server edition, release and service pack. */
export type WindowsPlatform = WindowsClientPlatform | WindowsServerPlatform;

export interface LinuxPlatform {
  readonly os: 'linux';
  /** Kernel release, e.g. `6.1.0-18-amd64` (os.release()). */
  readonly kernel?: string;
}

export interface MacosPlatform {
  readonly os: 'macos';
  /** macOS version, e.g. `14.4`, when known. */
  readonly version?: string;
  /** Darwin kernel release (os.release()), e.g. `23.4.0`. */
  readonly darwin?: string;
}

/** An OS the rules do not cover (FreeBSD, AIX...): only the platform-independent rules apply. */
export interface OtherPlatform {
  readonly os: 'other';
  readonly name: string;
}

/** The platform pre-flight judges for: a Windows release, a Linux kernel, a macOS release, or another OS. */
export type TargetPlatform = WindowsPlatform | LinuxPlatform | MacosPlatform | OtherPlatform;

/** Can this process open raw sockets as far as the OS's permission model goes. */
export type Privileges = 'elevated' | 'unprivileged' | 'unknown';

/** The socket the packet goes through: the options that change what the OS does with it. */
export interface SocketSettings {
  /** 4 (AF_INET) or 6 (AF_INET6). Default: from the packet's version nibble with hdrincl, else from the destination. */
  readonly family?: 4 | 6;
  /** Protocol passed to socket(). Default: the packet's protocol with hdrincl (else unknown). */
  readonly protocol?: number;
  /** IP_HDRINCL / IPV6_HDRINCL. Default: true for protocol 255 (IPv6: on Linux only, `impliesHdrincl`), otherwise whether the bytes start with a consistent IP header. */
  readonly hdrincl?: boolean;
  /** SO_BROADCAST. Default false. */
  readonly broadcast?: boolean;
  /** Address given to bind(). */
  readonly bind?: string;
  /** Address given to connect(). */
  readonly connect?: string;
}

/** An address of a local network interface. */
export interface LocalAddress {
  readonly address: string;
  readonly family: 4 | 6;
  /** Prefix length of the interface's network (CIDR), for directed broadcast addresses. */
  readonly prefixLength?: number;
  /** Interface name, when known. */
  readonly interface?: string;
}

/** Where each part of a context came from. */
export type ContextOrigin = 'detected' | 'given' | 'default';

/** Everything the rules look at. */
export interface PreflightContext {
  readonly platform: TargetPlatform;
  readonly privileges: Privileges;
  readonly socket: SocketSettings;
  readonly interfaces: readonly LocalAddress[];
  readonly origin: {
    readonly platform: ContextOrigin;
    readonly privileges: ContextOrigin;
    readonly interfaces: ContextOrigin;
  };
}

/**
 * A context to check against: any part left out is detected on this machine. `platform` may
 * be a name such as `windows-11`, `windows-server-2008r2`, `windows-xp-sp2`, `linux`, `macos-14`;
 * `privileges` may be a boolean (elevated or not); an interface may be `"192.0.2.5/24"` text.
 * When `platform` names a system other than this one, privileges default to elevated and the
 * interfaces to loopback.
 */
export interface PreflightContextInput {
  readonly platform?: TargetPlatform | string;
  readonly privileges?: Privileges | boolean;
  readonly socket?: SocketSettings;
  readonly interfaces?: readonly (LocalAddress | string)[];
}

/** What `preflight` accepts as a packet: bytes as handed to sendto, optionally with the sendto destination, or a builder step. */
export type PreflightPacket = Uint8Array | { readonly bytes: Uint8Array; readonly destination?: string } | { encode(): Uint8Array };
