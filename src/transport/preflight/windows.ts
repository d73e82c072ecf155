/**
 * Windows rules. Every one rests on a passage of Microsoft's "TCP/IP raw sockets" page
 * (`WIN.*` in sources.ts), except the extension of the client restrictions to Windows 8, 8.1,
 * 10 and 11, which the page does not name: there the finding says it rests on observed
 * behaviour (basis `observed`).
 */
import { match, P } from 'ts-pattern';
import { isBroadcast, isLocalAddress, isMulticast, isUnspecified, protocolName, type Rule, type RuleHit, type RuleInput } from './rules.js';
import { observedWindows, WIN } from './sources.js';
import type { FindingSource, WindowsPlatform } from './types.js';
import { platformName } from './context.js';

/** Maximum message size of the Microsoft raw IP provider (WSAPROTOCOL_INFO.dwMessageSize). */
export const WINDOWS_MAX_MESSAGE = 65467;

const NPCAP =
  "send through the link transport ({ kind: 'link' }), which injects the whole frame at layer 2 with Npcap (pcap_sendpacket) and so bypasses the raw-socket restrictions";

/**
 * How the "Limitations on Raw Sockets" restrictions apply to a Windows version:
 * `documented` (7, Vista, XP SP2/SP3), `observed` (8, 8.1, 10, 11: not in the document),
 * `exempt` (Server 2003/2008/2008 R2, versions before XP SP2), `unnamed-server` (later servers).
 */
export type RestrictionStatus = 'documented' | 'observed' | 'exempt' | 'unnamed-server';

/**
 * Whether the raw-socket restrictions (TCP, spoofed UDP, raw TCP bind) are documented, observed, lifted or unknown on a Windows version.
 * @example
 * {@includeCode ../../../examples/api-preflight.ts#platforms}
 */
export function restrictionStatus(p: WindowsPlatform): RestrictionStatus {
  return match(p)
    .with({ edition: 'client', release: P.union('vista', '7') }, () => 'documented' as const)
    .with({ edition: 'client', release: 'xp', servicePack: P.number.gte(2) }, () => 'documented' as const)
    .with({ edition: 'client', release: P.union('xp', '2000') }, () => 'exempt' as const)
    .with({ edition: 'client', release: P.union('8', '8.1', '10', '11') }, () => 'observed' as const)
    .with({ edition: 'server', release: P.union('2003', '2003r2', '2008', '2008r2') }, () => 'exempt' as const)
    .with({ edition: 'server' }, () => 'unnamed-server' as const)
    .exhaustive();
}

/** Vista and later (and Server 2008 and later) check raw-socket access at socket creation. */
function accessAtCreation(p: WindowsPlatform): boolean {
  return !match(p)
    .with({ edition: 'client', release: P.union('2000', 'xp') }, () => true)
    .with({ edition: 'server', release: P.union('2003', '2003r2') }, () => true)
    .otherwise(() => false);
}

function win(ctx: RuleInput): WindowsPlatform | undefined {
  return ctx.context.platform.os === 'windows' ? ctx.context.platform : undefined;
}

/**
 * A finding for one of the three client restrictions, graded by the version:
 * error (documented), error with an `observed` basis (8 to 11), warning (servers the document
 * does not name), info (exempt versions). `consequence` is one clause: what happens there.
 */
function restricted(ctx: RuleInput, consequence: string, source: FindingSource, remedy: string): RuleHit | undefined {
  const p = win(ctx);
  if (!p) return undefined;
  const name = platformName(p);
  return match(restrictionStatus(p))
    .with('documented', () => ({ message: `On ${name}, ${consequence}.`, remedy }))
    .with('observed', () => ({
      message: `On ${name}, ${consequence}. The document names only Windows 7, Vista and XP SP2/SP3; that ${name} behaves the same rests on observed behaviour (Nmap's documentation, raw-socket and libtins users), not on the document.`,
      remedy,
      basis: 'observed' as const,
      source: { ...observedWindows(source.section), summary: `The document's restriction "${source.quote ?? ''}" is observed on Windows 8, 8.1, 10 and 11 too.` },
    }))
    .with('unnamed-server', () => ({
      message: `On Windows 7, Vista and XP SP2/SP3, ${consequence}; the document exempts Server 2003, 2008 and 2008 R2 but does not name ${name}, so whether the restriction applies there is not documented.`,
      severity: 'warning' as const,
      basis: 'inferred' as const,
      remedy: `Try it on ${name} (rawcraft probe, then a test send to a host you control), use a server edition the document exempts (2008 R2 or earlier), or ${NPCAP}.`,
      source: WIN.exempt,
    }))
    .with('exempt', () => ({
      message: `${name} is exempt from the raw-socket restrictions: on Windows 7, Vista and XP SP2/SP3, ${consequence}.`,
      severity: 'info' as const,
      remedy: 'Nothing to do on this version; the same send fails on Windows 7 and later client versions.',
      source: WIN.exempt,
    }))
    .exhaustive();
}

export const WINDOWS_RULES: readonly Rule[] = [
  {
    id: 'WIN_ADMIN_REQUIRED',
    platforms: ['windows'],
    severity: 'error',
    scope: 'socket',
    source: WIN.adminNote,
    remedy: `Run elevated (an Administrator account, "Run as administrator"), or ${NPCAP} (installed once by an administrator).`,
    check: (ctx) => {
      const p = win(ctx);
      if (!p || ctx.context.privileges === 'elevated') return undefined;
      const where = accessAtCreation(p)
        ? 'socket() fails with WSAEACCES (on Vista and later access is checked at socket creation)'
        : 'socket() may succeed, but later calls such as sendto() fail with WSAEACCES (before Vista access is checked at those operations)';
      const wine = p.wine ? ' Under Wine, what counts is the Linux process: root or CAP_NET_RAW.' : '';
      if (ctx.context.privileges === 'unknown') {
        return { severity: 'warning', message: `Raw sockets need Administrator rights and this process's elevation could not be determined: if it is not elevated, ${where}.${wine}` };
      }
      return { message: `Raw sockets need Administrator rights and this process is not elevated: ${where}.${wine}` };
    },
  },
  {
    id: 'WIN_PROTOCOL_ZERO',
    platforms: ['windows'],
    severity: 'error',
    scope: 'socket',
    source: WIN.protocolZero,
    remedy: 'Open the socket for the protocol you send (1 ICMP, 17 UDP, 58 ICMPv6...), or for IPPROTO_RAW (255) with IP_HDRINCL and a header you build.',
    check: ({ socket }) =>
      socket.protocol === 0 ? { message: 'socket(AF_INET' + (socket.family === 6 ? '6' : '') + ', SOCK_RAW, 0) is refused: protocol 0 is not allowed for raw sockets.' } : undefined,
  },
  {
    id: 'WIN_TCP_BIND',
    platforms: ['windows'],
    severity: 'error',
    scope: 'socket',
    source: WIN.tcpBind,
    remedy: `Do not bind the raw TCP socket (the route then picks the source address), use Windows Server 2008 R2 or earlier, or ${NPCAP}.`,
    check: (ctx) =>
      ctx.socket.protocol === 6 && ctx.socket.bind !== undefined
        ? restricted(ctx, `bind() of a raw IPPROTO_TCP socket (here to ${ctx.socket.bind}) is not allowed`, WIN.tcpBind, `Do not bind the raw TCP socket (the route then picks the source address), use Windows Server 2008 R2 or earlier, or ${NPCAP}.`)
        : undefined,
  },
  {
    id: 'WIN_IPV6_HDRINCL',
    platforms: ['windows'],
    severity: 'warning',
    scope: 'socket',
    source: WIN.ipv6Discouraged,
    remedy:
      'Let Windows build the IPv6 header: open the socket without hdrincl for the upper protocol and send with WindowsRawSocket.sendIpv6(packet), which strips the IPv6 header, applies its hop limit and traffic class as IPV6_UNICAST_HOPS and IPV6_TCLASS, and sends the rest to its destination (bind() chooses the source address).',
    check: ({ socket }) =>
      socket.family === 6 && socket.hdrincl
        ? { message: 'IPV6_HDRINCL is not recommended and may be deprecated (the document, citing RFC 3542): including the IPv6 header risks compatibility problems, and some stacks (Wine, macOS) refuse the option.' }
        : undefined,
  },
  {
    id: 'WIN_HDRINCL_HEADER',
    platforms: ['windows'],
    severity: 'error',
    scope: 'packet',
    source: WIN.hdrinclV4,
    remedy: 'With IP_HDRINCL, hand sendto a whole datagram starting with its IP header (build it with ipv4(...)), or turn hdrincl off and send only the payload.',
    check: ({ packet, socket }) => {
      if (!packet || !packet.hdrincl || !packet.headerProblem) return undefined;
      const opt = socket.family === 6 ? 'IPV6_HDRINCL' : 'IP_HDRINCL';
      return {
        message: `With ${opt} the data must start with an IPv${socket.family} header, but ${packet.headerProblem}.`,
        ...(socket.family === 6 ? { source: WIN.hdrinclV6 } : {}),
      };
    },
  },
  {
    id: 'WIN_HEADER_WITHOUT_HDRINCL',
    platforms: ['windows'],
    severity: 'error',
    scope: 'packet',
    source: WIN.hdrinclV4,
    remedy: 'Either open the socket with hdrincl (IP_HDRINCL) to send the header as built, or send only what follows the header.',
    check: ({ packet, socket }) => {
      if (!packet || packet.hdrincl || !packet.hdrinclGiven || !packet.looksLikeIpHeader || packet.header?.family !== socket.family) return undefined;
      return {
        message: `IP_HDRINCL is off, yet the data starts with a complete IPv${socket.family} header: Windows would put its own header in front, and the peer would get your header as ${protocolName(socket.protocol)} payload.`,
        ...(socket.family === 6 ? { source: WIN.hdrinclV6 } : {}),
      };
    },
  },
  {
    id: 'WIN_MESSAGE_TOO_LARGE',
    platforms: ['windows'],
    severity: 'error',
    scope: 'packet',
    source: WIN.maxMessage,
    remedy: `Send at most ${WINDOWS_MAX_MESSAGE} bytes per call: split the data, or fragment the datagram yourself (IPv4 with IP_HDRINCL: MF flag and fragment offsets).`,
    check: ({ packet }) =>
      packet && packet.length > WINDOWS_MAX_MESSAGE
        ? { message: `${packet.length} bytes exceed the raw provider's maximum message size of 65,467 bytes: sendto fails with WSAEMSGSIZE.` }
        : undefined,
  },
  {
    id: 'WIN_BROADCAST_NEEDS_SO_BROADCAST',
    platforms: ['windows'],
    severity: 'error',
    scope: 'packet',
    source: WIN.broadcast,
    remedy: 'Enable SO_BROADCAST on the socket ({ broadcast: true }).',
    check: ({ packet, socket, context }) =>
      packet && !socket.broadcast && isBroadcast(packet.destination, context.interfaces)
        ? { message: `${packet.destination} is a broadcast address and SO_BROADCAST is off: sendto fails with WSAEACCES.` }
        : undefined,
  },
  {
    id: 'WIN_MULTICAST_NO_MEMBERSHIP',
    platforms: ['windows'],
    severity: 'info',
    scope: 'packet',
    source: WIN.multicast,
    remedy: 'Nothing to do: joining the group is needed only to receive from it.',
    check: ({ packet }) =>
      packet && isMulticast(packet.destination) ? { message: `${packet.destination} is a multicast address: a raw socket may send to it without joining the group.` } : undefined,
  },
  {
    id: 'WIN_TCP_SEND_BLOCKED',
    platforms: ['windows'],
    severity: 'error',
    scope: 'packet',
    source: WIN.tcpData,
    remedy: `Use Windows Server 2008 R2 or earlier (exempt), ${NPCAP}, or the OS's own TCP (net.Socket) for ordinary connections.`,
    check: (ctx) =>
      ctx.packet?.protocol === 6
        ? restricted(ctx, 'TCP data cannot be sent over raw sockets, so this TCP segment is refused', WIN.tcpData, `Use Windows Server 2008 R2 or earlier (exempt), ${NPCAP}, or the OS's own TCP (net.Socket) for ordinary connections.`)
        : undefined,
  },
  {
    id: 'WIN_UDP_SOURCE_NOT_LOCAL',
    platforms: ['windows'],
    severity: 'error',
    scope: 'packet',
    source: WIN.udpSource,
    remedy: `Use a source address of a local interface (ipconfig lists them), a server edition the document exempts, or ${NPCAP}.`,
    check: (ctx) => {
      const { packet, context } = ctx;
      if (!packet || packet.protocol !== 17 || packet.source === undefined || isUnspecified(packet.source)) return undefined;
      if (isLocalAddress(packet.source, context.interfaces)) return undefined;
      const known = context.interfaces.length ? context.interfaces.map((a) => a.address).join(', ') : 'none known';
      return restricted(
        ctx,
        `a UDP datagram whose source address is on no local interface is dropped silently: sendto succeeds but nothing leaves (source ${packet.source}; local addresses: ${known})`,
        WIN.udpSource,
        `Use a source address of a local interface (ipconfig lists them), use Windows Server 2008 R2 or earlier, or ${NPCAP}.`,
      );
    },
  },
  {
    id: 'WIN_RECEIVE_HEADERS',
    platforms: ['windows'],
    severity: 'info',
    scope: 'socket',
    source: WIN.receiveV4,
    remedy: 'Nothing to do: rawcraft sets ReceivedDatagram.includesIpHeader accordingly (true for IPv4, false for IPv6).',
    check: ({ socket }) =>
      socket.family === 4
        ? { message: 'Received IPv4 datagrams always start with their IPv4 header, whether IP_HDRINCL is set or not.' }
        : { message: 'Received IPv6 datagrams never include an IPv6 header: only what follows the last IPv6 header arrives.', source: WIN.receiveV6 },
  },
  {
    id: 'WIN_RECEIVE_ALL_MATCHING',
    platforms: ['windows'],
    severity: 'info',
    scope: 'socket',
    source: WIN.receiveAll,
    remedy: 'Pass receive({ filter }) a test for the datagrams you expect (e.g. your ICMP identifier); bind() or connect() narrows by address.',
    check: ({ socket }) => ({
      message: `Every raw socket open for ${protocolName(socket.protocol)} gets a copy of every matching datagram, including other programs' traffic: the transport must filter.`,
    }),
  },
];
