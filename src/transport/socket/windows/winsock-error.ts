/**
 * A failed Winsock call: the WSA code (number and name), what it means, and in `remedy` what to
 * do. Same shape as the POSIX TransportError (`syscall`, `errno`, `errnoName`, `platform`,
 * `remedy`, `toJSON()`), so code handling one handles the other.
 */
import { RawcraftError } from '../../../codec/errors.js';
import { definedFields, socketErrorJson } from '../../errors.js';
import { wsaError, wsaRemedy, type WinsockCall, type WinsockContext } from './wsa-errors.js';

export interface WinsockErrorInit extends WinsockContext {
  readonly call: WinsockCall;
  /** WSAGetLastError() right after the call (0 when the failure was detected without one). */
  readonly wsaCode: number;
  /** Extra text, e.g. the loader's message. */
  readonly detail?: string;
}

function describe(init: WinsockErrorInit): string {
  const fam = init.family === 6 ? 'IPv6' : init.family === 4 ? 'IPv4' : 'IP';
  const proto = init.protocol !== undefined ? ` for protocol ${init.protocol}` : '';
  switch (init.call) {
    case 'socket':
    case 'WSASocketW':
      return `${init.call}(): cannot open a raw ${fam} socket${proto}`;
    case 'setsockopt':
    case 'getsockopt':
      return `${init.call}(${init.option ?? ''}): cannot ${init.call === 'setsockopt' ? 'set' : 'read'} ${init.option ?? 'the option'} on a raw ${fam} socket`;
    case 'WSAIoctl':
    case 'ioctlsocket':
      return `${init.call}(${init.option ?? ''}) failed on a raw ${fam} socket`;
    case 'sendto':
      return `sendto(): cannot send a datagram${init.size !== undefined ? ` of ${init.size} bytes` : ''}${init.address ? ` to ${init.address}` : ''}`;
    case 'bind':
    case 'connect':
      return `${init.call}(): cannot ${init.call} a raw ${fam} socket${init.address ? ` ${init.call === 'bind' ? 'to' : 'to peer'} ${init.address}` : ''}`;
    case 'WSAStartup':
      return 'WSAStartup(2.2): cannot initialise Winsock';
    case 'LoadLibrary':
      return 'cannot load ws2_32.dll through koffi';
    default:
      return `${init.call}() failed on a raw ${fam} socket`;
  }
}

const OPTIONAL_FIELDS = ['option', 'address', 'size', 'family', 'protocol'] as const;

/**
 * A failed Winsock call: the call, the WSA error code and name, and a remedy for the raw-socket cases.
 * @example
 * {@includeCode ../../../../examples/api-preflight.ts#winsock}
 */
export class WinsockError extends RawcraftError {
  readonly code = 'E_WINSOCK';
  /** The Winsock function that failed. */
  readonly syscall: WinsockCall;
  /** The WSA error code, e.g. 10013. */
  readonly errno: number;
  /** Its name, e.g. `WSAEACCES`. */
  readonly errnoName: string;
  /** What the code means (Microsoft's wording). */
  readonly description: string;
  readonly platform = 'win32';
  /** What to do about it. */
  readonly remedy: string;
  readonly option?: string;
  readonly address?: string;
  readonly size?: number;
  readonly family?: 4 | 6;
  readonly protocol?: number;

  constructor(init: WinsockErrorInit) {
    const info = wsaError(init.wsaCode);
    const remedy = init.detail && init.wsaCode === 0 ? 'Run on Windows (or under Wine) with koffi\'s win32 binary installed.' : wsaRemedy(init.wsaCode, init.call, init);
    const what = describe(init);
    const code = init.wsaCode === 0 ? (init.detail ?? 'unknown error') : `${info.name} (${info.code}: ${info.description})`;
    super(`${what}: ${code}. ${remedy}`);
    this.syscall = init.call;
    this.errno = init.wsaCode;
    this.errnoName = init.wsaCode === 0 ? 'UNKNOWN' : info.name;
    this.description = init.wsaCode === 0 ? (init.detail ?? '') : info.description;
    this.remedy = remedy;
    Object.assign(this, definedFields(init, OPTIONAL_FIELDS));
  }

  toJSON(): Record<string, string | number> {
    const { name, code, message, syscall, errno, errnoName, description, platform, remedy } = this;
    return socketErrorJson({ name, code, message, syscall, errno, errnoName, description, platform, remedy }, this, OPTIONAL_FIELDS);
  }
}
