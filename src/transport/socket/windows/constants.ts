/** Winsock values (winsock2.h, ws2def.h, ws2ipdef.h, mstcpip.h) the Windows transport uses. */
export const WIN = {
  AF_INET: 2,
  AF_INET6: 23,
  SOCK_RAW: 3,

  IPPROTO_IP: 0,
  IPPROTO_ICMP: 1,
  IPPROTO_TCP: 6,
  IPPROTO_UDP: 17,
  IPPROTO_IPV6: 41,
  IPPROTO_ICMPV6: 58,
  IPPROTO_RAW: 255,

  SOL_SOCKET: 0xffff,
  SO_BROADCAST: 0x0020,
  SO_SNDBUF: 0x1001,
  SO_RCVBUF: 0x1002,
  SO_RCVTIMEO: 0x1006,
  SO_ERROR: 0x1007,

  IP_TOS: 3,
  IP_TTL: 4,
  IP_HDRINCL: 2,
  IP_DONTFRAGMENT: 14,

  IPV6_HDRINCL: 2,
  IPV6_UNICAST_HOPS: 4,
  IPV6_DONTFRAG: 14,
  IPV6_CHECKSUM: 26,
  IPV6_TCLASS: 39,

  /** ioctlsocket: non-blocking mode. */
  FIONBIO: 0x8004667e | 0,
  /** WSAIoctl: receive all packets on the interface the socket is bound to. */
  SIO_RCVALL: 0x98000001,
  RCVALL_OFF: 0,
  RCVALL_ON: 1,

  WSA_FLAG_OVERLAPPED: 0x01,
  WSA_FLAG_NO_HANDLE_INHERIT: 0x80,

  /** WSAPoll events. POLLIN is POLLRDNORM | POLLRDBAND. */
  POLLRDNORM: 0x0100,
  POLLRDBAND: 0x0200,
  POLLIN: 0x0300,
  POLLERR: 0x0001,
  POLLHUP: 0x0002,
  POLLNVAL: 0x0004,

  INVALID_SOCKET: -1,
  SOCKET_ERROR: -1,
  /** Winsock 2.2. */
  WINSOCK_VERSION: 0x0202,
} as const;

/** XP1_* service flags of WSAPROTOCOL_INFOW.dwServiceFlags1. */
export const XP1_FLAGS: ReadonlyArray<readonly [number, string]> = [
  [0x00000001, 'XP1_CONNECTIONLESS'],
  [0x00000002, 'XP1_GUARANTEED_DELIVERY'],
  [0x00000004, 'XP1_GUARANTEED_ORDER'],
  [0x00000008, 'XP1_MESSAGE_ORIENTED'],
  [0x00000010, 'XP1_PSEUDO_STREAM'],
  [0x00000020, 'XP1_GRACEFUL_CLOSE'],
  [0x00000040, 'XP1_EXPEDITED_DATA'],
  [0x00000080, 'XP1_CONNECT_DATA'],
  [0x00000100, 'XP1_DISCONNECT_DATA'],
  [0x00000200, 'XP1_SUPPORT_BROADCAST'],
  [0x00000400, 'XP1_SUPPORT_MULTIPOINT'],
  [0x00000800, 'XP1_MULTIPOINT_CONTROL_PLANE'],
  [0x00001000, 'XP1_MULTIPOINT_DATA_PLANE'],
  [0x00002000, 'XP1_QOS_SUPPORTED'],
  [0x00004000, 'XP1_INTERRUPT'],
  [0x00008000, 'XP1_UNI_SEND'],
  [0x00010000, 'XP1_UNI_RECV'],
  [0x00020000, 'XP1_IFS_HANDLES'],
  [0x00040000, 'XP1_PARTIAL_MESSAGE'],
  [0x00080000, 'XP1_SAS'],
];

/** Names of the XP1 flags set in `flags`. */
export function xp1Names(flags: number): string[] {
  return XP1_FLAGS.filter(([bit]) => (flags & bit) !== 0).map(([, name]) => name);
}
