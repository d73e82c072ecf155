/**
 * The shape of an OS's table of C header values: constants-linux.ts and constants-darwin.ts
 * fill it, constants.ts picks one. A file of its own so the tables need not import the picker.
 */

/** Operating systems this layer has bindings for. */
export type PosixOs = 'linux' | 'darwin';

/** Options and values an OS may not have are `undefined` there (e.g. SO_BINDTODEVICE on macOS). */
export interface PosixConstants {
  readonly os: PosixOs;
  /** The C library koffi loads. */
  readonly libc: string;
  /** macOS (BSD) sockaddrs start with a one-byte length (`sin_len`); Linux ones do not. */
  readonly sockaddrHasLen: boolean;
  /** `nfds_t` is `unsigned long` on Linux and `unsigned int` on macOS. */
  readonly nfdsType: 'unsigned long' | 'unsigned int';

  readonly AF_INET: number;
  readonly AF_INET6: number;
  readonly SOCK_DGRAM: number;
  readonly SOCK_RAW: number;
  /** Flag OR-ed into the socket type (Linux); 0 where the OS needs fcntl instead. */
  readonly SOCK_CLOEXEC: number;

  readonly IPPROTO_IP: number;
  readonly IPPROTO_ICMP: number;
  readonly IPPROTO_TCP: number;
  readonly IPPROTO_UDP: number;
  readonly IPPROTO_IPV6: number;
  readonly IPPROTO_ICMPV6: number;
  readonly IPPROTO_SCTP: number;
  readonly IPPROTO_RAW: number;

  readonly SOL_SOCKET: number;
  readonly SO_BROADCAST: number;
  readonly SO_SNDBUF: number;
  readonly SO_RCVBUF: number;
  readonly SO_BINDTODEVICE: number | undefined;

  readonly IP_TOS: number;
  readonly IP_TTL: number;
  readonly IP_HDRINCL: number;
  readonly IP_MTU_DISCOVER: number | undefined;
  readonly IP_PMTUDISC_DONT: number | undefined;
  readonly IP_PMTUDISC_DO: number | undefined;
  /** getsockopt on a connected socket: the path MTU (Linux). */
  readonly IP_MTU: number | undefined;
  readonly IP_DONTFRAG: number | undefined;
  readonly IP_BOUND_IF: number | undefined;
  /** Linux: report queue drops (ENOBUFS) and ICMP errors to the socket instead of hiding them. */
  readonly IP_RECVERR: number | undefined;

  readonly IPV6_HDRINCL: number | undefined;
  readonly IPV6_UNICAST_HOPS: number;
  readonly IPV6_TCLASS: number;
  readonly IPV6_CHECKSUM: number;
  readonly IPV6_DONTFRAG: number;
  readonly IPV6_MTU: number | undefined;
  readonly IPV6_BOUND_IF: number | undefined;
  readonly IPV6_RECVERR: number | undefined;

  readonly POLLIN: number;
  readonly POLLERR: number;
  readonly POLLHUP: number;
  readonly POLLNVAL: number;

  readonly MSG_DONTWAIT: number;

  readonly F_SETFD: number;
  readonly FD_CLOEXEC: number;

  /** The errno values the layer reacts to. Names come from koffi at run time; these are for comparisons. */
  readonly errno: Readonly<Record<ErrnoName, number>>;
}

/** errno names the transport layer handles specifically. */
export type ErrnoName =
  | 'EPERM'
  | 'EINTR'
  | 'ENXIO'
  | 'EBADF'
  | 'EAGAIN'
  | 'ENOMEM'
  | 'EACCES'
  | 'ENODEV'
  | 'EINVAL'
  | 'EDESTADDRREQ'
  | 'EMSGSIZE'
  | 'ENOPROTOOPT'
  | 'EPROTONOSUPPORT'
  | 'EOPNOTSUPP'
  | 'EAFNOSUPPORT'
  | 'EADDRINUSE'
  | 'EADDRNOTAVAIL'
  | 'ENETDOWN'
  | 'ENETUNREACH'
  | 'ENOBUFS'
  | 'EISCONN'
  | 'ENOTCONN'
  | 'ECONNREFUSED'
  | 'EHOSTDOWN'
  | 'EHOSTUNREACH';
