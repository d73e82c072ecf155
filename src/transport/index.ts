/** Raw-socket transport: send and receive IP datagrams through the kernel, byte for byte. */
export {
  RawSocket,
  type RawSocketOptions,
  type OutgoingDatagram,
  type ReceivedDatagram,
  type ReceiveOptions,
} from './raw-socket.js';
export {
  TransportError,
  TransportArgumentError,
  SETCAP_COMMAND,
  type TransportSyscall,
  type TransportErrorContext,
  type TransportErrorInit,
} from './errors.js';
export { posixConstants, type PosixConstants, type PosixOs, type ErrnoName } from './ffi/constants.js';
