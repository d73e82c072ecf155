/** Raw-socket transport: send and receive IP datagrams through the kernel, byte for byte. */
export {
  RawSocket,
  type RawSocketOptions,
  type OutgoingDatagram,
  type ReceivedDatagram,
  type ReceiveOptions,
} from './socket/raw-socket.js';
export type { CommonSocketOptions } from './socket/socket-options.js';
export {
  TransportError,
  TransportArgumentError,
  SETCAP_COMMAND,
  type TransportSyscall,
  type TransportErrorContext,
  type TransportErrorInit,
} from './errors.js';
export { posixConstants, type PosixConstants, type PosixOs, type ErrnoName } from './socket/ffi/constants.js';
export { TransportUnsupportedError, TransportClosedError } from './errors.js';
export { openTransport, type TransportOptions } from './transports/open-transport.js';
export {
  type Transport,
  type Sendable,
  type FramedBytes,
  type SendOptions,
  type SendResult,
  type SendManyResult,
  type SendManyOptions,
  type NotHonoured,
  type ReceivedPacket,
  type PacketFilter,
  type ListenSpec,
  type TransportReceiveOptions,
} from './transport.js';
export { RawTransport, rawSocketBackend, type RawTransportOptions, type RawSocketBackend, type RawReceiveOptions, type RawReceiveStats } from './transports/raw-transport.js';
export { CaptureTransport, type CaptureTransportOptions } from './transports/capture-transport.js';
export { MemoryTransport, createMemoryPair, type MemoryPairOptions } from './transports/memory-transport.js';
export { DEFAULT_BACKPRESSURE, type BackpressurePolicy } from './transports/backpressure.js';
export {
  request,
  matchAnswer,
  type RequestOptions,
  type RequestResult,
  type Answered,
  type TimedOut,
  type Rejection,
  type SentProbe,
  type Verdict,
} from './request/match.js';
export { viewOf, type DatagramView, type UpperView } from './request/datagram-view.js';
export { requestMany, type RequestManyOptions, type RequestManyResult, type AnsweredRequest, type UnansweredRequest } from './request/request-many.js';
export { ping, type PingOptions, type PingReply, type PingResult } from './request/ping.js';
export { traceroute, type TracerouteOptions, type TracerouteProtocol, type TracerouteProbe, type TracerouteHop, type TracerouteResult } from './request/traceroute.js';
export { resolveHost, sourceAddressFor } from './transports/route.js';
// The link layer through libpcap (loaded on first use).
export { LinkTransport, openLinkTransport, type LinkTransportOptions, type LinkReceiveOptions } from './link/link-transport.js';
export { PcapHandle, type PcapOpenOptions, type CapturedFrame, type CaptureStats } from './link/pcap-handle.js';
export { LinkError, type LinkErrorCode } from './link/errors.js';
export { loadLibpcap, type Libpcap } from './link/libpcap.js';
export { NeighbourCache, type Neighbour, type NeighbourOptions, type Asker } from './link/neighbours.js';
export { kernelRouteLookup, tableRouteLookup, type Route, type RouteLookup } from './link/route-table.js';
export { netlinkRoute, type KernelRoute } from './link/netlink-route.js';
export { preflightLink, LinkPreflightGuard, LINK_RULES, resolveLinkContext, type LinkRule, type LinkPreflightInput, type LinkPreflightContext, type FrameFacts } from './preflight/link.js';
export { type LinkFacts, type LibraryFacts } from './preflight/link-facts.js';
export { listInterfaces, type InterfaceInfo } from './link/interfaces.js';
export { arping, type ArpingOptions, type ArpingReply, type ArpingResult } from './link/arping.js';
