/**
 * The documents the rules rest on, and the passages they quote. Windows quotes are verbatim
 * from Microsoft's "TCP/IP raw sockets" page (Windows Sockets 2), kept in the project's shared
 * seed as `windows-raw-sockets.txt`; a test checks every quote against that text.
 */
import type { FindingSource } from './types.js';

export const WINDOWS_DOC = 'Microsoft Learn, Windows Sockets 2: "TCP/IP raw sockets" (seed: windows-raw-sockets.txt)';
export const RAW7 = 'Linux man-pages raw(7)';
export const RFC3542 = 'RFC 3542, Advanced Sockets API for IPv6';
export const DARWIN_IP4 = 'macOS ip(4) (BSD)';
export const DARWIN_SEND2 = 'macOS send(2)';
export const OBSERVED_WINDOWS =
  'Observed behaviour: Nmap documentation (Windows: raw packets go through Npcap because client Windows restricts raw sockets) and raw-socket / libtins user reports (TCP refused on Windows 10 and 11)';

const win = (section: string, quote: string): FindingSource => ({ document: WINDOWS_DOC, section, quote });

/** Verbatim passages of the Windows document, by what they establish. */
export const WIN = {
  adminCreate: win(
    'Creating a Raw Socket',
    'only members of the Administrators group can create sockets of type SOCK_RAW on Windows 2000 and later.',
  ),
  adminNote: win(
    'Send and Receive Operations, Note',
    'Users running Winsock applications that use raw sockets must be a member of the Administrators group on the local computer, otherwise raw socket calls will fail with an error code of WSAEACCES. On Windows Vista and later, access for raw sockets is enforced at socket creation. In earlier versions of Windows, access for raw sockets is enforced during other socket operations.',
  ),
  protocolZero: win(
    'Creating a Raw Socket, Note',
    'An application may not specify zero (0) as the protocol parameter for the socket, WSASocket, and WSPSocket functions if the type parameter is set to SOCK_RAW.',
  ),
  broadcast: win(
    'Send and Receive Operations, rule 1 (sendto)',
    'To send to a broadcast address, an application must have used setsockopt with SO_BROADCAST enabled. Otherwise, sendto or WSASendTo will fail with the error code WSAEACCES.',
  ),
  multicast: win('Send and Receive Operations, rule 1 (sendto)', 'For IP, an application can send to any multicast address (without becoming a group member).'),
  hdrinclV4: win(
    'Send and Receive Operations, rule 2 (IPv4 header)',
    'If the IP_HDRINCL socket option is set to true for an IPv4 socket (address family of AF_INET), the application must supply the IPv4 header in the outgoing data for send operations. If this socket option is false (the default setting), then the IPv4 header should not be in included the outgoing data for send operations.',
  ),
  hdrinclV6: win(
    'Send and Receive Operations, rule 3 (IPv6 header)',
    'If the IPV6_HDRINCL socket option is set to true for an IPv6 socket (address family of AF_INET6), the application must supply the IPv6 header in the outgoing data for send operations.',
  ),
  ipv6Discouraged: win(
    'Send and Receive Operations, rule 3 (IPv6 header)',
    'For IPv6, there should be no need to include the IPv6 header. If information is available using socket functions, then the IPv6 header should not be included to avoid compatibility problems in the future. These issues are discussed in RFC 3542 published by the IETF. Using the IPV6_HDRINCL socket option is not recommended and may be deprecated in future.',
  ),
  maxMessage: win(
    'Determining if Raw Sockets are Supported',
    'supports broadcast/multicast (the XP1_CONNECTIONLESS, XP1_MESSAGE_ORIENTED, XP1_SUPPORT_BROADCAST, and XP1_SUPPORT_MULTIPOINT bits are set in the dwServiceFlags1 member), and can have a maximum message size of 65,467 bytes.',
  ),
  catalog: win(
    'Determining if Raw Sockets are Supported',
    'If a Winsock service provider supports SOCK_RAW sockets for the AF_INET or AF_INET6 address families, the socket type of SOCK_RAW should be included in the WSAPROTOCOL_INFO structure returned by WSAEnumProtocols function for one or more of the available transport providers.',
  ),
  limits: win(
    'Limitations on Raw Sockets',
    'On Windows 7, Windows Vista, Windows XP with Service Pack 2 (SP2), and Windows XP with Service Pack 3 (SP3), the ability to send traffic over raw sockets has been restricted in several ways:',
  ),
  tcpData: win('Limitations on Raw Sockets', 'TCP data cannot be sent over raw sockets.'),
  udpSource: win(
    'Limitations on Raw Sockets',
    'UDP datagrams with an invalid source address cannot be sent over raw sockets. The IP source address for any outgoing UDP datagram must exist on a network interface or the datagram is dropped.',
  ),
  tcpBind: win('Limitations on Raw Sockets', 'A call to the bind function with a raw socket for the IPPROTO_TCP protocol is not allowed.'),
  exempt: win(
    'Limitations on Raw Sockets',
    'These above restrictions do not apply to Windows Server 2008 R2, Windows Server 2008 , Windows Server 2003, or to versions of the operating system earlier than Windows XP with SP2.',
  ),
  receiveV4: win(
    'Send and Receive Operations, receiving',
    'For IPv4 (address family of AF_INET), an application receives the IP header at the front of each received datagram regardless of the IP_HDRINCL socket option.',
  ),
  receiveV6: win(
    'Send and Receive Operations, receiving',
    'For IPv6 (address family of AF_INET6), an application receives everything after the last IPv6 header in each received datagram regardless of the IPV6_HDRINCL socket option. The application does not receive any IPv6 headers using a raw socket.',
  ),
  receiveAll: win(
    'Send and Receive Operations, receiving',
    'Moreover, if several SOCK_RAW sockets are open on a computer at the same time, the same datagrams may be delivered to all the open sockets. An application must have a mechanism to recognize the datagrams of interest and to ignore all others.',
  ),
  rcvall: win(
    'Common Uses of Raw Sockets',
    'a raw socket can be used with the SIO_RCVALL IOCTL to enable a socket to receive all IPv4 or IPv6 packets passing through a network interface.',
  ),
} as const satisfies Record<string, FindingSource>;

/** The source of the Windows 8 / 8.1 / 10 / 11 extension of the client restrictions. */
export function observedWindows(section: string): FindingSource {
  return { document: OBSERVED_WINDOWS, section };
}

export const LINUX = {
  privilege: {
    document: RAW7,
    section: 'DESCRIPTION; ERRORS (EPERM)',
    quote:
      'In order to create a raw socket, a process must have the CAP_NET_RAW capability in the user namespace that governs its network namespace.',
  },
  hdrincl: {
    document: RAW7,
    section: 'DESCRIPTION',
    quote: 'When it is enabled, the packet must contain an IP header. For receiving, the IP header is always included in the packet.',
  },
  hdrinclRewrites: {
    document: RAW7,
    section: 'DESCRIPTION, table "IP Header fields modified on sending by IP_HDRINCL"',
    quote: 'IP Checksum: Always filled in | Source Address: Filled in when zero | Packet ID: Filled in when zero | Total Length: Always filled in',
  },
  hdrinclShort: {
    document: 'Linux source, net/ipv4/raw.c',
    section: 'raw_send_hdrinc()',
    summary: 'A header-included datagram shorter than struct iphdr (20 bytes), or whose ihl*4 exceeds its length, is refused with EINVAL.',
  },
  broadcast: {
    document: RAW7,
    section: 'ERRORS (EACCES)',
    quote: 'User tried to send to a broadcast address without having the broadcast flag set on the socket.',
  },
  size: {
    document: RAW7,
    section: 'ERRORS (EMSGSIZE)',
    quote: 'Packet too big. Either Path MTU Discovery is enabled (the IP_MTU_DISCOVER socket flag) or the packet size exceeds the maximum allowed IPv4 packet size of 64 kB.',
  },
  ipv6Hdrincl: {
    document: 'Linux source, net/ipv6/raw.c (IPV6_HDRINCL, Linux 4.5 and later)',
    section: 'rawv6_send_hdrinc()',
    summary: 'Since Linux 4.5 an IPv6 raw socket with IPV6_HDRINCL takes the whole IPv6 header from the user; older kernels refuse the option (ENOPROTOOPT).',
  },
  receive: {
    document: RAW7,
    section: 'DESCRIPTION',
    quote: 'All packets or errors matching the protocol number specified for the raw socket are passed to this socket.',
  },
} as const satisfies Record<string, FindingSource>;

export const DARWIN = {
  privilege: {
    document: DARWIN_IP4,
    section: 'DESCRIPTION (raw IP sockets)',
    summary: 'Raw IP sockets can only be created by the super-user; others get EACCES from socket(2).',
  },
  byteOrder: {
    document: DARWIN_IP4,
    section: 'DESCRIPTION (IP_HDRINCL)',
    summary:
      'With IP_HDRINCL the kernel reads ip_len and ip_off in host byte order, not network order (the BSD convention FreeBSD dropped in version 11 and macOS keeps).',
  },
  hdrincl: {
    document: DARWIN_IP4,
    section: 'DESCRIPTION (IP_HDRINCL)',
    summary: 'With IP_HDRINCL the data must begin with a complete IPv4 header; a shorter datagram or a header length past its end is refused with EINVAL.',
  },
  noIpv6Hdrincl: {
    document: RFC3542,
    section: 'Section 3, IPv6 Raw Sockets',
    quote:
      'Another difference from IPv4 raw sockets is that complete packets (that is, IPv6 packets with extension headers) cannot be sent or received using the IPv6 raw sockets API.',
  },
  broadcast: {
    document: DARWIN_SEND2,
    section: 'ERRORS (EACCES)',
    summary: 'sendto fails with EACCES when the destination is a broadcast address and SO_BROADCAST is not set on the socket.',
  },
} as const satisfies Record<string, FindingSource>;

export const COMMON = {
  ipv4Size: {
    document: 'RFC 791',
    section: '3.1 Internet Header Format (Total Length)',
    quote: 'This field allows the length of a datagram to be up to 65,535 octets.',
  },
  ipv6Receive: {
    document: RFC3542,
    section: 'Section 3, IPv6 Raw Sockets',
    quote:
      'Another difference from IPv4 raw sockets is that complete packets (that is, IPv6 packets with extension headers) cannot be sent or received using the IPv6 raw sockets API.',
  },
} as const satisfies Record<string, FindingSource>;
