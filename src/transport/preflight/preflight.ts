/**
 * `preflight(packet, context)`: every finding about sending this datagram on that platform,
 * before any system call. The transports run it first and refuse error-level findings with a
 * `PreflightError` carrying all of them, unless the caller forces the send.
 */
import { impliesHdrincl } from '../socket/ip-hdrincl.js';
import { RawcraftError } from '../../codec/errors.js';
import { resolveContext, platformName } from './context.js';
import { DARWIN_RULES } from './darwin.js';
import { LINUX_RULES } from './linux.js';
import { packetFacts, type PacketFacts } from './packet.js';
import { COMMON_RULES, runRules, type EffectiveSocket, type Rule } from './rules.js';
import type { Finding, PreflightContext, PreflightContextInput, PreflightPacket, Severity, SocketSettings } from './types.js';
import { WINDOWS_RULES } from './windows.js';

/** Every rule, in the order findings are reported. */
export const RULES: readonly Rule[] = [...WINDOWS_RULES, ...LINUX_RULES, ...DARWIN_RULES, ...COMMON_RULES];

const ORDER: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

function effectiveSocket(socket: SocketSettings, packet: PacketFacts | undefined, os: string): EffectiveSocket {
  return {
    family: packet?.family ?? socket.family ?? 4,
    protocol: socket.protocol ?? (packet?.hdrincl ? packet.protocol : undefined),
    hdrincl: packet?.hdrincl ?? socket.hdrincl ?? impliesHdrincl(socket.protocol, socket.family, os),
    broadcast: socket.broadcast ?? false,
    bind: socket.bind,
    connect: socket.connect,
  };
}

/**
 * Every finding about sending `packet` (the bytes handed to sendto) in `context`; parts of
 * the context left out are detected on this machine. Findings come errors first, then
 * warnings, then infos; within a severity in rule order. Makes no system call beyond what
 * detection needs (os module; on Windows one elevation query, cached).
 *
 * @throws {@link InputError} an unknown platform name.
 * @example
 * {@includeCode ../../../examples/api-tour.ts#preflight}
 */
export function preflight(packet: PreflightPacket, context: PreflightContextInput | PreflightContext = {}): Finding[] {
  const ctx = resolveContext(context);
  const facts = packetFacts(packet, ctx.socket, ctx.platform.os);
  return sortFindings(runRules(RULES, { context: ctx, socket: effectiveSocket(ctx.socket, facts, ctx.platform.os), packet: facts }));
}

/**
 * The findings that can be decided when the socket is opened (privileges, protocol 0, binding TCP, IPV6_HDRINCL...).
 * @throws {@link InputError} an unknown platform name.
 * @example
 * {@includeCode ../../../examples/api-preflight.ts#findings}
 */
export function preflightSocket(context: PreflightContextInput | PreflightContext = {}): Finding[] {
  const ctx = resolveContext(context);
  return sortFindings(runRules(RULES, { context: ctx, socket: effectiveSocket(ctx.socket, undefined, ctx.platform.os), packet: undefined }));
}

function sortFindings(findings: Finding[]): Finding[] {
  return findings.map((f, i) => ({ f, i })).sort((a, b) => ORDER[a.f.severity] - ORDER[b.f.severity] || a.i - b.i).map(({ f }) => f);
}

/**
 * Whether any finding is an error (what makes pre-flight refuse a send).
 * @example
 * {@includeCode ../../../examples/api-preflight.ts#findings}
 */
export function hasErrors(findings: readonly Finding[]): boolean {
  return findings.some((f) => f.severity === 'error');
}

/**
 * One finding as text: `error WIN_TCP_SEND_BLOCKED: message` with the remedy and source on following lines.
 * @example
 * {@includeCode ../../../examples/api-preflight.ts#findings}
 */
export function formatFinding(f: Finding, indent = ''): string {
  const src = `${f.source.document}, ${f.source.section}${f.basis === 'documented' ? '' : ` [${f.basis}]`}`;
  return `${indent}${f.severity} ${f.code}: ${f.message}\n${indent}  remedy: ${f.remedy}\n${indent}  source: ${src}`;
}

/**
 * Pre-flight found errors: the datagram (or socket) was refused before any system call.
 * @example
 * {@includeCode ../../../examples/api-preflight.ts#guard}
 */
export class PreflightError extends RawcraftError {
  readonly code = 'E_PREFLIGHT';
  /** Every finding, errors first (warnings and infos included). */
  readonly findings: readonly Finding[];
  /** The platform the findings are about, e.g. `windows-10`. */
  readonly platform: string;
  /** In a batch (sendMany), the packet refused; nothing of the batch was sent. */
  readonly index?: number;

  constructor(findings: readonly Finding[], platform: string, what = 'the datagram', index?: number) {
    const errors = findings.filter((f) => f.severity === 'error');
    super(
      `pre-flight refused ${what} for ${platform}: ${errors.map((f) => `[${f.code}] ${f.message} ${f.remedy}`).join(' ')} (pass { force: true } to make the system call anyway)`,
    );
    this.findings = findings;
    this.platform = platform;
    if (index !== undefined) this.index = index;
  }

  /** The error-level findings. */
  get errors(): readonly Finding[] {
    return this.findings.filter((f) => f.severity === 'error');
  }

  toJSON(): { name: string; code: string; message: string; platform: string; findings: readonly Finding[] } {
    return { name: this.name, code: this.code, message: this.message, platform: this.platform, findings: this.findings };
  }
}

/**
 * Pre-flight for one socket: the context is resolved once (detection cached), then each send
 * is checked against it. A transport calls `checkOpen()` before socket() and `checkSend()`
 * before each sendto; both throw PreflightError on error-level findings unless forced.
 * @throws {@link PreflightError} from `checkOpen` / `checkSend`: error-level findings (all of them attached), unless forced.
 * @throws {@link InputError} an unknown platform name in the context.
 * @example
 * {@includeCode ../../../examples/api-preflight.ts#guard}
 */
export class PreflightGuard {
  readonly context: PreflightContext;

  constructor(socket: SocketSettings, context: PreflightContextInput = {}) {
    this.context = resolveContext({ ...context, socket: { ...context.socket, ...socket } });
  }

  /** Socket-level findings; throws unless `force`. Returns them all (warnings and infos too). */
  checkOpen(force = false): Finding[] {
    const findings = preflightSocket(this.context);
    if (!force && hasErrors(findings)) throw new PreflightError(findings, platformName(this.context.platform), 'the socket');
    return findings;
  }

  /** Findings for one datagram; throws unless `force`. */
  checkSend(bytes: Uint8Array, destination?: string, force = false): Finding[] {
    const findings = preflight(destination === undefined ? bytes : { bytes, destination }, this.context);
    if (!force && hasErrors(findings)) throw new PreflightError(findings, platformName(this.context.platform));
    return findings;
  }
}
