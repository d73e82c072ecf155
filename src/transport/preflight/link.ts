/**
 * Pre-flight rules of the link transport: before a frame goes to libpcap, whether it can go at
 * all (libpcap loads, the interface exists and is up, this process may capture and inject) and
 * whether it will leave as built (fits the MTU, holds an Ethernet header, reaches the 60-byte
 * minimum or is padded). Same findings as the raw-socket rules; `LinkPreflightGuard` is what
 * the transport runs per frame.
 */
import { match } from 'ts-pattern';
import { ETHERNET_MINIMUM, VLAN_TPIDS } from '../../codec/protocols/ethernet.js';
import { permissionRemedy } from '../link/pcap-handle.js';
import { detectPlatform, platformName, resolveContext } from './context.js';
import { detectLinkFacts, givenLinkFacts, type LinkFacts } from './link-facts.js';
import { PreflightError, hasErrors } from './preflight.js';
import { findingOf, type RuleOs } from './rules.js';
import type { Finding, FindingSource, PreflightContext, PreflightContextInput, Severity } from './types.js';

/** A frame as the link rules see it. */
export interface FrameFacts {
  readonly length: number;
  /** Length of its link header (Ethernet: 14, plus 4 per VLAN tag); undefined for other link types. */
  readonly headerLength: number | undefined;
  /** Ethernet: the first tag is 802.1Q (Linux allows 4 bytes over the MTU for it). */
  readonly vlanTagged: boolean;
}

export interface LinkRuleInput {
  readonly context: PreflightContext;
  readonly link: LinkFacts;
  /** Undefined when only the interface is checked (at open). */
  readonly frame: FrameFacts | undefined;
}

/** One pre-flight rule of the link transport: its code, platforms, severity and check. */
export interface LinkRule {
  readonly id: string;
  readonly platforms: readonly RuleOs[];
  readonly severity: Severity;
  readonly scope: 'interface' | 'frame';
  readonly source: FindingSource;
  readonly remedy: string;
  check(input: LinkRuleInput): { message: string; severity?: Severity; remedy?: string } | undefined;
}

const ETHERNET = 1;
const ETHERNET_HEADER = 14;
const ALL: readonly RuleOs[] = ['linux', 'macos', 'windows', 'other'];

const PCAP_INJECT: FindingSource = {
  document: 'libpcap pcap_inject(3PCAP)',
  section: 'DESCRIPTION',
  summary: 'pcap_inject and pcap_sendpacket send a raw packet through the network interface; the buffer must hold the link-layer header, in the interface\'s format.',
};
const AF_PACKET_SEND: FindingSource = {
  document: 'Linux source, net/packet/af_packet.c',
  section: 'packet_snd(), dev_validate_header()',
  summary: 'A frame longer than the MTU plus the link header (4 more bytes for an 802.1Q-tagged frame) fails with EMSGSIZE; one shorter than the link header (14 bytes on Ethernet) with EINVAL; a frame on an interface that is down with ENETDOWN.',
};
const IEEE_MINIMUM: FindingSource = {
  document: 'IEEE 802.3',
  section: 'clause 4.4.2 (minFrameSize), clause 3.2.8 (pad)',
  summary: 'An Ethernet frame is at least 64 bytes with its 4-byte FCS; a MAC client pads shorter data with zeros, and receivers discard shorter frames as runts.',
};

/** The pre-flight rules of the link transport (libpcap), by code: `LINK_LIBPCAP_MISSING`, `LINK_CAP_NET_RAW`... */
export const LINK_RULES: readonly LinkRule[] = [
  {
    id: 'LINK_LIBPCAP_MISSING',
    platforms: ALL,
    severity: 'error',
    scope: 'interface',
    source: { document: 'rawcraft docs/link-layer.md', section: 'libpcap', summary: 'The link transport sends and captures through libpcap (Debian libpcap0.8, the system libpcap on macOS, Npcap\'s wpcap.dll on Windows), loaded at first use.' },
    remedy: 'install libpcap (Debian: apt-get install libpcap0.8; Windows: Npcap in WinPcap API-compatible Mode)',
    check: ({ link }) => (link.library && !link.library.ok ? { message: `libpcap cannot be loaded: ${link.library.detail}.`, remedy: link.library.remedy } : undefined),
  },
  {
    id: 'LINK_NO_INTERFACE',
    platforms: ALL,
    severity: 'error',
    scope: 'interface',
    source: PCAP_INJECT,
    remedy: 'name an interface of this machine (rawcraft interfaces lists them)',
    check: ({ link }) => (link.interface !== undefined && link.exists === false ? { message: `There is no interface ${link.interface}: opening it fails (PCAP_ERROR_NO_SUCH_DEVICE).` } : undefined),
  },
  {
    id: 'LINK_INTERFACE_DOWN',
    platforms: ALL,
    severity: 'error',
    scope: 'interface',
    source: AF_PACKET_SEND,
    remedy: 'bring the interface up (Linux: ip link set dev IF up)',
    check: ({ link }) =>
      match(link)
        .with({ exists: true, up: false }, (l) => ({ message: `${l.interface} is down: frames cannot be sent on it (ENETDOWN).`, remedy: `bring it up (Linux: ip link set dev ${l.interface} up)` }))
        .with({ exists: true, up: true, running: false }, (l) => ({
          severity: 'warning' as const,
          message: `${l.interface} is up but has no carrier (not running): frames are handed to the driver but nothing is connected to carry them.`,
          remedy: 'connect the link (cable, peer of a veth pair up), or send on another interface',
        }))
        .otherwise(() => undefined),
  },
  {
    id: 'LINK_CAP_NET_RAW',
    platforms: ['linux'],
    severity: 'error',
    scope: 'interface',
    source: { document: 'Linux man-pages packet(7)', section: 'DESCRIPTION', summary: 'Only processes with effective UID 0 or the CAP_NET_RAW capability may open packet sockets, which libpcap uses to capture and inject.' },
    remedy: permissionRemedy('linux'),
    check: ({ context }) =>
      match(context.privileges)
        .with('elevated', () => undefined)
        .with('unknown', () => ({ severity: 'warning' as const, message: 'libpcap needs root or CAP_NET_RAW for its packet socket, and this process\'s rights could not be determined: without them opening the interface fails (PCAP_ERROR_PERM_DENIED).' }))
        .with('unprivileged', () => ({ message: 'libpcap needs root or CAP_NET_RAW for its packet socket, and this process has neither: opening the interface fails (PCAP_ERROR_PERM_DENIED).' }))
        .exhaustive(),
  },
  {
    id: 'LINK_BPF_ACCESS',
    platforms: ['macos'],
    severity: 'error',
    scope: 'interface',
    source: { document: 'macOS bpf(4)', section: 'DESCRIPTION', summary: 'libpcap captures and injects through the /dev/bpf* devices, which only root may open unless their permissions were changed (Wireshark\'s ChmodBPF).' },
    remedy: permissionRemedy('darwin'),
    check: ({ context, link }) => {
      if (link.bpfAccess === true || (link.bpfAccess === undefined && context.privileges === 'elevated')) return undefined;
      if (link.bpfAccess === false) return { message: 'This process cannot open /dev/bpf* for reading and writing: opening the interface fails (PCAP_ERROR_PERM_DENIED).' };
      return { severity: 'warning', message: 'libpcap needs read/write access to /dev/bpf*, which could not be checked, and this process is not known to be root.' };
    },
  },
  {
    id: 'LINK_NPCAP_ADMIN_ONLY',
    platforms: ['windows'],
    severity: 'error',
    scope: 'interface',
    source: { document: 'Npcap Users\' Guide', section: 'Installation options: "Restrict Npcap driver\'s access to Administrators only"', summary: 'With this option (registry AdminOnly = 1) only elevated processes may open Npcap adapters.' },
    remedy: permissionRemedy('win32'),
    check: ({ context, link }) => {
      if (link.npcapAdminOnly !== true || context.privileges === 'elevated') return undefined;
      return {
        ...(context.privileges === 'unknown' && { severity: 'warning' as const }),
        message: `Npcap was installed for Administrators only and this process is ${context.privileges === 'unknown' ? 'not known to be' : 'not'} elevated: opening the adapter fails.`,
      };
    },
  },
  {
    id: 'LINK_FRAME_NO_HEADER',
    platforms: ALL,
    severity: 'error',
    scope: 'frame',
    source: AF_PACKET_SEND,
    remedy: 'build the whole frame, Ethernet header first (ethernet(...)), or send an IP packet and let the transport add the header',
    check: ({ link, frame }) =>
      frame && link.linkType === ETHERNET && frame.length < ETHERNET_HEADER
        ? { message: `The frame is ${frame.length} bytes, shorter than an Ethernet header (14): libpcap refuses it (EINVAL on Linux).` }
        : undefined,
  },
  {
    id: 'LINK_FRAME_TOO_LARGE',
    platforms: ALL,
    severity: 'error',
    scope: 'frame',
    source: AF_PACKET_SEND,
    remedy: 'fragment the IP datagram (--mtu N, or fragment()), or raise the MTU of the interface (ip link set dev IF mtu N)',
    check: ({ link, frame }) => {
      if (!frame || link.mtu === undefined || frame.headerLength === undefined) return undefined;
      // Linux counts the link header (and one 802.1Q tag) on top of the MTU.
      const limit = link.mtu + ETHERNET_HEADER + (frame.vlanTagged ? 4 : 0);
      if (frame.length <= limit) return undefined;
      return { message: `The ${frame.length}-byte frame carries ${frame.length - frame.headerLength} bytes after its link header, more than the MTU of ${link.interface ?? 'the interface'} (${link.mtu}): sending fails (EMSGSIZE, "Message too long").` };
    },
  },
  {
    id: 'LINK_FRAME_SHORT',
    platforms: ALL,
    severity: 'info',
    scope: 'frame',
    source: IEEE_MINIMUM,
    remedy: 'nothing to do; pad: false sends it short; ethernet({ pad: true }) pads it in the packet itself',
    check: ({ link, frame }) => {
      if (!frame || link.linkType !== ETHERNET || frame.length >= ETHERNET_MINIMUM || frame.length < ETHERNET_HEADER) return undefined;
      if (link.pad) return { message: `The frame is ${frame.length} bytes: the transport pads it with ${ETHERNET_MINIMUM - frame.length} zero bytes to the Ethernet minimum of 60 (64 with the FCS), as a network card would.` };
      return {
        severity: 'warning',
        message: `The frame is ${frame.length} bytes and is sent short, without padding to the Ethernet minimum of 60: a network card may pad it anyway, and switches and receivers drop runts; only virtual links (veth, bridges) carry it as built.`,
        remedy: 'pad it (leave pad at its default, or build it with ethernet({ pad: true })) unless a runt is what you test',
      };
    },
  },
];

/** What the link rules are told beyond the platform and privileges. */
export interface LinkPreflightInput extends PreflightContextInput {
  /** The interface frames go out on; undefined when the route picks it. */
  readonly interface?: string;
  /** Facts given instead of detected (any other platform than this one detects nothing). */
  readonly link?: Partial<LinkFacts>;
}

/** The resolved context and link facts (detected once). */
export interface LinkPreflightContext {
  readonly context: PreflightContext;
  readonly link: LinkFacts;
}

/**
 * Resolve platform, privileges and the interface's facts.
 * @throws {@link InputError} an unknown platform name.
 * @example
 * {@includeCode ../../../examples/api-preflight.ts#link-preflight}
 */
export function resolveLinkContext(input: LinkPreflightInput = {}): LinkPreflightContext {
  const context = resolveContext(input);
  // Facts of this machine's interfaces apply when the platform is this machine's OS (given or not).
  const here = context.origin.platform === 'detected' || context.platform.os === detectPlatform().os;
  return { context, link: here ? detectLinkFacts(input.interface, input.link) : givenLinkFacts(input.interface, input.link) };
}

/** What the rules need of a frame of `linkType`. */
export function frameFacts(frame: Uint8Array, linkType: number | undefined): FrameFacts {
  if (linkType !== ETHERNET || frame.length < ETHERNET_HEADER) return { length: frame.length, headerLength: undefined, vlanTagged: false };
  let at = 12;
  while (at + 4 <= frame.length && VLAN_TPIDS.has((frame[at] << 8) | frame[at + 1])) at += 4;
  return { length: frame.length, headerLength: at + 2, vlanTagged: frame[12] === 0x81 && frame[13] === 0x00 };
}

const ORDER: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

/**
 * Every link-transport finding for sending `frame` (a whole frame; undefined: the interface
 * alone) in the context, detected where left out; errors first.
 * @throws {@link InputError} an unknown platform name.
 * @example
 * {@includeCode ../../../examples/api-preflight.ts#link-preflight}
 */
export function preflightLink(frame: Uint8Array | undefined, input: LinkPreflightInput = {}): Finding[] {
  return runLinkRules(frame, resolveLinkContext(input));
}

/** The link rules against a resolved context. */
export function runLinkRules(frame: Uint8Array | undefined, resolved: LinkPreflightContext, scopes: readonly LinkRule['scope'][] = ['interface', 'frame']): Finding[] {
  const input: LinkRuleInput = { ...resolved, frame: frame === undefined ? undefined : frameFacts(frame, resolved.link.linkType) };
  const findings: Finding[] = [];
  for (const rule of LINK_RULES) {
    if (!rule.platforms.includes(resolved.context.platform.os) || !scopes.includes(rule.scope)) continue;
    if (rule.scope === 'frame' && !input.frame) continue;
    const hit = rule.check(input);
    if (hit) findings.push(findingOf(rule, hit));
  }
  return sortFindings(findings);
}

/**
 * The link transport's pre-flight: facts per interface detected once, each frame checked
 * against them; error findings throw PreflightError unless forced.
 * @throws {@link PreflightError} from `checkInterface` / `checkSend`: error-level findings, unless forced.
 * @example
 * {@includeCode ../../../examples/api-preflight.ts#link-preflight}
 */
export class LinkPreflightGuard {
  /** Per interface: its facts, the findings about it alone (decided once), and those per frame shape. */
  readonly #interfaces = new Map<string, KnownInterface>();

  constructor(private readonly input: Omit<LinkPreflightInput, 'interface'> = {}) {}

  /** Findings about `iface` alone (libpcap, the interface, privileges); throws PreflightError on errors unless `force`. */
  checkInterface(iface: string, force = false): Finding[] {
    const known = this.#known(iface);
    if (!force && hasErrors(known.findings)) throw new PreflightError(known.findings, `${platformName(known.resolved.context.platform)}, link transport on ${iface}`, 'the interface');
    return known.findings;
  }

  /** Findings for sending `frame` on `iface`; throws PreflightError on errors unless `force`. */
  checkSend(iface: string, frame: Uint8Array, force = false): Finding[] {
    const known = this.#known(iface);
    // Most frames get no frame finding, decided without running the rules: a burst of a million
    // frames would pay for every rule run. The others are decided once per length and header.
    const findings = framePasses(frame.length, known.resolved.link) ? known.findings : this.#forFrame(known, frame);
    if (!force && hasErrors(findings)) throw new PreflightError(findings, `${platformName(known.resolved.context.platform)}, link transport on ${iface}`, 'the frame');
    return findings;
  }

  #forFrame(known: KnownInterface, frame: Uint8Array): Finding[] {
    const facts = frameFacts(frame, known.resolved.link.linkType);
    const shape = facts.length * 1024 + (facts.headerLength ?? 0) * 2 + (facts.vlanTagged ? 1 : 0);
    let findings = known.byShape.get(shape);
    if (!findings) {
      const forFrame = runLinkRules(frame, known.resolved, ['frame']);
      findings = forFrame.length ? sortFindings([...known.findings, ...forFrame]) : known.findings;
      known.byShape.set(shape, findings);
    }
    return findings;
  }

  #known(iface: string): KnownInterface {
    let known = this.#interfaces.get(iface);
    if (!known) {
      const resolved = resolveLinkContext({ ...this.input, interface: iface });
      known = { resolved, findings: runLinkRules(undefined, resolved, ['interface']), byShape: new Map() };
      this.#interfaces.set(iface, known);
    }
    return known;
  }
}

interface KnownInterface {
  readonly resolved: LinkPreflightContext;
  readonly findings: Finding[];
  /** Findings by frame length and link header (the frame rules look at nothing else). */
  readonly byShape: Map<number, Finding[]>;
}

/**
 * A frame of this length gets no finding from the frame rules: not Ethernet (they are about
 * Ethernet's header, minimum and MTU), or between the 60-byte minimum and MTU + 14 (a tag only
 * adds room). Kept in step with the rules by a test over every length.
 */
export function framePasses(length: number, link: LinkFacts): boolean {
  return link.linkType !== ETHERNET || (length >= ETHERNET_MINIMUM && (link.mtu === undefined || length <= link.mtu + ETHERNET_HEADER));
}

function sortFindings(findings: Finding[]): Finding[] {
  return findings.map((f, i) => ({ f, i })).sort((a, b) => ORDER[a.f.severity] - ORDER[b.f.severity] || a.i - b.i).map(({ f }) => f);
}
