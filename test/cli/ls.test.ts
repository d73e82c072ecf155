/** `rawcraft ls [LAYER]` (Scapy's ls(IP)): generated from the codec layouts, so checked against them. */
import { describe, expect, it } from 'vitest';
import { codecs, codecByName } from '../../src/codec/registry.js';
import { cli, expectOneLineError } from '../expr/run-cli.js';

describe('rawcraft ls', () => {
  it('lists every layer with a one-line description', async () => {
    const r = await cli(['ls']);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(codecs.length);
    for (const [i, c] of codecs.entries()) expect(lines[i]).toMatch(new RegExp(`^${c.name} +${c.title.replace(/[()]/g, '\\$&')} \\(`));
  });

  it('ls ipv4: each field with kind, what it becomes when left out, meaning', async () => {
    const r = await cli(['ls', 'ipv4']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^ipv4: Internet Protocol version 4 \(RFC 791\)\nFIELD +KIND +WHEN LEFT OUT +MEANING\n/);
    expect(r.stdout).toMatch(/^ttl +uint8 +64 +Time to live$/m);
    expect(r.stdout).toMatch(/^checksum +uint16 +computed \(checksum\) +Header checksum/m);
    expect(r.stdout).toMatch(/^totalLength +uint16 +computed +/m);
    expect(r.stdout).toMatch(/^options +- +see text +Options: /m);
  });

  it('ls LAYER --json: one line per field, every field of the layout', async () => {
    for (const name of ['tcp', 'icmpv6', 'sctp']) {
      const r = await cli(['ls', name, '--json']);
      expect(r.code, r.stderr).toBe(0);
      const rows = r.stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as { layer: string; field: string; kind: string; whenLeftOut: string; doc: string });
      const codec = codecByName(name)!;
      expect(rows.map((row) => row.field)).toEqual([...codec.fields.map((f) => f.name), ...(codec.extraFields ?? []).map((f) => f.name)]);
      expect(rows.every((row) => row.layer === name && row.kind && row.whenLeftOut && typeof row.doc === 'string')).toBe(true);
    }
    const tcp = (await cli(['ls', 'tcp', '--json'])).stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as { field: string; whenLeftOut: string });
    expect(tcp.find((f) => f.field === 'checksum')!.whenLeftOut).toBe('computed (checksum)');
  });

  it('ls --json lists the layers as JSON lines', async () => {
    const r = await cli(['ls', '--json']);
    expect(r.stdout.trimEnd().split('\n').map((l) => (JSON.parse(l) as { layer: string }).layer)).toEqual(codecs.map((c) => c.name));
  });

  it('an unknown layer: did you mean, and the list', async () => {
    expectOneLineError(await cli(['ls', 'ipv5']), /unknown layer "ipv5" \(did you mean ipv4\?\); layers: ethernet, .*raw$/);
  });
});
