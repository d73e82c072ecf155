/**
 * ARP (RFC 826) as a codec: real frames, built, decoded, re-encoded byte for byte, and judged by
 * tshark. The two captured frames are a Linux 6.18 kernel's request and its peer kernel's
 * reply, recorded with tcpdump 4.99.3 (`tcpdump -i vy -w`) on a veth pair between two network
 * namespaces (198.18.5.1 asks for 198.18.5.2), 2026-12-04.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decode, encodeLayers, encodePcap, ethernet, FieldValueError, LengthError, LinkType, type ArpFields } from '../../src/index.js';
import { IN_CI } from '../transport/helpers.js';

const REQUEST = 'ffffffffffff4a1f74e99ff608060001080006040001' + '4a1f74e99ff6c6120501' + '000000000000c6120502';
const REPLY = '4a1f74e99ff6caa25306480108060001080006040002' + 'caa253064801c6120502' + '4a1f74e99ff6c6120501';

describe('ARP frames from a real capture', () => {
  it('decode to the fields tcpdump printed, and re-encode exactly', () => {
    const request = decode(Buffer.from(REQUEST, 'hex'), { from: 'ethernet' });
    expect(request.layers.map((l) => l.layer)).toEqual(['ethernet', 'arp']);
    expect(request.layers[1].fields).toEqual({
      hardwareType: 1,
      protocolType: 0x0800,
      hardwareLength: 6,
      protocolLength: 4,
      operation: 'request',
      senderMac: '4a:1f:74:e9:9f:f6',
      senderIp: '198.18.5.1',
      targetMac: '00:00:00:00:00:00',
      targetIp: '198.18.5.2',
    });
    const reply = decode(Buffer.from(REPLY, 'hex'), { from: 'ethernet' });
    expect(reply.layers[1].fields).toMatchObject({ operation: 'reply', senderMac: 'ca:a2:53:06:48:01', senderIp: '198.18.5.2', targetMac: '4a:1f:74:e9:9f:f6', targetIp: '198.18.5.1' });
    for (const hex of [REQUEST, REPLY]) expect(encodeLayers(decode(Buffer.from(hex, 'hex'), { from: 'ethernet' }).layers).toString('hex')).toBe(hex);
  });

  it('are what the builder makes from the addresses alone (lengths, types and EtherType filled in)', () => {
    const mac = '4a:1f:74:e9:9f:f6';
    expect(ethernet({ src: mac }).arp({ senderMac: mac, senderIp: '198.18.5.1', targetIp: '198.18.5.2' }).encode().toString('hex')).toBe(REQUEST);
    expect(
      ethernet({ dst: mac, src: 'ca:a2:53:06:48:01' })
        .arp({ operation: 'reply', senderMac: 'ca:a2:53:06:48:01', senderIp: '198.18.5.2', targetMac: mac, targetIp: '198.18.5.1' })
        .encode()
        .toString('hex'),
    ).toBe(REPLY);
  });
});

describe('ARP edge cases', () => {
  it('keeps Ethernet padding as a trailer and other address sizes as bytes', () => {
    const padded = Buffer.concat([Buffer.from(REQUEST, 'hex'), Buffer.alloc(18)]);
    const d = decode(padded, { from: 'ethernet' });
    expect(d.layers[1].trailer?.length).toBe(18);
    expect(encodeLayers(d.layers)).toEqual(padded);
    // An 8-byte hardware address (e.g. EUI-64) with IPv4: addresses stay bytes, round trip exact.
    const odd = ethernet().arp({ hardwareType: 27, senderMac: '0011223344556677', targetMac: '8899aabbccddeeff', senderIp: '198.18.5.1', targetIp: '198.18.5.2' }).encode();
    const back = decode(odd, { from: 'ethernet' });
    const fields = back.layers[1].fields as unknown as ArpFields;
    expect(fields.hardwareLength).toBe(8);
    expect(Buffer.from(fields.senderMac as Uint8Array).toString('hex')).toBe('0011223344556677');
    expect(encodeLayers(back.layers)).toEqual(odd);
  });

  it('names the layer and field of a bad value, and the length of a short packet', () => {
    expect(() => ethernet().arp({ senderIp: '198.18.5.300' }).encode()).toThrow(FieldValueError);
    expect(() => ethernet().arp({ senderIp: '198.18.5.300' }).encode()).toThrow(/arp\.senderIp/);
    expect(() => ethernet().arp({ senderMac: 'aa:bb:cc:dd:ee:ff', targetMac: '0011' }).encode()).toThrow(/arp\.targetMac.*6 bytes/);
    const short = Buffer.from(REQUEST, 'hex').subarray(0, 30);
    expect(() => decode(short, { from: 'ethernet' })).toThrow(LengthError);
    expect(decode(short, { from: 'ethernet', mode: 'lax' }).issues[0]).toMatchObject({ layer: 'arp', offset: 14 });
  });
});

describe('tshark reads our ARP as we do', () => {
  it('request, reply, gratuitous reply and a padded probe', (ctx) => {
    if (spawnSync('tshark', ['--version']).status !== 0) {
      if (IN_CI) throw new Error('CI=true but tshark is not installed');
      ctx.skip('tshark not installed');
    }
    const mac = '02:00:00:00:00:05';
    const frames = [
      Buffer.from(REQUEST, 'hex'),
      Buffer.from(REPLY, 'hex'),
      ethernet({ src: mac }).arp({ operation: 'reply', senderMac: mac, senderIp: '198.18.5.9', targetMac: 'ff:ff:ff:ff:ff:ff', targetIp: '198.18.5.9' }).encode(),
      Buffer.concat([ethernet({ src: mac }).arp({ senderMac: mac, targetIp: '198.18.5.7' }).encode(), Buffer.alloc(18)]),
    ];
    const dir = mkdtempSync(join(tmpdir(), 'rawcraft-arp-'));
    try {
      const file = join(dir, 'arp.pcap');
      writeFileSync(file, encodePcap(frames.map((data, i) => ({ data, timestampNs: BigInt(i) * 1000n })), { linkType: LinkType.ETHERNET }));
      const fields = ['arp.opcode', 'arp.src.hw_mac', 'arp.src.proto_ipv4', 'arp.dst.hw_mac', 'arp.dst.proto_ipv4', 'arp.isgratuitous', '_ws.malformed'];
      const r = spawnSync('tshark', ['-r', file, '-T', 'fields', ...fields.flatMap((f) => ['-e', f])], { encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
      const rows = r.stdout.replace(/\n$/, '').split('\n').map((l) => l.split('\t'));
      const ours = frames.map((f) => {
        const a = decode(f, { from: 'ethernet' }).layers[1].fields as unknown as ArpFields;
        const gratuitous = a.senderIp === a.targetIp ? '1' : '0';
        return [a.operation === 'request' ? '1' : '2', a.senderMac, a.senderIp, a.targetMac, a.targetIp, gratuitous, ''];
      });
      // tshark shows arp.isgratuitous only when it is set.
      expect(rows.map((row) => row.map((v, i) => (i === 5 ? (v === '1' || v === 'True' ? '1' : '0') : v)))).toEqual(ours);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
