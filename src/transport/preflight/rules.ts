/**
 * Rules as data: `{ id, platforms, severity, check(ctx), source, remedy }`. A rule's `check`
 * returns nothing when it does not apply, or a hit that may sharpen the severity, remedy,
 * source and basis for the case at hand. Platform rules live in windows.ts, linux.ts and
 * darwin.ts; the ones every OS shares are here.
 */
import { parseIp } from '../socket/sockaddr.js';
import type { PacketFacts } from './packet.js';
import { COMMON } from './sources.js';
import type { Basis, Finding, FindingSource, LocalAddress, PreflightContext, Severity, TargetPlatform } from './types.js';

export type RuleOs = TargetPlatform['os'];

/** The socket as the rules see it: given settings, completed from the packet where possible. */
export interface EffectiveSocket {
  readonly family: 4 | 6;
  /** Protocol passed to socket(); undefined when not known. */
  readonly protocol: number | undefined;
  readonly hdrincl: boolean;
  readonly broadcast: boolean;
  readonly bind: string | undefined;
  readonly connect: string | undefined;
}

/** What a rule's check receives. `packet` is undefined when only the socket is checked (at open). */
export interface RuleInput {
  readonly context: PreflightContext;
  readonly socket: EffectiveSocket;
  readonly packet: PacketFacts | undefined;
}

/** A rule that applies: the message, plus anything that differs from the rule's defaults. */
export interface RuleHit {
  readonly message: string;
  readonly severity?: Severity;
  readonly remedy?: string;
  readonly source?: FindingSource;
  readonly basis?: Basis;
}

/** One pre-flight rule: its code, the platforms it applies to, and the check producing its findings. */
export interface Rule {
  /** Stable code of the findings it produces. */
  readonly id: string;
  readonly platforms: readonly RuleOs[];
  /** Default severity (a hit may change it, e.g. `unknown` privileges give a warning). */
  readonly severity: Severity;
  /** `socket` rules can be decided when the socket is opened; `packet` rules need the datagram. */
  readonly scope: 'socket' | 'packet';
  readonly source: FindingSource;
  /** Default remedy. */
  readonly remedy: string;
  check(input: RuleInput): RuleHit | undefined;
}

/** Turn a hit into a finding. */
export function findingOf(rule: Pick<Rule, 'id' | 'severity' | 'remedy' | 'source'>, hit: RuleHit): Finding {
  return {
    code: rule.id,
    severity: hit.severity ?? rule.severity,
    message: hit.message,
    remedy: hit.remedy ?? rule.remedy,
    source: hit.source ?? rule.source,
    basis: hit.basis ?? 'documented',
  };
}

/** Run the rules for the context's platform, in order, and return every finding. */
export function runRules(rules: readonly Rule[], input: RuleInput): Finding[] {
  const os = input.context.platform.os;
  const findings: Finding[] = [];
  for (const rule of rules) {
    if (!rule.platforms.includes(os)) continue;
    if (rule.scope === 'packet' && !input.packet) continue;
    const hit = rule.check(input);
    if (hit) findings.push(findingOf(rule, hit));
  }
  return findings;
}

// ---- helpers shared by the rule files ----

function v4Number(text: string): number | undefined {
  const p = parseIp(text);
  if (!p || p.family !== 4) return undefined;
  return ((p.bytes[0] << 24) | (p.bytes[1] << 16) | (p.bytes[2] << 8) | p.bytes[3]) >>> 0;
}

/** 255.255.255.255, or the directed broadcast address of a local IPv4 network (from its prefix length). */
export function isBroadcast(destination: string | undefined, interfaces: readonly LocalAddress[]): boolean {
  if (destination === undefined) return false;
  const d = v4Number(destination);
  if (d === undefined) return false;
  if (d === 0xffffffff) return true;
  for (const a of interfaces) {
    if (a.family !== 4 || a.prefixLength === undefined || a.prefixLength >= 31) continue;
    const addr = v4Number(a.address);
    if (addr === undefined) continue;
    const hostMask = a.prefixLength === 0 ? 0xffffffff : (2 ** (32 - a.prefixLength) - 1) >>> 0;
    if (((addr | hostMask) >>> 0) === d) return true;
  }
  return false;
}

/** 224.0.0.0/4 or ff00::/8. */
export function isMulticast(destination: string | undefined): boolean {
  if (destination === undefined) return false;
  const p = parseIp(destination);
  if (!p) return false;
  return p.family === 4 ? p.bytes[0] >> 4 === 0xe : p.bytes[0] === 0xff;
}

/** 0.0.0.0 or ::. */
export function isUnspecified(address: string): boolean {
  const p = parseIp(address);
  return !!p && p.bytes.every((b) => b === 0);
}

/** Is `address` one of the local interface addresses (any 127/8 address counts when a 127 address is local)? */
export function isLocalAddress(address: string, interfaces: readonly LocalAddress[]): boolean {
  const want = parseIp(address);
  if (!want) return false;
  for (const a of interfaces) {
    const have = parseIp(a.address);
    if (!have || have.family !== want.family) continue;
    if (have.bytes.every((b, i) => b === want.bytes[i])) return true;
    if (want.family === 4 && want.bytes[0] === 127 && have.bytes[0] === 127) return true;
  }
  return false;
}

export const PROTOCOL_NAMES: Readonly<Record<number, string>> = {
  0: 'IPPROTO_IP (0)',
  1: 'ICMP (1)',
  2: 'IGMP (2)',
  6: 'TCP (6)',
  17: 'UDP (17)',
  41: 'IPv6 (41)',
  47: 'GRE (47)',
  58: 'ICMPv6 (58)',
  132: 'SCTP (132)',
  255: 'IPPROTO_RAW (255)',
};

export function protocolName(n: number | undefined): string {
  return n === undefined ? 'an unknown protocol' : (PROTOCOL_NAMES[n] ?? `protocol ${n}`);
}

/** Largest IPv4 datagram (16-bit total length), and largest IPv6 payload without jumbograms. */
export const IPV4_MAX = 65535;
export const IPV6_PAYLOAD_MAX = 65535;

/** Rules every OS shares. */
export const COMMON_RULES: readonly Rule[] = [
  {
    id: 'IP_TOO_LARGE',
    platforms: ['linux', 'macos', 'other'],
    severity: 'error',
    scope: 'packet',
    source: COMMON.ipv4Size,
    remedy: 'Send at most 65,535 bytes per IPv4 datagram (65,535 bytes of IPv6 payload): split the data, or fragment it yourself.',
    check: ({ packet, socket }) => {
      if (!packet) return undefined;
      const limit = socket.family === 4 ? IPV4_MAX : packet.hdrincl ? IPV6_PAYLOAD_MAX + 40 : IPV6_PAYLOAD_MAX;
      const total = socket.family === 4 && !packet.hdrincl ? packet.length + 20 : packet.length;
      if (total <= limit) return undefined;
      return {
        message: `The ${socket.family === 4 ? 'IPv4 datagram' : 'IPv6 datagram'} would be ${total} bytes${socket.family === 4 && !packet.hdrincl ? ' (with the 20-byte header the OS adds)' : ''}, more than the ${limit}-byte maximum; sendto fails with EMSGSIZE.`,
      };
    },
  },
  {
    id: 'PLATFORM_NOT_COVERED',
    platforms: ['other'],
    severity: 'info',
    scope: 'socket',
    source: { document: 'rawcraft', section: 'pre-flight rules', summary: 'Pre-flight has rules for Windows, Linux and macOS only.' },
    remedy: 'Check the OS documentation for raw sockets; only the size limit was checked.',
    check: ({ context }) =>
      context.platform.os === 'other' ? { message: `There are no pre-flight rules for ${context.platform.name}; only the platform-independent checks ran.` } : undefined,
  },
];
