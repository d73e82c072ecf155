/**
 * Every Windows Sockets error code (WSAGetLastError), with what it means and what to do.
 * Codes from winerror.h / winsock2.h ("Windows Sockets Error Codes"); the raw-socket ones get a
 * remedy that depends on the call and its context (see `wsaRemedy`).
 */

export interface WsaErrorInfo {
  readonly code: number;
  readonly name: string;
  /** What the code means. */
  readonly description: string;
  /** What to do, in general; `wsaRemedy` sharpens it for a call in context. */
  readonly remedy: string;
}

const ELEVATE =
  'Raw sockets need Administrator rights: run from an elevated prompt ("Run as administrator"), or inject frames at layer 2 with Npcap instead. Under Wine, run as root or give the Wine process CAP_NET_RAW.';

const E = (code: number, name: string, description: string, remedy: string): WsaErrorInfo => ({ code, name, description, remedy });

/** The table, in code order. */
export const WSA_ERRORS: readonly WsaErrorInfo[] = [
  E(6, 'WSA_INVALID_HANDLE', 'An application attempted to use an event object, but the specified handle is not valid.', 'This is a bug in the caller: the handle was closed or never opened; open a new socket.'),
  E(8, 'WSA_NOT_ENOUGH_MEMORY', 'Insufficient memory was available.', 'Free memory (fewer sockets, smaller buffers) and retry.'),
  E(87, 'WSA_INVALID_PARAMETER', 'One or more parameters are invalid.', 'Check the arguments (sizes, lengths, flags) against the call\'s documentation.'),
  E(995, 'WSA_OPERATION_ABORTED', 'An overlapped operation was canceled because the socket was closed.', 'Expected after close(); otherwise retry the operation on an open socket.'),
  E(996, 'WSA_IO_INCOMPLETE', 'The overlapped I/O event object is not in a signaled state.', 'Wait for the overlapped operation to complete before asking for its result.'),
  E(997, 'WSA_IO_PENDING', 'An overlapped operation will complete later.', 'Wait for the completion; this is not a failure.'),
  E(10004, 'WSAEINTR', 'A blocking operation was interrupted by a call to WSACancelBlockingCall.', 'Retry the call. On Windows client versions a raw TCP send has also been reported to fail with this code: see the raw-socket restrictions (rawcraft preflight).'),
  E(10009, 'WSAEBADF', 'The file handle supplied is not valid.', 'The socket is closed; open a new one.'),
  E(10013, 'WSAEACCES', 'An attempt was made to access a socket in a way forbidden by its access permissions.', ELEVATE),
  E(10014, 'WSAEFAULT', 'The system detected an invalid pointer address in attempting to use a pointer argument in a call.', 'A buffer or address argument is too small or not valid: this is a bug in the caller or in rawcraft; report it with the call and sizes.'),
  E(10022, 'WSAEINVAL', 'An invalid argument was supplied.', 'Check the arguments: the address family must match the socket, bind() needs an address of this host, and the option value must be in range.'),
  E(10024, 'WSAEMFILE', 'Too many open sockets.', 'Close sockets you no longer use (close() or `using`), then retry.'),
  E(10035, 'WSAEWOULDBLOCK', 'A non-blocking socket operation could not be completed immediately.', 'Backpressure: the send buffer is full, or nothing is there to read. Retry after a short delay; a larger sendBufferSize (SO_SNDBUF) gives more headroom.'),
  E(10036, 'WSAEINPROGRESS', 'A blocking operation is currently executing.', 'Wait for the running operation to finish, then retry.'),
  E(10037, 'WSAEALREADY', 'An operation was attempted on a non-blocking socket that already had an operation in progress.', 'Wait for the operation in progress to finish.'),
  E(10038, 'WSAENOTSOCK', 'An operation was attempted on something that is not a socket.', 'The socket handle is closed or not valid (often: socket() failed earlier); open a new socket.'),
  E(10039, 'WSAEDESTADDRREQ', 'A required address was omitted from an operation on a socket.', 'Pass a destination to send(), or open the socket with { connect }.'),
  E(10040, 'WSAEMSGSIZE', 'A message sent on a datagram socket was larger than the internal message buffer or some other network limit.', 'Send at most 65,467 bytes per datagram on a raw socket (the provider\'s maximum message size), or fragment the datagram yourself.'),
  E(10041, 'WSAEPROTOTYPE', 'A protocol was specified in the socket function call that does not support the semantics of the socket type requested.', 'Use a protocol that works with SOCK_RAW (1 ICMP, 17 UDP, 58 ICMPv6, 255 IPPROTO_RAW...).'),
  E(10042, 'WSAENOPROTOOPT', 'An unknown, invalid, or unsupported option or level was specified in a getsockopt or setsockopt call.', 'This Winsock provider does not support the option: leave it unset (for IPV6_HDRINCL, let Windows build the IPv6 header and use sendIpv6()).'),
  E(10043, 'WSAEPROTONOSUPPORT', 'The requested protocol has not been configured into the system, or no implementation for it exists.', 'This provider does not offer raw sockets for that protocol: check `rawcraft probe`, use another protocol number, or IPPROTO_RAW (255) with IP_HDRINCL and a header you build. Protocol 0 is never allowed for SOCK_RAW.'),
  E(10044, 'WSAESOCKTNOSUPPORT', 'The support for the specified socket type does not exist in this address family.', 'This provider has no SOCK_RAW for the address family: check `netsh winsock show catalog` (RAW/IP, RAW/IPv6) or `rawcraft probe`.'),
  E(10045, 'WSAEOPNOTSUPP', 'The attempted operation is not supported for the type of object referenced.', 'The provider does not support this operation on raw sockets (e.g. SIO_RCVALL outside Windows, or on an unbound socket): check `rawcraft probe`; capture with Npcap instead.'),
  E(10046, 'WSAEPFNOSUPPORT', 'The protocol family has not been configured into the system or no implementation for it exists.', 'Install or enable the protocol (e.g. IPv6) on this machine, or use the other family.'),
  E(10047, 'WSAEAFNOSUPPORT', 'An address incompatible with the requested protocol was used.', 'Use an address of the socket\'s family (IPv4 for family 4, IPv6 for family 6), and make sure that family is enabled.'),
  E(10048, 'WSAEADDRINUSE', 'Only one usage of each socket address (protocol/network address/port) is normally permitted.', 'The address is already in use by another socket; choose another, or close the other socket.'),
  E(10049, 'WSAEADDRNOTAVAIL', 'The requested address is not valid in its context.', 'Bind to an address of this host (`ipconfig` lists them), and send to a valid, non-zero destination.'),
  E(10050, 'WSAENETDOWN', 'A socket operation encountered a dead network.', 'The network subsystem or interface is down: check the adapter and retry.'),
  E(10051, 'WSAENETUNREACH', 'A socket operation was attempted to an unreachable network.', 'No route to the destination: check `route print` and the destination address.'),
  E(10052, 'WSAENETRESET', 'The connection has been broken due to keep-alive activity detecting a failure while the operation was in progress.', 'Retry; for datagrams, an ICMP error (TTL expired) came back for an earlier send.'),
  E(10053, 'WSAECONNABORTED', 'An established connection was aborted by the software in your host machine.', 'Open a new socket and retry.'),
  E(10054, 'WSAECONNRESET', 'An existing connection was forcibly closed by the remote host.', 'For raw and datagram sockets: an ICMP port/protocol unreachable came back for an earlier send; keep going, or connect() to stop it.'),
  E(10055, 'WSAENOBUFS', 'An operation on a socket could not be performed because the system lacked sufficient buffer space or because a queue was full.', 'Backpressure or a too small buffer: slow down and retry; for WSAEnumProtocols, rawcraft retries with the size Windows asks for.'),
  E(10056, 'WSAEISCONN', 'A connect request was made on an already connected socket.', 'The socket is connected: send without a destination, or open it without { connect }.'),
  E(10057, 'WSAENOTCONN', 'A request to send or receive data was disallowed because the socket is not connected and no address was supplied.', 'Pass a destination to send(), or open the socket with { connect }.'),
  E(10058, 'WSAESHUTDOWN', 'A request to send or receive data was disallowed because the socket had already been shut down.', 'Open a new socket.'),
  E(10059, 'WSAETOOMANYREFS', 'Too many references to some kernel object.', 'Close sockets or handles you no longer use.'),
  E(10060, 'WSAETIMEDOUT', 'A connection attempt failed because the connected party did not properly respond after a period of time (or a receive timeout, SO_RCVTIMEO, expired).', 'Nothing arrived in time: retry, or wait longer.'),
  E(10061, 'WSAECONNREFUSED', 'No connection could be made because the target machine actively refused it.', 'An ICMP unreachable came back for an earlier datagram; check that the peer expects it.'),
  E(10062, 'WSAELOOP', 'Cannot translate name.', 'Check the name being resolved.'),
  E(10063, 'WSAENAMETOOLONG', 'Name component or name was too long.', 'Use a shorter name.'),
  E(10064, 'WSAEHOSTDOWN', 'A socket operation failed because the destination host was down.', 'The host does not answer: check that it is up, and the address.'),
  E(10065, 'WSAEHOSTUNREACH', 'A socket operation was attempted to an unreachable host.', 'No route to the host: check the address, `route print` and `arp -a`.'),
  E(10066, 'WSAENOTEMPTY', 'Cannot remove a directory that is not empty.', 'Not a socket problem; empty the directory first.'),
  E(10067, 'WSAEPROCLIM', 'A Windows Sockets implementation may have a limit on the number of applications that can use it simultaneously.', 'Close other programs that use Winsock, or retry later.'),
  E(10068, 'WSAEUSERS', 'Ran out of user quota.', 'Free resources or raise the quota.'),
  E(10069, 'WSAEDQUOT', 'Ran out of disk quota.', 'Free disk space or raise the quota.'),
  E(10070, 'WSAESTALE', 'The file handle reference is no longer available.', 'Open the resource again.'),
  E(10071, 'WSAEREMOTE', 'Item is not available locally.', 'Use a local resource.'),
  E(10091, 'WSASYSNOTREADY', 'WSAStartup cannot function at this time because the underlying system it uses to provide network services is currently unavailable.', 'The network subsystem is not ready: check that the TCP/IP stack and Winsock catalog are intact (`netsh winsock reset` as a last resort), then retry.'),
  E(10092, 'WSAVERNOTSUPPORTED', 'The Windows Sockets version requested is not supported.', 'Winsock 2.2 is required; this Windows (or Wine) is too old.'),
  E(10093, 'WSANOTINITIALISED', 'Either the application has not called WSAStartup, or WSAStartup failed.', 'A bug: rawcraft calls WSAStartup before any socket call; report it.'),
  E(10101, 'WSAEDISCON', 'Returned by WSARecv or WSARecvFrom to indicate the remote party has initiated a graceful shutdown sequence.', 'The peer closed; open a new socket.'),
  E(10102, 'WSAENOMORE', 'No more results can be returned by the WSALookupServiceNext function.', 'The enumeration is complete.'),
  E(10103, 'WSAECANCELLED', 'A call to WSALookupServiceEnd was made while this call was still processing. The call has been canceled.', 'Retry the lookup.'),
  E(10104, 'WSAEINVALIDPROCTABLE', 'The procedure call table is invalid.', 'A Winsock service provider is broken: repair the Winsock catalog (`netsh winsock reset`).'),
  E(10105, 'WSAEINVALIDPROVIDER', 'The requested service provider is invalid.', 'A Winsock service provider is broken: repair the Winsock catalog (`netsh winsock reset`).'),
  E(10106, 'WSAEPROVIDERFAILEDINIT', 'The requested service provider could not be loaded or initialized.', 'A Winsock service provider failed to load: repair the Winsock catalog (`netsh winsock reset`) or remove the layered provider.'),
  E(10107, 'WSASYSCALLFAILURE', 'A system call that should never fail has failed.', 'Retry; if it persists, restart the machine.'),
  E(10108, 'WSASERVICE_NOT_FOUND', 'No such service is known.', 'Check the service name.'),
  E(10109, 'WSATYPE_NOT_FOUND', 'The specified class was not found.', 'Check the class type.'),
  E(10110, 'WSA_E_NO_MORE', 'No more results can be returned by the WSALookupServiceNext function.', 'The enumeration is complete.'),
  E(10111, 'WSA_E_CANCELLED', 'A call to WSALookupServiceEnd was made while this call was still processing.', 'Retry the lookup.'),
  E(10112, 'WSAEREFUSED', 'A database query failed because it was actively refused.', 'Retry later.'),
  E(11001, 'WSAHOST_NOT_FOUND', 'No such host is known.', 'Check the host name; rawcraft takes IP addresses, not names.'),
  E(11002, 'WSATRY_AGAIN', 'This is usually a temporary error during host name resolution.', 'Retry later.'),
  E(11003, 'WSANO_RECOVERY', 'A non-recoverable error occurred during a database lookup.', 'Check the resolver configuration.'),
  E(11004, 'WSANO_DATA', 'The requested name is valid, but no data of the requested type was found.', 'The name has no address of that family.'),
  E(11005, 'WSA_QOS_RECEIVERS', 'At least one reserve has arrived.', 'QoS notification, not a failure.'),
  E(11006, 'WSA_QOS_SENDERS', 'At least one path has arrived.', 'QoS notification, not a failure.'),
  E(11007, 'WSA_QOS_NO_SENDERS', 'There are no senders.', 'QoS notification, not a failure.'),
  E(11008, 'WSA_QOS_NO_RECEIVERS', 'There are no receivers.', 'QoS notification, not a failure.'),
  E(11009, 'WSA_QOS_REQUEST_CONFIRMED', 'The reserve has been confirmed.', 'QoS notification, not a failure.'),
  E(11010, 'WSA_QOS_ADMISSION_FAILURE', 'Error due to lack of resources.', 'Ask for less bandwidth (QoS is not used by rawcraft).'),
  E(11011, 'WSA_QOS_POLICY_FAILURE', 'Rejected for administrative reasons: bad credentials.', 'QoS policy refused the request.'),
  E(11012, 'WSA_QOS_BAD_STYLE', 'Unknown or conflicting style.', 'Fix the QoS request.'),
  E(11013, 'WSA_QOS_BAD_OBJECT', 'A problem with some part of the filterspec or providerspecific buffer in general.', 'Fix the QoS request.'),
  E(11014, 'WSA_QOS_TRAFFIC_CTRL_ERROR', 'A problem with some part of the flowspec.', 'Fix the QoS request.'),
  E(11015, 'WSA_QOS_GENERIC_ERROR', 'General QoS error.', 'Fix the QoS request.'),
  E(11016, 'WSA_QOS_ESERVICETYPE', 'An invalid or unrecognized service type was found in the flowspec.', 'Fix the QoS request.'),
  E(11017, 'WSA_QOS_EFLOWSPEC', 'An invalid or inconsistent flowspec was found in the QOS structure.', 'Fix the QoS request.'),
  E(11018, 'WSA_QOS_EPROVSPECBUF', 'Invalid QoS provider-specific buffer.', 'Fix the QoS request.'),
  E(11019, 'WSA_QOS_EFILTERSTYLE', 'An invalid QoS filter style was used.', 'Fix the QoS request.'),
  E(11020, 'WSA_QOS_EFILTERTYPE', 'An invalid QoS filter type was used.', 'Fix the QoS request.'),
  E(11021, 'WSA_QOS_EFILTERCOUNT', 'An incorrect number of QoS FILTERSPECs were specified in the FLOWDESCRIPTOR.', 'Fix the QoS request.'),
  E(11022, 'WSA_QOS_EOBJLENGTH', 'An object with an invalid ObjectLength field was specified in the QoS provider-specific buffer.', 'Fix the QoS request.'),
  E(11023, 'WSA_QOS_EFLOWCOUNT', 'An incorrect number of flow descriptors was specified in the QoS structure.', 'Fix the QoS request.'),
  E(11024, 'WSA_QOS_EUNKOWNPSOBJ', 'An unrecognized object was found in the QoS provider-specific buffer.', 'Fix the QoS request.'),
  E(11025, 'WSA_QOS_EPOLICYOBJ', 'An invalid policy object was found in the QoS provider-specific buffer.', 'Fix the QoS request.'),
  E(11026, 'WSA_QOS_EFLOWDESC', 'An invalid QoS flow descriptor was found in the flow descriptor list.', 'Fix the QoS request.'),
  E(11027, 'WSA_QOS_EPSFLOWSPEC', 'An invalid or inconsistent flowspec was found in the QoS provider-specific buffer.', 'Fix the QoS request.'),
  E(11028, 'WSA_QOS_EPSFILTERSPEC', 'An invalid FILTERSPEC was found in the QoS provider-specific buffer.', 'Fix the QoS request.'),
  E(11029, 'WSA_QOS_ESDMODEOBJ', 'An invalid shape discard mode object was found in the QoS provider-specific buffer.', 'Fix the QoS request.'),
  E(11030, 'WSA_QOS_ESHAPERATEOBJ', 'An invalid shaping rate object was found in the QoS provider-specific buffer.', 'Fix the QoS request.'),
  E(11031, 'WSA_QOS_RESERVED_PETYPE', 'A reserved policy element was found in the QoS provider-specific buffer.', 'Fix the QoS request.'),
];

const BY_CODE = new Map(WSA_ERRORS.map((e) => [e.code, e]));

/**
 * The entry for a code; unknown codes get a generic one named `WSA_<code>`.
 * @example
 * {@includeCode ../../../../examples/api-preflight.ts#winsock}
 */
export function wsaError(code: number): WsaErrorInfo {
  return (
    BY_CODE.get(code) ?? {
      code,
      name: `WSA_${code}`,
      description: `Windows error ${code}, not a Windows Sockets code rawcraft knows.`,
      remedy: `Look the code up (\`net helpmsg ${code}\` in a command prompt).`,
    }
  );
}

/** The call a WinsockError comes from. */
export type WinsockCall =
  | 'WSAStartup'
  | 'socket'
  | 'WSASocketW'
  | 'setsockopt'
  | 'getsockopt'
  | 'ioctlsocket'
  | 'WSAIoctl'
  | 'bind'
  | 'connect'
  | 'sendto'
  | 'recvfrom'
  | 'WSAPoll'
  | 'closesocket'
  | 'WSAEnumProtocolsW'
  | 'LoadLibrary';

/** What was going on: every field optional, each sharpens the remedy. */
export interface WinsockContext {
  readonly family?: 4 | 6;
  readonly protocol?: number;
  /** Socket option or ioctl, e.g. `IP_HDRINCL`, `SIO_RCVALL`. */
  readonly option?: string;
  readonly address?: string;
  readonly size?: number;
  /** Set when the process runs under Wine (its version). */
  readonly wine?: string;
}

/** The remedy for `code` from `call` in `ctx`: the table's, sharpened for raw-socket cases. */
export function wsaRemedy(code: number, call: WinsockCall, ctx: WinsockContext = {}): string {
  const info = wsaError(code);
  const fam = ctx.family === 6 ? 'IPv6' : 'IPv4';
  const wineNote = ctx.wine ? ` (Wine ${ctx.wine} implements fewer raw-socket features than Windows)` : '';
  switch (info.name) {
    case 'WSAEACCES':
      if (call === 'sendto')
        return `Either the destination${ctx.address ? ` ${ctx.address}` : ''} is a broadcast address and SO_BROADCAST is off (open the socket with { broadcast: true }), or, before Windows Vista, raw-socket access is checked here: ${ELEVATE}`;
      if (call === 'bind' && ctx.protocol === 6)
        return 'bind() of a raw IPPROTO_TCP socket is not allowed on Windows 7 and later client versions (Limitations on Raw Sockets): do not bind it, or use a server edition.';
      if (call === 'WSAIoctl' && ctx.option === 'SIO_RCVALL') return `SIO_RCVALL needs Administrator rights. ${ELEVATE}`;
      return ELEVATE;
    case 'WSAEPROTONOSUPPORT':
      if (ctx.protocol === 0) return 'Raw sockets cannot be opened for protocol 0 (the document: "An application may not specify zero (0) as the protocol parameter"): use the protocol you send (1, 17, 58...) or 255 (IPPROTO_RAW) with IP_HDRINCL.';
      if (ctx.family === 6 && ctx.protocol === 58)
        return `This Winsock provider has no raw ICMPv6 sockets${wineNote}: on Windows use an IPv6-enabled machine; for echo alone, ICMP through the OS (ping) works; otherwise inject at layer 2 with Npcap.`;
      return `This Winsock provider has no raw ${fam} sockets for protocol ${ctx.protocol ?? '?'}${wineNote}: check \`rawcraft probe\`, use another protocol, or IPPROTO_RAW (255) with IP_HDRINCL and a header you build.`;
    case 'WSAENOPROTOOPT':
      if (ctx.option === 'IPV6_HDRINCL')
        return `IPV6_HDRINCL is not supported here${wineNote} (and the document discourages it): open the socket without hdrincl for the upper protocol and send with sendIpv6(packet), which strips the IPv6 header and applies its hop limit and traffic class as socket options.`;
      return `The provider does not support ${ctx.option ?? 'this option'} on a raw ${fam} socket${wineNote}: leave it unset.`;
    case 'WSAEOPNOTSUPP':
      if (ctx.option === 'SIO_RCVALL')
        return `SIO_RCVALL is not supported here${wineNote}: it needs Windows, Administrator rights and a socket bound to a local interface address (not 0.0.0.0). To capture everything otherwise, use Npcap (Windows) or a packet capture on the host.`;
      return info.remedy;
    case 'WSAEINVAL':
      if (call === 'WSAIoctl' && ctx.option === 'SIO_RCVALL') return 'SIO_RCVALL needs the socket bound to a local interface address first: open it with { bind: "<an address from ipconfig>" }.';
      if (call === 'bind') return `${ctx.address ?? 'The address'} is not an address of this host, or the socket is already bound: bind to an address \`ipconfig\` shows.`;
      if (call === 'setsockopt') return `The provider rejected ${ctx.option ?? 'the option'}: check its value range for raw sockets.`;
      if (call === 'sendto') return 'The datagram or its destination was rejected: with IP_HDRINCL the IPv4 header must be well formed, and the destination family must match the socket.';
      return info.remedy;
    case 'WSAEMSGSIZE':
      return `${ctx.size !== undefined ? `${ctx.size} bytes are` : 'The datagram is'} too large: a raw socket sends at most 65,467 bytes per datagram (the provider's maximum message size). Split the data or fragment it yourself.`;
    case 'WSAEADDRNOTAVAIL':
      return call === 'bind'
        ? `${ctx.address ?? 'The address'} is not an address of this host: bind to one \`ipconfig\` shows.`
        : `${ctx.address ?? 'The destination'} cannot be sent to (0.0.0.0, or not valid here): use a valid destination address.`;
    default:
      return info.remedy;
  }
}
