/**
 * More `@example`s of the API reference (capture files: link types, readers, writers and their
 * errors), included region by region by doc comments in src/ and run by
 * test/examples/examples.test.ts, which checks what each region prints (and tshark the files).
 * Nothing is sent.
 *   node dist/examples/api-capture.js       (writes api.pcap and api.pcapng)
 */
import { createWriteStream } from 'node:fs';
import {
  AtomicFile,
  CaptureDecoder,
  CaptureFormatError,
  type CaptureRecord,
  CaptureWriteError,
  decodeLinkType,
  describeLinkType,
  encodePcap,
  firstLayerFor,
  ipv4,
  LinkType,
  linkTypeForLayer,
  linkTypeName,
  parseCapture,
  PcapngWriter,
  PcapWriter,
  SnapLengthError,
  summary,
  supportedLinkTypes,
  UnsupportedLinkTypeError,
} from '../src/index.js';

const echo = (seq: number) => ipv4({ src: '192.0.2.1', dst: '198.51.100.2' }).icmp({ type: 'echo-request', id: 1, seq }).encode();

{
  // #region link-types
  // LINKTYPE_ values (tcpdump.org's list): by name, described, and the one for a first layer.
  console.log(`${LinkType.ETHERNET} is ${linkTypeName(1)}: ${describeLinkType(1)}; ipv4 goes in ${linkTypeForLayer('ipv4')}`);
  // firstLayerFor: the layer a record of a link type starts with (for RAW `auto`: IPv4 or IPv6 by the version nibble).
  console.log(`a RAW record starting 0x45 is ${firstLayerFor(LinkType.RAW, echo(1))}`);
  // decodeLinkType: decode a record's bytes as its link type says.
  console.log(`decodeLinkType: ${summary(decodeLinkType(echo(1), LinkType.RAW))}`);
  try {
    decodeLinkType(echo(1), 147); // LINKTYPE_USER0: private, no decoder
  } catch (e) {
    if (e instanceof UnsupportedLinkTypeError) console.log(`UnsupportedLinkTypeError: ${e.message.split('\n')[0]}`);
  }
  console.log(`supported: ${supportedLinkTypes().split(',').length > 10 ? 'many link types' : supportedLinkTypes()}`);
  // #endregion link-types
}

{
  // #region capture-record
  // A CaptureRecord is what readers yield: bytes, link type, timestamp (ns), lengths, interface.
  const file = encodePcap([{ data: echo(1), timestampNs: 1_700_000_000_123_456_000n }], { linkType: LinkType.RAW });
  const [record]: CaptureRecord[] = parseCapture(file);
  console.log(`record: link type ${record.linkType}, ${record.data.length} of ${record.originalLength} bytes at ${record.timestampNs} ns, interface ${record.interfaceId}`);
  // #endregion capture-record
}

{
  // #region capture-decoder
  // CaptureDecoder: push bytes as they come (any chunking), take records as they complete.
  const file = encodePcap([1, 2, 3].map((seq) => ({ data: echo(seq), timestampNs: BigInt(seq) * 1000n })), { linkType: LinkType.RAW });
  const decoder = new CaptureDecoder();
  let count = 0;
  for (let at = 0; at < file.length; at += 7) {
    decoder.push(file.subarray(at, at + 7));
    for (let r = decoder.next(); r; r = decoder.next()) count++;
  }
  decoder.end(); // throws a CaptureFormatError if the file stopped inside a record
  console.log(`CaptureDecoder: ${decoder.format}, ${count} records`);
  // #endregion capture-decoder
}

{
  // #region capture-errors
  // A damaged file: CaptureFormatError names the record and its byte offset.
  const file = encodePcap([{ data: echo(1), timestampNs: 0n }], { linkType: LinkType.RAW });
  try {
    parseCapture(file.subarray(0, file.length - 5));
  } catch (e) {
    if (e instanceof CaptureFormatError) console.log(`CaptureFormatError at byte ${e.offset}, record ${e.recordIndex}: ${e.problem}`);
  }
  // A record longer than the file's snap length: kept, with a SnapLengthError in its issues.
  const contradictory = Buffer.from(file);
  contradictory.writeUInt32LE(16, 16); // the file header's snap length, now 16 bytes
  const [record] = parseCapture(contradictory);
  for (const issue of record.issues ?? []) if (issue instanceof SnapLengthError) console.log(`SnapLengthError: ${issue.capturedLength} > ${issue.snapLength}`);
  // #endregion capture-errors
}

{
  // #region writers
  // PcapWriter / PcapngWriter write to any stream (createCaptureWriter makes them for a path).
  const pcap = new PcapWriter(createWriteStream('api.pcap'), { linkType: LinkType.RAW });
  await pcap.write({ data: echo(1), timestampNs: 1_000_000_000n });
  await pcap.close();
  const pcapng = new PcapngWriter(createWriteStream('api.pcapng'));
  const iface = pcapng.addInterface(LinkType.RAW, { name: 'documentation' });
  await pcapng.write({ data: echo(2), timestampNs: 2_000_000_000n, interfaceId: iface });
  await pcapng.close();
  try {
    await pcapng.write({ data: echo(3), timestampNs: 0n });
  } catch (e) {
    if (e instanceof CaptureWriteError) console.log(`CaptureWriteError: ${e.message}`);
  }
  // encodePcap: a whole pcap file in memory.
  console.log(`encodePcap: ${encodePcap([{ data: echo(1), timestampNs: 0n }], { linkType: LinkType.RAW }).length} bytes`);
  // #endregion writers
}

{
  // #region atomic-file
  // AtomicFile: write under a temporary name; commit() renames, discard() leaves nothing behind.
  const file = new AtomicFile('atomic.txt');
  file.stream.write('complete\n');
  file.stream.end();
  await file.commit();
  const failed = new AtomicFile('never.txt');
  failed.stream.write('half');
  failed.discard(); // never.txt does not appear
  console.log('AtomicFile: atomic.txt committed, never.txt discarded');
  // #endregion atomic-file
}
