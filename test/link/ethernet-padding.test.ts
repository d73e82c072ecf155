/**
 * Ethernet padding to the 60-byte minimum (IEEE 802.3 clause 4.4.2: 64 bytes with the 4-byte
 * FCS) as a builder option: `ethernet({ pad: true })`. The padding follows the payload, decodes
 * as the last layer's trailer, re-encodes byte for byte, and tshark calls it `eth.padding`.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decode, encodeLayers, encodePcap, ethernet, FieldValueError, LinkType } from '../../src/index.js';
import { IN_CI } from '../transport/helpers.js';
import { runInProcess } from '../cli/in-process.js';

const MAC = '02:00:00:00:00:05';
const arpRequest = (pad?: boolean | number) => ethernet({ src: MAC, ...(pad !== undefined && { pad }) }).arp({ senderMac: MAC, senderIp: '198.18.5.1', targetIp: '198.18.5.2' });
const echo = (pad?: boolean | number) => ethernet({ dst: MAC, src: MAC, ...(pad !== undefined && { pad }) }).ipv4({ src: '198.18.5.1', dst: '198.18.5.2' }).icmp({ type: 'echo-request', id: 1, seq: 1 });

describe('ethernet({ pad })', () => {
  it('pads a 42-byte ARP request with 18 zero bytes; decoding shows them as the ARP trailer and re-encodes exactly', () => {
    const unpadded = arpRequest().encode();
    const padded = arpRequest(true).encode();
    expect(unpadded).toHaveLength(42);
    expect(padded).toHaveLength(60);
    expect(padded.subarray(0, 42)).toEqual(unpadded);
    expect(padded.subarray(42)).toEqual(Buffer.alloc(18));
    const d = decode(padded, { from: 'ethernet' });
    expect(d.layers.map((l) => l.layer)).toEqual(['ethernet', 'arp']);
    expect(d.layers[1].trailer).toEqual(Buffer.alloc(18));
    expect(encodeLayers(d.layers)).toEqual(padded);
  });

  it('pads IP in Ethernet after the datagram: the IPv4 total length and checksums stay those of the datagram', () => {
    const padded = echo(true).encode();
    expect(padded).toHaveLength(60);
    const d = decode(padded, { from: 'ethernet' });
    expect((d.layers[1].fields as { totalLength?: number }).totalLength).toBe(28);
    expect(d.layers[1].checksum?.status).toBe('valid');
    expect(d.layers[2].checksum?.status).toBe('valid');
    expect(d.layers[1].trailer).toEqual(Buffer.alloc(18));
    expect(encodeLayers(d.layers)).toEqual(padded);
    // The same packet as JSON layers (decode --json, encode) pads the same way.
    expect(encodeLayers([{ layer: 'ethernet', fields: { dst: MAC, src: MAC, pad: true } }, { layer: 'ipv4', fields: { src: '198.18.5.1', dst: '198.18.5.2' } }, { layer: 'icmp', fields: { type: 'echo-request', id: 1, seq: 1 } }])).toEqual(padded);
  });

  it('leaves frames of 60 bytes and more alone, pads to a number given, and counts a VLAN tag in the length', () => {
    const long = ethernet({ pad: true }).ipv4({ src: '198.18.5.1', dst: '198.18.5.2' }).udp({ dstPort: 9 }).payload('x'.repeat(40)).encode();
    expect(long).toHaveLength(14 + 20 + 8 + 40);
    expect(echo(64).encode()).toHaveLength(64);
    expect(echo(false).encode()).toHaveLength(42);
    const tagged = ethernet({ pad: true, vlans: [{ vid: 5 }] }).arp({ senderMac: MAC, senderIp: '198.18.5.1', targetIp: '198.18.5.2' }).encode();
    expect(tagged).toHaveLength(60);
    expect(decode(tagged, { from: 'ethernet' }).layers[1].trailer).toHaveLength(14);
  });

  it('adds the padding after a trailer given by hand', () => {
    const frame = ethernet({ src: MAC, pad: true }).trailer('aabb').arp({ senderMac: MAC, senderIp: '198.18.5.1', targetIp: '198.18.5.2' }).encode();
    expect(frame).toHaveLength(60);
    expect(frame.subarray(42).toString('hex')).toBe('aabb' + '00'.repeat(16));
  });

  it('in an expression: ethernet(pad=60)', async () => {
    const r = await runInProcess(['build', 'ethernet(src=02:00:00:00:00:05,pad=60)/arp(senderMac=02:00:00:00:00:05,senderIp=198.18.5.1,targetIp=198.18.5.2)', '--hex']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe(arpRequest(true).encode().toString('hex'));
  });

  it('names the layer and field of a bad value', () => {
    expect(() => echo('yes' as unknown as boolean).encode()).toThrow(FieldValueError);
    expect(() => echo(-1).encode()).toThrow(/ethernet\.pad/);
  });

  it('tshark reads the zero bytes as Ethernet padding, not as data', (ctx) => {
    if (spawnSync('tshark', ['--version']).status !== 0) {
      if (IN_CI) throw new Error('CI=true but tshark is not installed');
      ctx.skip('tshark not installed');
    }
    const dir = mkdtempSync(join(tmpdir(), 'rawcraft-pad-'));
    try {
      const file = join(dir, 'padded.pcap');
      writeFileSync(file, encodePcap([arpRequest(true).encode(), echo(true).encode()].map((data, i) => ({ data, timestampNs: BigInt(i) * 1000n })), { linkType: LinkType.ETHERNET }));
      const r = spawnSync('tshark', ['-r', file, '-T', 'fields', '-e', 'frame.len', '-e', 'eth.padding', '-e', '_ws.malformed'], { encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout.replace(/\n$/, '').split('\n').map((l) => l.split('\t'))).toEqual([
        ['60', '00'.repeat(18), ''],
        ['60', '00'.repeat(18), ''],
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
