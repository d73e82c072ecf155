/**
 * Checking byte vectors with Wireshark's tshark, an implementation that shares no code with
 * rawcraft. Not a test file itself: vectors.test.ts uses it.
 *
 * Packets are written to classic pcap files by hand (24-byte global header, 16-byte record
 * headers: https://www.tcpdump.org/manpages/pcap-savefile.5.html) and read back with
 * `tshark -T fields`, one line per packet, repeated fields joined with '|'.
 */
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** True when a working tshark is on the PATH. */
export const tsharkAvailable: boolean = (() => {
  try {
    return spawnSync('tshark', ['-v'], { stdio: 'ignore', timeout: 10_000 }).status === 0;
  } catch {
    return false;
  }
})();

export const LINKTYPE: Record<string, number> = {
  ipv4: 101, auto: 101, ethernet: 1, 'linux-sll': 113,
  // LINKTYPE_* numbers from https://www.tcpdump.org/linktypes.html, not from src/.
  'bsd-null': 0, 'bsd-loop': 108, ppp: 9, 'cisco-hdlc': 104, pktap: 258, nflog: 239, 'linux-sll2': 276, ieee80211: 105, radiotap: 127,
};

/**
 * A classic pcap file (microsecond timestamps, snaplen 262144), little-endian unless asked:
 * a big-endian file says its writer was big-endian, which is how readers learn the byte order
 * of host-order link headers (NFLOG's TLVs).
 */
export function pcapFile(packets: readonly Uint8Array[], linkType: number, byteOrder: 'little' | 'big' = 'little'): Buffer {
  const le = byteOrder === 'little';
  const u32 = (b: Buffer, v: number, at: number) => (le ? b.writeUInt32LE(v, at) : b.writeUInt32BE(v, at));
  const u16 = (b: Buffer, v: number, at: number) => (le ? b.writeUInt16LE(v, at) : b.writeUInt16BE(v, at));
  const header = Buffer.alloc(24);
  u32(header, 0xa1b2c3d4, 0);
  u16(header, 2, 4);
  u16(header, 4, 6);
  u32(header, 0, 8);
  u32(header, 0, 12);
  u32(header, 262144, 16);
  u32(header, linkType, 20);
  const parts: Buffer[] = [header];
  packets.forEach((p, i) => {
    const rec = Buffer.alloc(16);
    u32(rec, 1_700_000_000 + i, 0);
    u32(rec, 0, 4);
    u32(rec, p.length, 8);
    u32(rec, p.length, 12);
    parts.push(rec, Buffer.from(p));
  });
  return Buffer.concat(parts);
}

/** Every preference that turns a check on, so bad checksums show up as expert info. */
const PREFS = [
  'ip.check_checksum:TRUE',
  'udp.check_checksum:TRUE',
  'tcp.check_checksum:TRUE',
  'ip.defragment:FALSE',
  'tcp.relative_sequence_numbers:FALSE',
  'tcp.analyze_sequence_numbers:FALSE',
  // Check an 802.11 FCS when the frame has one (radiotap flags say so); never assume one otherwise.
  'wlan.check_checksum:TRUE',
  'wlan.check_fcs:FALSE',
  // VXLAN's registered port (RFC 7348), whatever this tshark's default table says.
  'vxlan.udp.port:4789',
];

/** Dissect packets with tshark; one record per packet mapping each field to its '|'-joined values. */
export async function dissect(packets: readonly Uint8Array[], linkType: number, fields: readonly string[], byteOrder: 'little' | 'big' = 'little'): Promise<Record<string, string>[]> {
  const dir = mkdtempSync(join(tmpdir(), 'rawcraft-vectors-'));
  const file = join(dir, `link${linkType}.pcap`);
  writeFileSync(file, pcapFile(packets, linkType, byteOrder));
  const args = ['-n', '-r', file, ...PREFS.flatMap((p) => ['-o', p]), '-T', 'fields', '-E', 'separator=/t', '-E', 'occurrence=a', '-E', 'aggregator=|'];
  for (const f of ['frame.number', ...fields]) args.push('-e', f);
  const stdout = await new Promise<string>((resolve, reject) => {
    execFile('tshark', args, { maxBuffer: 64 * 1024 * 1024, timeout: 60_000 }, (error, out, err) => {
      if (error) reject(new Error(`tshark failed: ${error.message}\n${err}`));
      else resolve(out);
    });
  });
  const rows = stdout.split('\n').filter((l) => l.length > 0);
  if (rows.length !== packets.length) throw new Error(`tshark printed ${rows.length} lines for ${packets.length} packets`);
  return rows.map((line) => {
    const values = line.split('\t');
    const record: Record<string, string> = {};
    fields.forEach((f, i) => (record[f] = values[i + 1] ?? ''));
    return record;
  });
}

// ------------------------------------------------------------------------------------------
// What tshark should print for the fields of a vector's expected layers. The names and numbers
// below are written out again here from RFC 792 / RFC 791 / RFC 9293 rather than imported from
// src/, so a wrong table in the library cannot hide behind the test.

const ICMP_TYPE: Record<string, number> = {
  'echo-reply': 0, 'destination-unreachable': 3, 'source-quench': 4, redirect: 5, 'echo-request': 8,
  'router-advertisement': 9, 'router-solicitation': 10, 'time-exceeded': 11, 'parameter-problem': 12,
  'timestamp-request': 13, 'timestamp-reply': 14, 'information-request': 15, 'information-reply': 16,
  'address-mask-request': 17, 'address-mask-reply': 18,
};
const ICMP_CODE: Record<number, string[]> = {
  3: ['net-unreachable', 'host-unreachable', 'protocol-unreachable', 'port-unreachable', 'fragmentation-needed',
    'source-route-failed', 'destination-network-unknown', 'destination-host-unknown', 'source-host-isolated',
    'network-prohibited', 'host-prohibited', 'network-unreachable-for-tos', 'host-unreachable-for-tos',
    'communication-prohibited', 'host-precedence-violation', 'precedence-cutoff'],
  5: ['network', 'host', 'tos-network', 'tos-host'],
  11: ['ttl-exceeded', 'reassembly-time-exceeded'],
  12: ['pointer', 'missing-option', 'bad-length'],
};
const ECN: Record<string, number> = { 'not-ect': 0, ect1: 1, ect0: 2, ce: 3 };
const IPV4_OPTION: Record<string, number> = { eol: 0, nop: 1, 'record-route': 7, lsrr: 131, ssrr: 137, timestamp: 68, 'router-alert': 148 };
const TCP_OPTION: Record<string, number> = { eol: 0, nop: 1, mss: 2, 'window-scale': 3, 'sack-permitted': 4, sack: 5, timestamps: 8 };
const TCP_FLAG_BITS = ['ae', 'cwr', 'ece', 'urg', 'ack', 'psh', 'rst', 'syn', 'fin'];
// IEEE 802.11-2020 clause 9.2.4.1: frame types, and the flag bits of the frame control's second byte.
const WLAN_TYPE: Record<string, number> = { management: 0, control: 1, data: 2, extension: 3 };
const WLAN_FLAG_BITS: Record<string, number> = { 'to-ds': 0x01, 'from-ds': 0x02, 'more-fragments': 0x04, retry: 0x08, 'power-management': 0x10, 'more-data': 0x20, protected: 0x40, order: 0x80 };

export interface JsonLayer {
  layer: string;
  fields: Record<string, any>;
  checksum?: { status: string; expected?: number; actual: number };
  trailer?: string;
}

const hex = (n: number, digits: number) => `0x${n.toString(16).padStart(digits, '0')}`;
const num = (v: string | number, table: Record<string, number>) => (typeof v === 'number' ? v : table[v]);

/** tshark's `ip.dst` is the final destination while a source route is in progress (pointer within the route). */
function finalDestination(f: Record<string, any>): string {
  for (const o of f.options as { kind: unknown; pointer?: number; addresses?: string[] }[]) {
    if ((o.kind === 'lsrr' || o.kind === 'ssrr') && o.addresses) {
      return o.addresses.length && o.pointer! <= 3 + 4 * o.addresses.length ? o.addresses[o.addresses.length - 1] : f.dst;
    }
  }
  return f.dst;
}

/** The fields tshark should report for these layers, each as its '|'-joined string. */
export function tsharkExpectations(layers: readonly JsonLayer[]): Record<string, string> {
  const out: Record<string, string[]> = {};
  const push = (field: string, value: string | number) => (out[field] ??= []).push(String(value));
  for (const { layer, fields: f } of layers) {
    switch (layer) {
      case 'ethernet':
        push('eth.dst', f.dst);
        push('eth.src', f.src);
        // IEEE 802.3 clause 3.2.6: up to 1500 the field is a length.
        if (!f.vlans.length && f.etherType <= 1500) push('eth.len', f.etherType);
        else push('eth.type', hex(f.vlans.length ? f.vlans[0].tpid : f.etherType, 4));
        f.vlans.forEach((t: { tpid: number; pcp: number; dei: number; vid: number }, i: number) => {
          // tshark dissects an 802.1ad S-tag (0x88a8) with its ieee8021ad protocol, other tags as vlan.
          const proto = t.tpid === 0x88a8 ? 'ieee8021ad' : 'vlan';
          push(`${proto}.priority`, t.pcp);
          push(`${proto}.dei`, t.dei);
          push(`${proto}.id`, t.vid);
          if (proto === 'vlan') push('vlan.etype', hex(i + 1 < f.vlans.length ? f.vlans[i + 1].tpid : f.etherType, 4));
        });
        break;
      case 'linux-sll':
        push('sll.pkttype', f.packetType);
        push('sll.hatype', f.arphrdType);
        push('sll.halen', f.addressLength);
        if (f.arphrdType === 1 && f.addressLength === 6) push('sll.src.eth', (f.address as string).slice(0, 12).replace(/(..)(?!$)/g, '$1:'));
        // Below 0x0600 the protocol is one of Linux's own numbers (ETH_P_802_2...), not an EtherType.
        push(f.protocol < 0x600 ? 'sll.ltype' : 'sll.etype', hex(f.protocol, 4));
        break;
      case 'linux-sll2':
        // Below 0x0600 the protocol is one of Linux's own numbers (ETH_P_802_2...), not an EtherType.
        push(f.protocol < 0x600 ? 'sll.ltype' : 'sll.etype', hex(f.protocol, 4));
        push('sll.ifindex', f.interfaceIndex);
        push('sll.hatype', f.arphrdType);
        push('sll.pkttype', f.packetType);
        push('sll.halen', f.addressLength);
        break;
      case 'bsd-null':
      case 'bsd-loop':
        // tshark dissects both with its "null" dissector, reading the family in either byte order.
        push('null.family', f.family);
        break;
      case 'ppp':
        if (f.addressControl) {
          push('ppp.address', '0xff');
          push('ppp.control', '0x03');
        }
        push('ppp.protocol', hex(f.protocol, 4));
        break;
      case 'pktap':
        push('pktap.hdrlen', f.length);
        push('pktap.rectype', f.recordType);
        push('pktap.dlt', f.dlt);
        push('pktap.ifname', f.interfaceName);
        push('pktap.pfamily', f.protocolFamily);
        push('pktap.llhdrlen', f.preLength);
        push('pktap.pid', f.pid);
        push('pktap.cmdname', f.command);
        push('pktap.iftype', f.interfaceType);
        push('pktap.ifunit', f.interfaceUnit);
        push('pktap.epid', f.effectivePid);
        push('pktap.ecmdname', f.effectiveCommand);
        break;
      case 'nflog':
        push('nflog.family', f.family);
        push('nflog.version', f.version);
        push('nflog.res_id', f.resourceId);
        break;
      case 'arp':
        // RFC 826 opcodes: 1 request, 2 reply (RFC 903: 3, 4; RFC 2390: 8, 9).
        push('arp.hw.type', f.hardwareType);
        push('arp.proto.type', hex(f.protocolType, 4));
        push('arp.hw.size', f.hardwareLength);
        push('arp.proto.size', f.protocolLength);
        push('arp.opcode', typeof f.operation === 'number' ? f.operation : { request: 1, reply: 2, 'rarp-request': 3, 'rarp-reply': 4, 'inarp-request': 8, 'inarp-reply': 9 }[f.operation as string]!);
        push('arp.src.hw_mac', f.senderMac);
        push('arp.src.proto_ipv4', f.senderIp);
        push('arp.dst.hw_mac', f.targetMac);
        push('arp.dst.proto_ipv4', f.targetIp);
        break;
      case 'cisco-hdlc':
        push('chdlc.address', hex(f.address, 2));
        push('chdlc.control', hex(f.control, 2));
        push('chdlc.protocol', hex(f.protocol, 4));
        break;
      case 'llc':
        push('llc.dsap', hex(f.dsap, 2));
        push('llc.ssap', hex(f.ssap, 2));
        // tshark reads a 2-byte control field little-endian (as its xdlc code does); rawcraft keeps wire order.
        push('llc.control', hex(f.format === 'unnumbered' ? f.control : ((f.control & 0xff) << 8) | (f.control >> 8), 4));
        if (f.oui !== undefined) {
          push('llc.oui', f.oui);
          // Under OUI 0 (RFC 1042) tshark calls the protocol id a type.
          push(f.oui === 0 ? 'llc.type' : 'llc.pid', hex(f.pid, 4));
        }
        break;
      case 'ieee80211': {
        const type = typeof f.type === 'number' ? f.type : WLAN_TYPE[f.type];
        let bits = 0;
        for (const name of f.flags) bits |= WLAN_FLAG_BITS[name];
        push('wlan.fc.type', type);
        push('wlan.fc.subtype', f.subtype);
        push('wlan.flags', hex(bits, 2));
        push('wlan.duration', f.duration);
        push('wlan.ra', f.addresses[0]);
        if (f.addresses.length > 1) push('wlan.ta', f.addresses[1]);
        // tshark lists address 1, 2, then 4 before 3 in a four-address frame.
        const listed = f.addresses.length === 4 ? [f.addresses[0], f.addresses[1], f.addresses[3], f.addresses[2]] : f.addresses;
        for (const a of listed) push('wlan.addr', a);
        if (f.sequence !== undefined) {
          push('wlan.seq', f.sequence);
          push('wlan.frag', f.fragment);
        }
        if (f.qosControl !== undefined) push('wlan.qos', hex(f.qosControl, 4));
        break;
      }
      case 'radiotap':
        push('radiotap.version', f.version);
        push('radiotap.pad', f.pad);
        push('radiotap.length', f.length);
        for (const w of f.present) push('radiotap.present.word', hex(w, 8));
        if (f.tsft !== undefined) push('radiotap.mactime', f.tsft);
        if (f.flags !== undefined) push('radiotap.flags', hex(f.flags, 2));
        if (f.rate !== undefined) push('radiotap.datarate', f.rate / 2);
        if (f.channelFrequency !== undefined) {
          push('radiotap.channel.freq', f.channelFrequency);
          push('radiotap.channel.flags', hex(f.channelFlags, 4));
        }
        // With more bitmaps tshark lists every antenna's value; the decoded fields are the first bitmap's.
        if (f.present.length === 1 && f.antennaSignal !== undefined) push('radiotap.dbm_antsignal', f.antennaSignal);
        if (f.present.length === 1 && f.antenna !== undefined) push('radiotap.antenna', f.antenna);
        if (f.flags !== undefined && f.flags & 0x10) push('wlan.fcs.status', 1);
        break;
      case 'ipv4':
        push('ip.version', f.version);
        push('ip.hdr_len', f.ihl * 4);
        push('ip.dsfield.dscp', f.dscp);
        push('ip.dsfield.ecn', num(f.ecn, ECN));
        push('ip.len', f.totalLength);
        push('ip.id', hex(f.id, 4));
        push('ip.flags.rb', f.flags.includes('evil') ? 1 : 0);
        push('ip.flags.df', f.flags.includes('df') ? 1 : 0);
        push('ip.flags.mf', f.flags.includes('mf') ? 1 : 0);
        push('ip.frag_offset', f.fragmentOffset);
        push('ip.ttl', f.ttl);
        push('ip.proto', f.protocol);
        push('ip.checksum', hex(f.checksum, 4));
        push('ip.src', f.src);
        push('ip.dst', finalDestination(f));
        // tshark lists the type of each option it knows (rawcraft keeps a malformed one raw, by number).
        for (const o of f.options) {
          const kind = typeof o.kind === 'string' ? IPV4_OPTION[o.kind] : o.kind;
          if (Object.values(IPV4_OPTION).includes(kind)) push('ip.opt.type', kind);
        }
        break;
      case 'icmp': {
        const type = num(f.type, ICMP_TYPE);
        push('icmp.type', type);
        push('icmp.code', typeof f.code === 'number' ? f.code : ICMP_CODE[type].indexOf(f.code));
        push('icmp.checksum', hex(f.checksum, 4));
        if ([0, 8, 13, 14, 17, 18].includes(type)) {
          push('icmp.ident', f.id);
          push('icmp.seq', f.seq);
        }
        if (type === 3 && f.code === 'fragmentation-needed') push('icmp.mtu', f.nextHopMtu);
        if (type === 5) push('icmp.redir_gw', f.gateway);
        if (type === 12) push('icmp.pointer', f.pointer);
        if (type === 13 || type === 14) {
          push('icmp.originate_timestamp', f.originate);
          push('icmp.receive_timestamp', f.receive);
          push('icmp.transmit_timestamp', f.transmit);
        }
        if (type === 17 || type === 18) push('icmp.address_mask', f.mask);
        if (type === 9) {
          push('icmp.num_addrs', f.addressCount);
          push('icmp.lifetime', f.lifetime);
        }
        break;
      }
      case 'udp':
        push('udp.srcport', f.srcPort);
        push('udp.dstport', f.dstPort);
        push('udp.length', f.length);
        push('udp.checksum', hex(f.checksum, 4));
        break;
      case 'tcp': {
        let bits = f.reserved << 9;
        for (const name of f.flags) bits |= 1 << (8 - TCP_FLAG_BITS.indexOf(name));
        push('tcp.srcport', f.srcPort);
        push('tcp.dstport', f.dstPort);
        push('tcp.seq_raw', f.seq);
        push('tcp.ack_raw', f.ack);
        push('tcp.hdr_len', f.dataOffset * 4);
        push('tcp.flags', hex(bits, 4));
        push('tcp.window_size_value', f.window);
        push('tcp.checksum', hex(f.checksum, 4));
        push('tcp.urgent_pointer', f.urgentPointer);
        let optionBytes = 0;
        for (const o of f.options) {
          push('tcp.option_kind', typeof o.kind === 'string' ? TCP_OPTION[o.kind] : o.kind);
          optionBytes += tcpOptionLength(o);
        }
        // Unlike its IPv4 dissector, tshark's TCP dissector lists each zero byte after an EOL as one more EOL.
        if (f.options.at(-1)?.kind === 'eol' && !f.padding) for (let i = 20 + optionBytes; i < f.dataOffset * 4; i++) push('tcp.option_kind', 0);
        break;
      }
      case 'gre': {
        // RFC 2784 / 2890: C, R, K, S are the top four bits of the first 16-bit word, the version its low three.
        const bits = ['checksum', 'routing', 'key', 'sequence'].reduce((b, n, i) => b | (f.flags.includes(n) ? 0x8000 >> i : 0), 0);
        push('gre.flags_and_version', hex(bits | (f.reserved0 << 3) | f.version, 4));
        push('gre.proto', hex(f.protocolType, 4));
        if (f.checksum !== undefined) push('gre.checksum', hex(f.checksum, 4));
        if (f.key !== undefined) push('gre.key', hex(f.key, 8));
        if (f.sequence !== undefined) push('gre.sequence_number', f.sequence);
        break;
      }
      case 'vxlan':
        // RFC 7348 section 5: the I flag is 0x08 of the first byte; tshark shows the 16-bit flags word.
        push('vxlan.flags', hex(f.flags << 8, 4));
        push('vxlan.vni', f.vni);
        break;
      case 'igmp': {
        // RFC 1112 / 2236 / 3376 message types and record types, written out again here.
        const type = num(f.type, { 'membership-query': 0x11, 'v1-membership-report': 0x12, 'v2-membership-report': 0x16, 'leave-group': 0x17, 'v3-membership-report': 0x22 });
        push('igmp.type', hex(type, 2));
        // tshark shows no Max Resp field where the message has none (v1 and v3 reports).
        if (type !== 0x12 && type !== 0x22) push('igmp.max_resp', f.maxRespCode);
        push('igmp.checksum', hex(f.checksum, 4));
        if (type === 0x22) {
          push('igmp.num_grp_recs', f.records.length);
          const recordType: Record<string, number> = { 'mode-is-include': 1, 'mode-is-exclude': 2, 'change-to-include': 3, 'change-to-exclude': 4, 'allow-new-sources': 5, 'block-old-sources': 6 };
          for (const r of f.records) {
            push('igmp.record_type', num(r.type, recordType));
            push('igmp.num_src', r.sources.length);
            push('igmp.maddr', r.multicastAddress);
            for (const s of r.sources) push('igmp.saddr', s);
          }
        } else {
          push('igmp.maddr', f.group);
          if (f.sources !== undefined) {
            push('igmp.s', f.suppress ? 1 : 0);
            push('igmp.qrv', f.qrv);
            push('igmp.qqic', f.qqic);
            push('igmp.num_src', f.sources.length);
            for (const s of f.sources) push('igmp.saddr', s);
          }
        }
        break;
      }
      case 'raw':
        break;
      default:
        throw new Error(`no tshark mapping for layer '${layer}': add what tshark should print for it to tsharkExpectations in test/codec/tshark.ts`);
    }
  }
  return Object.fromEntries(Object.entries(out).map(([k, v]) => [k, v.join('|')]));
}

function tcpOptionLength(o: { kind: unknown; data?: string; blocks?: unknown[] }): number {
  switch (o.kind) {
    case 'eol':
    case 'nop':
      return 1;
    case 'mss':
      return 4;
    case 'window-scale':
      return 3;
    case 'sack-permitted':
      return 2;
    case 'sack':
      return 2 + 8 * o.blocks!.length;
    case 'timestamps':
      return 10;
    default:
      return 2 + (o.data ?? '').length / 2;
  }
}

/** tshark's protocol name for each layer (raw data has none of its own: tshark names it by content). */
export const TSHARK_PROTOCOL: Record<string, string> = {
  ethernet: 'eth', 'linux-sll': 'sll', 'linux-sll2': 'sll', 'bsd-null': 'null', 'bsd-loop': 'null', ppp: 'ppp', 'cisco-hdlc': 'chdlc', pktap: 'pktap', nflog: 'nflog', arp: 'arp', llc: 'llc', ieee80211: 'wlan',
  radiotap: 'radiotap', ipv4: 'ip', icmp: 'icmp', udp: 'udp', tcp: 'tcp', gre: 'gre', vxlan: 'vxlan', igmp: 'igmp',
};

/** Every field tsharkExpectations may name, plus the verdict fields. */
export const TSHARK_FIELDS = [
  'eth.dst', 'eth.src', 'eth.type', 'ieee8021ad.priority', 'ieee8021ad.dei', 'ieee8021ad.id', 'vlan.priority', 'vlan.dei', 'vlan.id', 'vlan.etype',
  'sll.pkttype', 'sll.hatype', 'sll.halen', 'sll.src.eth', 'sll.etype', 'sll.ifindex',
  'pktap.hdrlen', 'pktap.rectype', 'pktap.dlt', 'pktap.ifname', 'pktap.pfamily', 'pktap.llhdrlen', 'pktap.pid', 'pktap.cmdname',
  'pktap.iftype', 'pktap.ifunit', 'pktap.epid', 'pktap.ecmdname',
  'arp.hw.type', 'arp.proto.type', 'arp.hw.size', 'arp.proto.size', 'arp.opcode', 'arp.src.hw_mac', 'arp.src.proto_ipv4', 'arp.dst.hw_mac', 'arp.dst.proto_ipv4',
  'nflog.family', 'nflog.version', 'nflog.res_id',
  'null.family', 'chdlc.address', 'chdlc.control', 'chdlc.protocol', 'ppp.address', 'ppp.control', 'ppp.protocol', 'llc.dsap', 'llc.ssap', 'llc.control', 'llc.oui', 'llc.pid', 'llc.type', 'eth.len', 'sll.ltype',
  'wlan.fc.type', 'wlan.fc.subtype', 'wlan.flags', 'wlan.duration', 'wlan.ra', 'wlan.ta', 'wlan.addr', 'wlan.seq', 'wlan.frag', 'wlan.qos',
  'radiotap.version', 'radiotap.pad', 'radiotap.length', 'radiotap.present.word', 'radiotap.mactime', 'radiotap.flags', 'radiotap.datarate',
  'radiotap.channel.freq', 'radiotap.channel.flags', 'radiotap.dbm_antsignal', 'radiotap.antenna', 'wlan.fcs.status', 'frame.protocols',
  'ip.version', 'ip.hdr_len', 'ip.dsfield.dscp', 'ip.dsfield.ecn', 'ip.len', 'ip.id', 'ip.flags.rb', 'ip.flags.df', 'ip.flags.mf',
  'ip.frag_offset', 'ip.ttl', 'ip.proto', 'ip.checksum', 'ip.src', 'ip.dst', 'ip.opt.type',
  'icmp.type', 'icmp.code', 'icmp.checksum', 'icmp.ident', 'icmp.seq', 'icmp.mtu', 'icmp.redir_gw', 'icmp.pointer',
  'icmp.originate_timestamp', 'icmp.receive_timestamp', 'icmp.transmit_timestamp', 'icmp.address_mask', 'icmp.num_addrs', 'icmp.lifetime',
  'udp.srcport', 'udp.dstport', 'udp.length', 'udp.checksum',
  'tcp.srcport', 'tcp.dstport', 'tcp.seq_raw', 'tcp.ack_raw', 'tcp.hdr_len', 'tcp.flags', 'tcp.window_size_value', 'tcp.checksum',
  'tcp.urgent_pointer', 'tcp.option_kind',
  'gre.flags_and_version', 'gre.proto', 'gre.checksum', 'gre.key', 'gre.sequence_number', 'gre.checksum.status', 'vxlan.flags', 'vxlan.vni',
  'igmp.type', 'igmp.max_resp', 'igmp.checksum', 'igmp.checksum.status', 'igmp.maddr', 'igmp.s', 'igmp.qrv', 'igmp.qqic', 'igmp.num_src', 'igmp.saddr', 'igmp.num_grp_recs', 'igmp.record_type',
  'ip.checksum.status', 'icmp.checksum.status', 'udp.checksum.status', 'tcp.checksum.status',
  '_ws.expert.group', '_ws.expert.severity', '_ws.expert.message', '_ws.malformed',
] as const;

/** Wireshark expert groups and severities (epan/proto.h) that mean a vector is wrong. */
export const PI_CHECKSUM = 0x01000000;
export const PI_MALFORMED = 0x07000000;
export const PI_ERROR = 0x00800000;
