/** The Windows transport's behaviour that needs no Windows: pre-flight first, options, and a clean failure off Windows. */
import { describe, expect, it } from 'vitest';
import { WindowsRawSocket } from '../../src/transport/socket/windows/windows-raw-socket.js';
import { WinsockError } from '../../src/transport/socket/windows/winsock-error.js';
import { winsockCallCounts } from '../../src/transport/socket/windows/ws2_32.js';
import { PreflightError } from '../../src/transport/preflight/preflight.js';
import { TransportArgumentError } from '../../src/transport/errors.js';

const windows10 = { platform: 'windows-10', privileges: true, interfaces: ['127.0.0.1/8'] } as const;

describe.skipIf(process.platform === 'win32')('WindowsRawSocket off Windows', () => {
  it('pre-flight refuses before loading anything: protocol 0, unprivileged', () => {
    expect(() => WindowsRawSocket.open({ family: 4, protocol: 0, context: windows10 })).toThrow(PreflightError);
    expect(() => WindowsRawSocket.open({ family: 4, protocol: 1, context: { ...windows10, privileges: false } })).toThrow(/WIN_ADMIN_REQUIRED/);
    expect(winsockCallCounts()).toEqual({});
  });

  it('past pre-flight, it says that ws2_32.dll needs Windows', () => {
    let error: unknown;
    try {
      WindowsRawSocket.open({ family: 4, protocol: 1, context: windows10 });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(WinsockError);
    expect((error as WinsockError).syscall).toBe('LoadLibrary');
    expect((error as WinsockError).message).toMatch(/ws2_32\.dll exists only on Windows/);
  });

  it('checks its options like RawSocket does', () => {
    expect(() => WindowsRawSocket.open({ family: 5 as 4, protocol: 1 })).toThrow(TransportArgumentError);
    expect(() => WindowsRawSocket.open({ family: 4, protocol: 1, ttl: 0 })).toThrow(/ttl: 0 is not allowed/);
    expect(() => WindowsRawSocket.open({ family: 4, protocol: 1, hopLimit: 3 })).toThrow(/IPv6 sockets only/);
    expect(() => WindowsRawSocket.open({ family: 4, protocol: 1, receiveAll: true })).toThrow(/bind/);
    expect(() => WindowsRawSocket.open({ family: 4, protocol: 1, interface: 'eth0' } as Parameters<typeof WindowsRawSocket.open>[0])).toThrow(/bind to the interface's address/);
  });
});
