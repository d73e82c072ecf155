/**
 * `--from LAYER` names the first layer of hex input for decode (and send, tested with the link
 * transport in test/link/link-cli.test.ts): an Ethernet frame whose destination MAC begins with
 * 4 is read as a frame, not guessed to be IPv4 from its first nibble.
 */
import { describe, expect, it } from 'vitest';
import { runInProcess } from './in-process.js';

// Ethernet II to 46:00:5e:00:00:01 from 02:00:00:00:00:01, EtherType IPv4, then a 20-byte
// IPv4 header 192.0.2.1 > 192.0.2.2 protocol 253 (bytes written by hand from RFC 894 / RFC 791;
// tshark reads the same frame as eth / ip in test/link/link-cli.test.ts's kind of capture).
const FRAME = '46005e000001' + '020000000001' + '0800' + '450000140001000040fd' + '0000' + 'c0000201' + 'c0000202';

describe('decode --from', () => {
  it('reads hex as a frame of the layer named, where the first nibble would guess IPv4', async () => {
    const guessed = await runInProcess(['decode', '--hex', FRAME, '--lax', '--json']);
    expect(JSON.parse(guessed.stdout).layers[0].layer).toBe('ipv4');
    const named = await runInProcess(['decode', '--hex', FRAME, '--from', 'ethernet', '--lax', '--json']);
    expect(named.code, named.stderr).toBe(0);
    expect(JSON.parse(named.stdout).layers.map((l: { layer: string }) => l.layer)).toEqual(['ethernet', 'ipv4']);
  });

  it('refuses a layer that does not exist, with a suggestion', async () => {
    const r = await runInProcess(['decode', '--hex', FRAME, '--from', 'ethernt']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--from "ethernt": not a layer \(did you mean ethernet\?\)/);
  });
});
