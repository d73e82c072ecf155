/** The Windows (Winsock) raw-socket transport: ws2_32.dll through koffi. */
export {
  WindowsRawSocket,
  WINSOCK_SOCKADDR,
  type WindowsRawSocketOptions,
  type WindowsDatagram,
  type WindowsReceivedDatagram,
  type WindowsReceiveOptions,
  type SendOptions,
} from './windows-raw-socket.js';
export { WinsockError, type WinsockErrorInit } from './winsock-error.js';
export { WSA_ERRORS, wsaError, wsaRemedy, type WsaErrorInfo, type WinsockCall, type WinsockContext } from './wsa-errors.js';
export { parseProtocolInfos, readCatalog, WSAPROTOCOL_INFOW_SIZE, type CatalogEntry } from './catalog.js';
export { WIN as WINSOCK, XP1_FLAGS, xp1Names } from './constants.js';
export { winsockCallCounts } from './ws2_32.js';
