/**
 * Errors of the raw-socket layer. A failed system call becomes a `TransportError` that keeps
 * the errno (number and name) and says, in `remedy`, what the caller can do about it:
 * permissions, SO_BROADCAST, packet size vs MTU, backpressure, routes, interface names...
 */
import { RawcraftError, formatValue } from '../codec/errors.js';

/** The calls whose failures become TransportErrors. */
export type TransportSyscall =
  | 'socket'
  | 'setsockopt'
  | 'getsockopt'
  | 'bind'
  | 'connect'
  | 'sendto'
  | 'sendmmsg'
  | 'recvfrom'
  | 'poll'
  | 'close'
  | 'fcntl'
  | 'if_nametoindex'
  | 'dlopen';

/** What was being done when the call failed; every field is optional and only sharpens the message. */
export interface TransportErrorContext {
  /** 4 or 6. */
  readonly family?: 4 | 6;
  /** IP protocol number the socket was opened for. */
  readonly protocol?: number;
  /** The socket option involved, e.g. `IP_HDRINCL` or `SO_BINDTODEVICE`. */
  readonly option?: string;
  /** The option's value, when it helps (e.g. a TTL). */
  readonly optionValue?: number | string | boolean;
  /** Interface name (SO_BINDTODEVICE / IP_BOUND_IF). */
  readonly interface?: string;
  /** Destination, bind or connect address. */
  readonly address?: string;
  /** Size in bytes of the datagram being sent. */
  readonly size?: number;
  /** MTU of the route to `address`, when it could be found. */
  readonly mtu?: number;
  /** Index of the failing packet in a `sendMany` batch (the ones before it were sent). */
  readonly index?: number;
}

/** Everything a TransportError is built from. */
export interface TransportErrorInit extends TransportErrorContext {
  readonly syscall: TransportSyscall;
  /** errno value as the OS defines it (0 for failures detected before any call). */
  readonly errno: number;
  /** Symbolic errno, e.g. `EPERM`. */
  readonly errnoName: string;
  /** The OS's own text for the errno (strerror), if known. */
  readonly description?: string;
  /** `process.platform` where it happened. */
  readonly platform: string;
}

/** IPPROTO_RAW: the caller supplies the IP header (the raw transport's sending sockets). */
const IPPROTO_RAW = 255;

/** Command that lets a non-root Node open raw sockets on Linux. */
export const SETCAP_COMMAND = 'sudo setcap cap_net_raw+ep $(readlink -f $(which node))';

/** What to do without raw-socket rights on Linux: the EPERM error's remedy and the pre-flight finding's alike. */
export const LINUX_PRIVILEGE_REMEDY = `Raw sockets need CAP_NET_RAW: run as root, or grant the capability: ${SETCAP_COMMAND}`;

/** The fields of `source` among `keys` that are set (not undefined), in the order of `keys`. */
export function definedFields<T extends object, K extends keyof T>(source: T, keys: readonly K[]): Partial<Pick<T, K>> {
  const out: Partial<Pick<T, K>> = {};
  for (const key of keys) if (source[key] !== undefined) out[key] = source[key];
  return out;
}

/** A socket error as plain data: the fields every one has, then the optional ones that are set. */
export function socketErrorJson<T extends object, K extends keyof T>(fields: Record<string, string | number>, error: T, optional: readonly K[]): Record<string, string | number> {
  return { ...fields, ...(definedFields(error, optional) as Record<string, string | number>) };
}

const OPTIONAL_FIELDS = ['option', 'address', 'interface', 'size', 'mtu', 'index'] as const;

/**
 * A system call on a raw socket failed.
 * @example
 * {@includeCode ../../examples/api-transport.ts#transport-errors}
 */
export class TransportError extends RawcraftError {
  readonly code = 'E_TRANSPORT';
  readonly syscall: TransportSyscall;
  readonly errno: number;
  readonly errnoName: string;
  readonly platform: string;
  /** What to do about it, in one sentence. */
  readonly remedy: string;
  readonly option?: string;
  readonly address?: string;
  readonly interface?: string;
  readonly size?: number;
  readonly mtu?: number;
  readonly index?: number;

  constructor(init: TransportErrorInit) {
    const { what, remedy } = explain(init);
    const desc = init.description ? ` (${init.description})` : '';
    super(`${what}: ${init.errnoName}${desc}. ${remedy}`);
    this.syscall = init.syscall;
    this.errno = init.errno;
    this.errnoName = init.errnoName;
    this.platform = init.platform;
    this.remedy = remedy;
    Object.assign(this, definedFields(init, OPTIONAL_FIELDS));
  }

  /** Plain data, e.g. to print from a CLI or pass between processes. */
  toJSON(): Record<string, string | number> {
    const { name, code, message, syscall, errno, errnoName, platform, remedy } = this;
    return socketErrorJson({ name, code, message, syscall, errno, errnoName, platform, remedy }, this, OPTIONAL_FIELDS);
  }
}

/**
 * A value passed to the transport API is unusable (bad address text, out-of-range TTL...).
 * @example
 * {@includeCode ../../examples/api-transport.ts#transport-errors}
 */
export class TransportArgumentError extends RawcraftError {
  readonly code = 'E_TRANSPORT_ARGUMENT';
  constructor(
    /** Option or parameter name, e.g. `ttl` or `destination`. */
    readonly argument: string,
    readonly value: unknown,
    /** What is accepted, e.g. `an integer 1..255`. */
    readonly allowed: string,
  ) {
    super(`${argument}: ${formatValue(value)} is not allowed; expected ${allowed}`);
  }
}

/** Build the "what failed" text and the remedy for an errno in context. */
function explain(e: TransportErrorInit): { what: string; remedy: string } {
  const fam = e.family === 6 ? 'IPv6' : e.family === 4 ? 'IPv4' : 'IP';
  const proto = e.protocol !== undefined ? ` protocol ${e.protocol}` : '';
  const opt = e.option ? ` ${e.option}${e.optionValue !== undefined ? `=${formatValue(e.optionValue)}` : ''}` : '';
  const to = e.address ? ` to ${e.address}` : '';
  const sizeText = e.size !== undefined ? ` of ${e.size} bytes` : '';
  const at = e.index !== undefined ? ` (packet #${e.index} of the batch; the ones before it were sent)` : '';
  const isSend = e.syscall === 'sendto' || e.syscall === 'sendmmsg';

  let what: string;
  switch (e.syscall) {
    case 'socket':
      what = `socket(): cannot open a raw ${fam} socket for${proto || ' this protocol'}`;
      break;
    case 'setsockopt':
    case 'getsockopt':
      what = `${e.syscall}(${e.option ?? ''}): cannot ${e.syscall === 'setsockopt' ? 'set' : 'read'}${opt} on a raw ${fam} socket`;
      break;
    case 'sendto':
    case 'sendmmsg':
      what = `${e.syscall}(): cannot send a datagram${sizeText}${to}${at}`;
      break;
    case 'bind':
    case 'connect':
      what = `${e.syscall}(): cannot ${e.syscall} a raw ${fam} socket${e.address ? ` ${e.syscall === 'bind' ? 'to' : 'to peer'} ${e.address}` : ''}`;
      break;
    case 'if_nametoindex':
      what = `if_nametoindex(): cannot find interface ${formatValue(e.interface ?? '')}`;
      break;
    case 'dlopen':
      what = 'cannot load the C library for raw sockets';
      break;
    default:
      what = `${e.syscall}() failed on a raw ${fam} socket`;
  }

  return { what, remedy: remedyFor(e, isSend) };
}

function remedyFor(e: TransportErrorInit, isSend: boolean): string {
  const linux = e.platform === 'linux';
  const privilege = linux
    ? LINUX_PRIVILEGE_REMEDY
    : 'Raw sockets need root: run as root (e.g. with sudo)';
  switch (e.errnoName) {
    case 'EPERM':
      if (e.syscall === 'socket' || e.syscall === 'setsockopt') return privilege;
      if (isSend)
        return linux
          ? 'A firewall rule (iptables/nftables) or a security module refused the packet; check `nft list ruleset` / `iptables -S OUTPUT`.'
          : 'A packet filter (pf) refused the packet; check `pfctl -sr`.';
      return privilege;
    case 'EACCES':
      if (isSend)
        return `The destination${e.address ? ` ${e.address}` : ''} is a broadcast address: enable SO_BROADCAST ({ broadcast: true }) to send to it.`;
      return privilege;
    case 'EMSGSIZE': {
      const size = e.size !== undefined ? `${e.size} bytes` : 'The datagram';
      const mtu =
        e.mtu !== undefined
          ? `the MTU of the route${e.address ? ` to ${e.address}` : ''} is ${e.mtu} bytes`
          : 'it exceeds the path MTU or the 65,535-byte IP limit';
      // Linux and BSD never fragment a datagram whose IP header the caller supplied (IPPROTO_RAW / IP_HDRINCL), DF or not.
      const split =
        e.protocol === IPPROTO_RAW
          ? 'build the fragments yourself (the kernel never fragments a datagram whose IP header you supply, DF or not)'
          : e.family === 6
            ? 'let the kernel fragment them (without dontFragment)'
            : 'fragment them (IPv4 without the DF bit)';
      return `${size} is too large: ${mtu}. Send smaller datagrams, or ${split}.`;
    }
    case 'ENOBUFS':
    case 'EAGAIN':
      return isSend
        ? "Backpressure: the kernel's send queue (the socket's, or the interface's queue discipline) is full. Slow down or retry after a short delay; raising SO_SNDBUF or net.core.wmem_max gives more headroom."
        : 'The operation would block; retry later.';
    case 'EADDRNOTAVAIL':
      return `${e.address ?? 'The address'} is not an address of this host (or not usable here): bind to an address shown by \`${linux ? 'ip addr' : 'ifconfig'}\`, and for link-local IPv6 give a zone (fe80::1%eth0).`;
    case 'ENETUNREACH':
      return `No route to the network of ${e.address ?? 'the destination'} (an interface that went down takes its routes with it): check \`${linux ? `ip route get ${e.address ?? '<address>'}` : `route -n get ${e.address ?? '<address>'}`}\` and the interface binding.`;
    case 'EHOSTUNREACH':
      return `${e.address ?? 'The host'} is unreachable (no neighbour answered, or an ICMP unreachable came back): check the address, the route and \`${linux ? 'ip neigh' : 'arp -a'}\`.`;
    case 'ENETDOWN':
    case 'EHOSTDOWN':
      return 'The network interface is down: bring it up, or use another one.';
    case 'ENODEV':
    case 'ENXIO':
      return `There is no network interface named ${formatValue(e.interface ?? '')}: list them with \`${linux ? 'ip link' : 'ifconfig -l'}\`.`;
    case 'EPROTONOSUPPORT':
    case 'ENOPROTOOPT':
    case 'EOPNOTSUPP':
    case 'EAFNOSUPPORT':
      if (e.option)
        return `This kernel does not support ${e.option} on raw ${e.family === 6 ? 'IPv6' : 'IPv4'} sockets${e.option === 'IPV6_HDRINCL' ? ' (Linux has it since 4.5; macOS never): let the kernel build the IPv6 header (ipv6Hdrincl: false) and use hopLimit/trafficClass' : ''}.`;
      if (e.protocol === 0)
        return 'Raw sockets need a protocol number; 0 (IPPROTO_IP) is refused: use e.g. 1 (ICMP), 58 (ICMPv6), or 255 (IPPROTO_RAW) with a header you build.';
      return `This kernel does not offer raw ${e.family === 6 ? 'IPv6' : 'IPv4'} sockets for protocol ${e.protocol ?? '?'} (e.g. SCTP may be unsupported or blocked): use another protocol number, or IPPROTO_RAW (255) with a header you build.`;
    case 'EINVAL':
      if (e.syscall === 'setsockopt') return `The kernel rejected${e.option ? ` ${e.option}` : ' the option'}${e.optionValue !== undefined ? ` = ${formatValue(e.optionValue)}` : ''}: check its range for this socket type.`;
      if (isSend)
        return 'The kernel rejected the datagram: with hdrincl the IP header must be well formed (version, IHL >= 5, total length matching), and the destination family must match the socket.';
      return `The kernel rejected the arguments to ${e.syscall}(); check the address family and values.`;
    case 'EBADF':
      return 'The socket is closed; open a new one.';
    case 'EDESTADDRREQ':
    case 'ENOTCONN':
      return 'No destination: pass one to send(), or open the socket with { connect }.';
    case 'EISCONN':
      return 'The socket is connected: send without a destination, or open it without { connect }.';
    case 'EADDRINUSE':
      return 'The address is already in use by another socket.';
    case 'ECONNREFUSED':
      return 'An ICMP error for an earlier datagram came back (port/protocol unreachable); it is reported once, further sends work.';
    case 'EINTR':
      return 'A signal interrupted the call; retry it.';
    case 'ENOMEM':
      return 'The kernel is out of memory for socket buffers; retry later or send less.';
    default:
      return `See the ${e.syscall}(2) man page for ${e.errnoName}.`;
  }
}

/**
 * The transport cannot do this at all (e.g. receive from a pcap file transport).
 * @example
 * {@includeCode ../../examples/api-transport.ts#capture-transport}
 */
export class TransportUnsupportedError extends RawcraftError {
  readonly code = 'E_TRANSPORT_UNSUPPORTED';
  constructor(
    /** Transport kind, e.g. `pcapng`. */
    readonly kind: string,
    /** What was asked, e.g. `receive`. */
    readonly operation: string,
    /** What to do instead. */
    readonly remedy: string,
  ) {
    super(`the ${kind} transport cannot ${operation}: ${remedy}`);
  }
}

/**
 * The transport was closed before or during the call.
 * @example
 * {@includeCode ../../examples/api-transport.ts#raw-transport}
 */
export class TransportClosedError extends RawcraftError {
  readonly code = 'E_TRANSPORT_CLOSED';
  constructor(
    readonly kind: string,
    readonly operation: string,
  ) {
    super(`the ${kind} transport is closed: cannot ${operation}; open a new one`);
  }
}
