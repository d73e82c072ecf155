/**
 * macOS values (<sys/socket.h>, <netinet/in.h>, <netinet6/in6.h>, <sys/errno.h>).
 * Written from the headers; not exercised by the test suite, which runs on Linux.
 */
import type { PosixConstants } from './constants-types.js';

export const DARWIN: PosixConstants = {
  os: 'darwin',
  libc: 'libSystem.B.dylib',
  sockaddrHasLen: true,
  nfdsType: 'unsigned int',

  AF_INET: 2,
  AF_INET6: 30,
  SOCK_DGRAM: 2,
  SOCK_RAW: 3,
  SOCK_CLOEXEC: 0, // no such flag: fcntl(F_SETFD, FD_CLOEXEC) after socket()

  IPPROTO_IP: 0,
  IPPROTO_ICMP: 1,
  IPPROTO_TCP: 6,
  IPPROTO_UDP: 17,
  IPPROTO_IPV6: 41,
  IPPROTO_ICMPV6: 58,
  IPPROTO_SCTP: 132,
  IPPROTO_RAW: 255,

  SOL_SOCKET: 0xffff,
  SO_BROADCAST: 0x0020,
  SO_SNDBUF: 0x1001,
  SO_RCVBUF: 0x1002,
  SO_BINDTODEVICE: undefined,

  IP_TOS: 3,
  IP_TTL: 4,
  IP_HDRINCL: 2,
  IP_MTU_DISCOVER: undefined,
  IP_PMTUDISC_DONT: undefined,
  IP_PMTUDISC_DO: undefined,
  IP_MTU: undefined,
  IP_DONTFRAG: 28,
  IP_BOUND_IF: 25,
  IP_RECVERR: undefined, // BSD stacks return ENOBUFS from sendto themselves

  IPV6_HDRINCL: undefined, // BSD stacks have no IPv6 header inclusion
  IPV6_UNICAST_HOPS: 4,
  IPV6_TCLASS: 36,
  IPV6_CHECKSUM: 26,
  IPV6_DONTFRAG: 62,
  IPV6_MTU: undefined,
  IPV6_BOUND_IF: 125,
  IPV6_RECVERR: undefined,

  POLLIN: 0x001,
  POLLERR: 0x008,
  POLLHUP: 0x010,
  POLLNVAL: 0x020,

  MSG_DONTWAIT: 0x80,

  F_SETFD: 2,
  FD_CLOEXEC: 1,

  errno: {
    EPERM: 1,
    EINTR: 4,
    ENXIO: 6,
    EBADF: 9,
    EAGAIN: 35,
    ENOMEM: 12,
    EACCES: 13,
    ENODEV: 19,
    EINVAL: 22,
    EDESTADDRREQ: 39,
    EMSGSIZE: 40,
    ENOPROTOOPT: 42,
    EPROTONOSUPPORT: 43,
    EOPNOTSUPP: 102,
    EAFNOSUPPORT: 47,
    EADDRINUSE: 48,
    EADDRNOTAVAIL: 49,
    ENETDOWN: 50,
    ENETUNREACH: 51,
    ENOBUFS: 55,
    EISCONN: 56,
    ENOTCONN: 57,
    ECONNREFUSED: 61,
    EHOSTDOWN: 64,
    EHOSTUNREACH: 65,
  },
};
