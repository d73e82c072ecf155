/** Every WSA error code becomes an error that says what happened and what to do; the catalog parser. */
import { describe, expect, it } from 'vitest';
import { WSA_ERRORS, wsaError, wsaRemedy } from '../../src/transport/socket/windows/wsa-errors.js';
import { WinsockError } from '../../src/transport/socket/windows/winsock-error.js';
import { parseProtocolInfos, WSAPROTOCOL_INFOW_SIZE } from '../../src/transport/socket/windows/catalog.js';
import { xp1Names } from '../../src/transport/socket/windows/constants.js';

describe('the WSA error table', () => {
  it('covers every Windows Sockets error code', () => {
    const codes = new Set(WSA_ERRORS.map((e) => e.code));
    const expected = [
      6, 8, 87, 995, 996, 997, 10004, 10009, 10013, 10014, 10022, 10024,
      ...Array.from({ length: 10071 - 10035 + 1 }, (_, i) => 10035 + i),
      10091, 10092, 10093,
      ...Array.from({ length: 10112 - 10101 + 1 }, (_, i) => 10101 + i),
      ...Array.from({ length: 11031 - 11001 + 1 }, (_, i) => 11001 + i),
    ];
    for (const code of expected) expect(codes.has(code), String(code)).toBe(true);
    expect(codes.size).toBe(WSA_ERRORS.length); // no duplicates
  });

  it.each(WSA_ERRORS.map((e) => [e.code, e.name, e] as const))('%i %s has a meaning and a remedy', (_code, name, e) => {
    expect(name).toMatch(/^WSA/);
    expect(e.description.length).toBeGreaterThan(10);
    expect(e.remedy.length).toBeGreaterThan(10);
    expect(e.remedy).not.toBe(e.description);
    for (const call of ['WSASocketW', 'setsockopt', 'sendto', 'bind', 'recvfrom', 'WSAIoctl'] as const) {
      expect(wsaRemedy(e.code, call, { family: 4, protocol: 1 }).length).toBeGreaterThan(10);
    }
  });

  it('unknown codes still get a name and a way to look them up', () => {
    expect(wsaError(12345)).toMatchObject({ name: 'WSA_12345', remedy: expect.stringMatching(/net helpmsg 12345/) });
  });

  it('remedies depend on the call and its context', () => {
    expect(wsaRemedy(10013, 'WSASocketW')).toMatch(/Administrator/);
    expect(wsaRemedy(10013, 'sendto', { address: '192.0.2.255' })).toMatch(/SO_BROADCAST.*broadcast: true/);
    expect(wsaRemedy(10013, 'bind', { protocol: 6 })).toMatch(/IPPROTO_TCP/);
    expect(wsaRemedy(10042, 'setsockopt', { family: 6, option: 'IPV6_HDRINCL' })).toMatch(/sendIpv6/);
    expect(wsaRemedy(10045, 'WSAIoctl', { option: 'SIO_RCVALL', wine: '8.0' })).toMatch(/Wine 8\.0.*Npcap/);
    expect(wsaRemedy(10022, 'WSAIoctl', { option: 'SIO_RCVALL' })).toMatch(/bound to a local interface address/);
    expect(wsaRemedy(10043, 'WSASocketW', { protocol: 0 })).toMatch(/protocol 0/);
    expect(wsaRemedy(10043, 'WSASocketW', { family: 6, protocol: 58 })).toMatch(/no raw ICMPv6 sockets/);
    expect(wsaRemedy(10040, 'sendto', { size: 70000 })).toMatch(/70000 bytes .* 65,467/);
    expect(wsaRemedy(10049, 'bind', { address: '203.0.113.1' })).toMatch(/203\.0\.113\.1 is not an address of this host/);
    expect(wsaRemedy(10035, 'sendto')).toMatch(/Backpressure/);
  });
});

describe('WinsockError', () => {
  it('says what failed, the code, its meaning and what to do', () => {
    const e = new WinsockError({ call: 'WSASocketW', wsaCode: 10013, family: 4, protocol: 1 });
    expect(e.message).toBe(
      `WSASocketW(): cannot open a raw IPv4 socket for protocol 1: WSAEACCES (10013: ${wsaError(10013).description}). ${wsaRemedy(10013, 'WSASocketW')}`,
    );
    expect(e).toMatchObject({ code: 'E_WINSOCK', syscall: 'WSASocketW', errno: 10013, errnoName: 'WSAEACCES', platform: 'win32', family: 4, protocol: 1 });
    expect(e.toJSON()).toMatchObject({ name: 'WinsockError', errnoName: 'WSAEACCES', remedy: e.remedy });
  });

  it('names the option and the destination', () => {
    expect(new WinsockError({ call: 'setsockopt', wsaCode: 10042, family: 6, option: 'IPV6_HDRINCL' }).message).toMatch(/^setsockopt\(IPV6_HDRINCL\): cannot set IPV6_HDRINCL on a raw IPv6 socket: WSAENOPROTOOPT/);
    expect(new WinsockError({ call: 'sendto', wsaCode: 10040, size: 70000, address: '127.0.0.1' }).message).toMatch(/^sendto\(\): cannot send a datagram of 70000 bytes to 127\.0\.0\.1: WSAEMSGSIZE/);
  });

  it('a load failure outside Windows', () => {
    const e = new WinsockError({ call: 'LoadLibrary', wsaCode: 0, detail: 'ws2_32.dll exists only on Windows (this is linux)' });
    expect(e.message).toMatch(/cannot load ws2_32\.dll.*only on Windows/);
    expect(e.errnoName).toBe('UNKNOWN');
  });
});

describe('the Winsock catalog (WSAPROTOCOL_INFOW)', () => {
  function entry(b: Buffer, i: number, af: number, type: number, protocol: number, flags: number, max: number, name: string): void {
    const o = i * WSAPROTOCOL_INFOW_SIZE;
    b.writeUInt32LE(flags, o);
    b.writeUInt32LE(1000 + i, o + 36);
    b.writeInt32LE(af, o + 76);
    b.writeInt32LE(type, o + 88);
    b.writeInt32LE(protocol, o + 92);
    b.writeUInt32LE(max, o + 108);
    b.write(name, o + 116, 'utf16le');
  }

  it('decodes entries and spots RAW/IP and RAW/IPv6', () => {
    const b = Buffer.alloc(3 * WSAPROTOCOL_INFOW_SIZE);
    entry(b, 0, 2, 1, 6, 0x20066, 0, 'MSAFD Tcpip [TCP/IP]');
    entry(b, 1, 2, 3, 0, 0x609, 65467, 'MSAFD Tcpip [RAW/IP]');
    entry(b, 2, 23, 3, 0, 0x609, 65467, 'MSAFD Tcpip [RAW/IPv6]');
    const entries = parseProtocolInfos(b, 3);
    expect(entries.map((e) => [e.description, e.raw])).toEqual([
      ['MSAFD Tcpip [TCP/IP]', false],
      ['MSAFD Tcpip [RAW/IP]', true],
      ['MSAFD Tcpip [RAW/IPv6]', true],
    ]);
    expect(entries[1]).toMatchObject({ addressFamily: 2, socketType: 3, protocol: 0, maxMessageSize: 65467, catalogEntryId: 1001 });
    expect(entries[1].serviceFlagNames).toEqual(['XP1_CONNECTIONLESS', 'XP1_MESSAGE_ORIENTED', 'XP1_SUPPORT_BROADCAST', 'XP1_SUPPORT_MULTIPOINT']);
  });

  it('XP1 flag names', () => {
    expect(xp1Names(0x20066)).toEqual(['XP1_GUARANTEED_DELIVERY', 'XP1_GUARANTEED_ORDER', 'XP1_GRACEFUL_CLOSE', 'XP1_EXPEDITED_DATA', 'XP1_IFS_HANDLES']);
  });
});
