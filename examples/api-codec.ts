/**
 * More `@example`s of the API reference (the codec: layers, errors, checksums, JSON), included
 * region by region by doc comments in src/ like those of api-tour.ts, and run by
 * test/examples/examples.test.ts, which checks what each region prints. Nothing is sent.
 *   node dist/examples/api-codec.js
 */
import { match } from 'ts-pattern';
import {
  allDeviationRules,
  bundlingViolations,
  BundlingError,
  ChecksumError,
  codecByName,
  ContentError,
  crc32c,
  decode,
  DeviationError,
  type DecodedPacket,
  encodeLayers,
  ethernet,
  FieldValueError,
  formatValue,
  fragment,
  FragmentError,
  InputError,
  internetChecksum,
  ipv4,
  issueToJson,
  type Layer,
  layerForLinkType,
  LengthError,
  packet,
  PacketError,
  RawcraftError,
  reassemble,
  ReassemblyError,
  sctpChecksum,
  StackError,
  summary,
  toJsonValue,
  UnknownFieldError,
} from '../src/index.js';

{
  // #region packet-start
  // packet() starts from nothing: the first step names the outermost layer, as ipv4() or ethernet() do.
  const frame = ethernet({ dst: '02:00:00:00:00:02', src: '02:00:00:00:00:01', vlans: [{ vid: 42 }] })
    .ipv4({ src: '192.0.2.1', dst: '198.51.100.2' })
    .udp({ dstPort: 9 });
  console.log(`ethernet: ${summary(frame.build())}`);
  const same = packet().ipv4({ src: '192.0.2.1', dst: '198.51.100.2' }).udp({ dstPort: 9 });
  console.log(`packet(): ${same.encode().equals(ipv4({ src: '192.0.2.1', dst: '198.51.100.2' }).udp({ dstPort: 9 }).encode())}`);
  // #endregion packet-start
}

{
  // #region layers
  // A decoded packet's layers are a union on `layer`: match on it, and the fields are typed.
  const decoded: DecodedPacket = decode(ipv4({ src: '192.0.2.1', dst: '198.51.100.2' }).tcp({ dstPort: 80, flags: ['syn'] }).encode());
  for (const layer of decoded.layers satisfies Layer[]) {
    const line = match(layer)
      .with({ layer: 'ipv4' }, (l) => `ipv4 ttl ${l.fields.ttl}, checksum ${l.checksum?.status}`)
      .with({ layer: 'tcp' }, (l) => `tcp to ${l.fields.dstPort}, flags ${l.fields.flags.join(',')}`)
      .otherwise((l) => l.layer);
    console.log(line);
  }
  // #endregion layers
}

{
  // #region registry
  // The codecs by name, and the first layer of a capture's link type (LINKTYPE_ values).
  const udp = codecByName('udp');
  console.log(`codec udp: ${udp?.name}; link type 1 starts with ${layerForLinkType(1)}, 101 with ${layerForLinkType(101)}`);
  // #endregion registry
}

{
  // #region checksums
  // The Internet checksum (RFC 1071) over an IPv4 header: 0 when the header's own checksum is right.
  const header = ipv4({ src: '192.0.2.1', dst: '198.51.100.2' }).udp({ dstPort: 9 }).encode().subarray(0, 20);
  console.log(`internetChecksum of a valid header: ${internetChecksum(header)}`);
  // CRC-32C (RFC 9260 appendix B): the check value of "123456789" is 0xe3069283.
  console.log(`crc32c: 0x${crc32c(Buffer.from('123456789')).toString(16)}`);
  // sctpChecksum: the CRC-32C over an SCTP packet, its checksum field counted as zero.
  const sctp = encodeLayers([{ layer: 'sctp', fields: { srcPort: 5000, dstPort: 5001, verificationTag: 1, chunks: [] } }]);
  console.log(`sctpChecksum matches the field: ${sctpChecksum(sctp, 0, sctp.length) === sctp.readUInt32BE(8)}`);
  // #endregion checksums
}

{
  // #region errors
  // Every error a caller can cause is a RawcraftError with a stable `code`; packet errors
  // (PacketError) also name the layer, and the byte offset when decoding.
  const attempts: [string, () => unknown][] = [
    ['ttl 256', () => ipv4({ ttl: 256 }).encode()], // FieldValueError
    ['a typo', () => encodeLayers([{ layer: 'udp', fields: { dport: 53 } }])], // UnknownFieldError
    ['tcp first', () => encodeLayers([{ layer: 'tcp', fields: {} }])], // StackError: its checksum needs an IP layer
    ['3 bytes', () => decode(Buffer.from('450000', 'hex'))], // LengthError
    ['version 5', () => decode(Buffer.from('5500001400000000400000000000000000000000', 'hex'), { from: 'ipv4' })], // ContentError
    ['an unknown layer', () => decode(Buffer.alloc(4), { from: 'no-such-layer' })], // InputError
  ];
  for (const [what, attempt] of attempts) {
    try {
      attempt();
    } catch (e) {
      if (!(e instanceof RawcraftError)) throw e; // a bug, not the caller's input
      const kind = match(e)
        .when((x) => x instanceof FieldValueError, (x) => `FieldValueError ${x.field}`)
        .when((x) => x instanceof UnknownFieldError, (x) => `UnknownFieldError ${x.field}, did you mean ${x.suggestion}`)
        .when((x) => x instanceof StackError, () => 'StackError')
        .when((x) => x instanceof LengthError, (x) => `LengthError needs ${x.required}, has ${x.actual}`)
        .when((x) => x instanceof ContentError, (x) => `ContentError ${x.field}`)
        .when((x) => x instanceof InputError, () => 'InputError')
        .otherwise(() => 'other');
      const where = e instanceof PacketError ? ` (layer ${e.layer}, offset ${e.offset})` : '';
      console.log(`${what}: ${e.code} ${kind}${where}`);
    }
  }
  // formatValue: how messages show a value (strings quoted, bytes by their size).
  console.log(`formatValue: ${formatValue('x')} ${formatValue(new Uint8Array([1, 2]))} ${formatValue(7)}`);
  // #endregion errors
}

{
  // #region checksum-error
  // decode() never throws for a wrong checksum: it reports it in the layer's verdict. A caller
  // that wants to refuse such packets can throw a ChecksumError of its own.
  const bytes = ipv4({ src: '192.0.2.1', dst: '198.51.100.2', checksum: 0x1234 }).udp({ dstPort: 9 }).encode();
  const ip = decode(bytes).layers[0];
  try {
    if (ip.checksum?.status === 'invalid') throw new ChecksumError(ip.layer, 10, ip.checksum.expected ?? 0, ip.checksum.actual);
  } catch (e) {
    if (e instanceof ChecksumError) console.log(`ChecksumError: ${e.message}`);
  }
  // #endregion checksum-error
}

{
  // #region deviations
  // Lax decoding reports what deviates from an RFC as a DeviationError naming the rule and the RFC.
  const decoded = decode(ipv4({ src: '192.0.2.1', dst: '198.51.100.2', options: [{ kind: 'nop' }, { kind: 'eol' }, { kind: 'nop' }, { kind: 'nop' }] }).encode(), { mode: 'lax' });
  for (const issue of decoded.issues) if (issue instanceof DeviationError) console.log(`deviation ${issue.rule} (${issue.rfc})`);
  console.log(`${allDeviationRules().length > 10 ? 'many' : 'few'} deviation rules, e.g. ${allDeviationRules().find((r) => r.layer === 'ipv4')?.name}`);
  // #endregion deviations
}

{
  // #region json-values
  // The values of `rawcraft decode --json`: bytes as hex, bigints as strings; issues as objects.
  console.log(`toJsonValue: ${JSON.stringify(toJsonValue({ data: new Uint8Array([0xca, 0xfe]), big: 2n ** 64n }))}`);
  const lax = decode(Buffer.from('4500001c00010000401100000000000000000000', 'hex'), { mode: 'lax' });
  console.log(`issueToJson: ${JSON.stringify(issueToJson(lax.issues[0]))}`);
  // #endregion json-values
}

{
  // #region fragment-errors
  // fragment() throws a FragmentError when it cannot split; reassemble() returns its ReassemblyError.
  try {
    fragment(ipv4({ src: '192.0.2.1', dst: '198.51.100.2', flags: ['df'] }).udp({ dstPort: 9 }).payload(Buffer.alloc(100)), { mtu: 68 });
  } catch (e) {
    if (e instanceof FragmentError) console.log(`FragmentError ${e.reason}: ${e.message}`);
  }
  const pieces = fragment(ipv4({ src: '192.0.2.1', dst: '198.51.100.2', id: 5 }).udp({ dstPort: 9 }).payload(Buffer.alloc(100)), { mtu: 68 });
  const result = reassemble(pieces.slice(1)); // the first fragment lost
  if (!result.ok && result.error instanceof ReassemblyError) console.log(`ReassemblyError ${result.error.reason}`);
  // #endregion fragment-errors
}

{
  // #region sctp-bundling
  // RFC 9260 section 6.10: INIT, INIT ACK and SHUTDOWN COMPLETE must not be bundled with other chunks.
  for (const v of bundlingViolations([1, 0])) console.log(`bundling: chunk ${v.index}: ${v.message}`);
  // Encoding such a packet works (to test a peer), with a BundlingError as a warning; lax decoding reports it.
  const layers = [{ layer: 'ipv4', fields: { src: '192.0.2.1', dst: '198.51.100.2' } }, { layer: 'sctp', fields: { chunks: [{ type: 'init' }, { type: 'data', data: '78' }] } }];
  const bytes = encodeLayers(layers, { onWarning: (w) => console.log(`encode warning: ${w instanceof BundlingError ? `BundlingError, chunk ${w.chunk}` : w.message}`) });
  console.log(`lax decoding: ${decode(bytes, { mode: 'lax' }).issues.filter((i) => i instanceof BundlingError).length} BundlingError`);
  // #endregion sctp-bundling
}
