/**
 * The CLI on SCTP: `decode --json --lax | encode --hex` is byte-exact on captures (the usrsctp
 * handshake fixture here; tshark.test.ts does the 1,200-packet interop capture), the tree and
 * summary name the chunks, and `encode` warns about bundling that the RFC forbids. Needs
 * `npm run build` (npm test runs it first); fails without it when CI=true.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseCapture } from '../../src/capture/index.js';
import { cliRoundTrip, cliUnavailable, runCli } from './cli.js';

const FIXTURE = fileURLToPath(new URL('./fixtures/usrsctp-handshake.pcap', import.meta.url));
const missing = cliUnavailable();
const inCI = process.env.CI === 'true';

describe.skipIf(missing !== undefined && !inCI)('CLI on SCTP', () => {
  it('is built', () => expect(missing).toBeUndefined());

  it('decode --json --lax | encode --hex gives the usrsctp capture back byte for byte', async () => {
    const records = parseCapture(readFileSync(FIXTURE));
    expect(await cliRoundTrip(FIXTURE)).toEqual(records.map((r) => r.data.toString('hex')));
  });

  it('decode: summaries and trees name the chunks', async () => {
    const { code, stdout } = await runCli(['decode', FIXTURE]);
    expect(code).toBe(0);
    expect(stdout).toContain('SCTP 40123 > 5001 vtag 0x00000000 [INIT itag 0x5ca1ab1e tsn 1000] (bad checksum)');
    expect(stdout).toContain('SCTP 40123 > 5001 vtag 0x24e911bb [DATA [IBE] tsn 1000 sid 1 ssn 0 ppid 51 len 19]');
    expect(stdout).toContain('SCTP 5001 > 40123 vtag 0x5ca1ab1e [SACK cum ack 1000 a_rwnd 130797]');
    expect(stdout).toContain('{"type":"cookie-ack"}');
  });

  it('encode: chunk names in JSON, a warning for a forbidden bundle, the bytes all the same', async () => {
    const line = JSON.stringify({ layers: [{ layer: 'sctp', fields: { srcPort: 1, dstPort: 2, chunks: [{ type: 'init' }, { type: 'data', flags: ['beginning', 'ending'], data: '68' }] } }] });
    const { code, stdout, stderr } = await runCli(['encode', '--hex'], line + '\n');
    expect(code).toBe(0);
    expect(stderr).toMatch(/^rawcraft: warning: packet 0: sctp: chunks\[0\]: INIT must be the only chunk in its packet \(RFC 9260 section 6\.10\)/);
    // Common header (checksum computed), INIT (20 bytes), DATA (17 bytes and 3 of padding).
    expect(stdout.trim()).toMatch(/^0001000200000000[0-9a-f]{8}01000014000000010000ffff00010001000000000003001100000000000000000000000068000000$/);
  });

  it('encode: a typo in a chunk field is an error that names it', async () => {
    const line = JSON.stringify({ layers: [{ layer: 'sctp', fields: { chunks: [{ type: 'sack', cumulativTsnAck: 1 }] } }] });
    const { code, stderr } = await runCli(['encode', '--hex'], line + '\n');
    expect(code).toBe(2);
    expect(stderr).toContain("has no field 'cumulativTsnAck' (did you mean cumulativeTsnAck?)");
  });
});
