/** Expectations for the capture files made by Wireshark's tools (see test/fixtures/capture/generate.sh). */
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { LinkType, type CaptureRecord } from '../../src/capture/index.js';
import { PACKETS } from './helpers.js';

export const FIXTURES = fileURLToPath(new URL('../fixtures/capture/', import.meta.url));
export const GENERATE_SCRIPT = `${FIXTURES}generate.sh`;

const T0 = 1_700_000_000_000_000_000n; // 2023-11-14T22:13:20Z, the first line of hexdump.txt
/** The times written in hexdump.txt. */
export const HEXDUMP_TIMES = [T0 + 123_456_000n, T0 + 500_000_000n, T0 + 1_000_001_000n];

/** Records as read from one of the outside-tool files, checked against hexdump.txt. */
export function expectOutsideToolFile(name: string, records: CaptureRecord[]): void {
  const ether = (r: CaptureRecord): boolean => r.linkType === LinkType.ETHERNET;
  const check = (list: CaptureRecord[], linkType: number): void => {
    expect(list.map((r) => r.linkType)).toEqual([linkType, linkType, linkType]);
    expect(list.map((r) => r.timestampNs)).toEqual(HEXDUMP_TIMES);
    list.forEach((r, i) => {
      // text2pcap -e puts a dummy 14-byte Ethernet header in front of the IP packet and pads
      // the frame to Ethernet's 60-byte minimum.
      const start = linkType === LinkType.ETHERNET ? 14 : 0;
      const expected = linkType === LinkType.ETHERNET ? Math.max(60, 14 + PACKETS[i].length) : PACKETS[i].length;
      expect(r.data.length).toBe(expected);
      expect(r.data.subarray(start, start + PACKETS[i].length)).toEqual(PACKETS[i]);
      expect(r.originalLength).toBe(expected);
    });
  };

  switch (name) {
    case 'text2pcap-raw.pcapng':
    case 'text2pcap-raw.pcap':
    case 'editcap-nsec.pcap':
      check(records, LinkType.RAW);
      expect(records.every((r) => r.interfaceId === 0 && r.comment === undefined)).toBe(true);
      break;
    case 'text2pcap-ether.pcapng':
      check(records, LinkType.ETHERNET);
      expect(records[0].data.readUInt16BE(12)).toBe(0x0800);
      break;
    case 'editcap-comment.pcapng':
      check(records, LinkType.RAW);
      expect(records.map((r) => r.comment)).toEqual([undefined, 'comment from editcap', undefined]);
      break;
    case 'mergecap-two-interfaces.pcapng': {
      expect(records).toHaveLength(6);
      const raw = records.filter((r) => !ether(r));
      const eth = records.filter(ether);
      check(raw, LinkType.RAW);
      check(eth, LinkType.ETHERNET);
      // Each interface keeps one id, and the two ids differ.
      expect(new Set(raw.map((r) => r.interfaceId)).size).toBe(1);
      expect(new Set(eth.map((r) => r.interfaceId)).size).toBe(1);
      expect(raw[0].interfaceId).not.toBe(eth[0].interfaceId);
      break;
    }
    default:
      throw new Error(`no expectation for ${name}`);
  }
}

export const OUTSIDE_TOOL_FILES = [
  'text2pcap-raw.pcapng',
  'text2pcap-raw.pcap',
  'text2pcap-ether.pcapng',
  'editcap-nsec.pcap',
  'editcap-comment.pcapng',
  'mergecap-two-interfaces.pcapng',
];
