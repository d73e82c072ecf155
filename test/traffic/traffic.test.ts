/**
 * Scenario-driven traffic: determinism, shards, validation errors with key path and line,
 * patching equal to re-encoding, and the CLI end to end with tshark checking the output.
 * Nothing leaves the machine: files, or raw sockets to 127.0.0.1 only.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { CLI, ROOT, cli, expectOneLineError } from '../expr/run-cli.js';
import { PatchableTemplate, ScenarioError, decode, encodeLayers, generateTraffic, parse, parseCapture, parseScenario, type CaptureRecord } from '../../src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'rawcraft-traffic-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const EXAMPLE = join(ROOT, 'examples/ci-traffic.yaml');
const hasTshark = spawnSync('tshark', ['--version']).status === 0;
const isRoot = process.getuid?.() === 0;

const SMALL = `seed: 3
flows:
  - name: a
    template: ipv4(src=192.0.2.1,dst=198.51.100.1)/udp(dstPort=53)/raw(hex=0102)
    count: 300
    rate: 1000
    vary:
      udp.srcPort: { range: [1024, 65535] }
      ipv4.id: { sequence: { start: 10, step: 2 } }
      ipv4.dst: { range: [198.51.100.1, 198.51.100.200] }
  - name: b
    template: ipv6(src=2001:db8::1,dst=2001:db8::2)/tcp(flags=[syn])
    count: 200
    rate: 700
    vary:
      tcp.seq: { range: [0, 4294967295] }
      ipv6.dst: { choice: ["2001:db8::2", "2001:db8::3"] }
`;

const hex = (it: Iterable<{ data: Buffer; timestampNs: bigint }>) => [...it].map((p) => `${p.timestampNs}:${p.data.toString('hex')}`);

describe('generateTraffic', () => {
  it('is deterministic per seed, timestamps from the epoch and rate', () => {
    const s = parseScenario(SMALL);
    const a = hex(generateTraffic(s));
    expect(a).toHaveLength(500);
    expect(hex(generateTraffic(s))).toEqual(a);
    expect(hex(generateTraffic(s, { seed: 4 }))).not.toEqual(a);
    const first = [...generateTraffic(s)].slice(0, 3);
    expect(first[0].timestampNs).toBe(1_767_225_600_000_000_000n);
    const ts = [...generateTraffic(s)].map((p) => p.timestampNs);
    expect([...ts].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0))).toEqual(ts);
  });

  it('shards are disjoint and their union is the whole', () => {
    const s = parseScenario(SMALL);
    const whole = [...generateTraffic(s)].map((p) => `${p.number}:${p.data.toString('hex')}`);
    const parts = [0, 1, 2].flatMap((index) => [...generateTraffic(s, { shard: { index, count: 3 } })].map((p) => `${p.number}:${p.data.toString('hex')}`));
    expect(new Set(parts).size).toBe(parts.length);
    expect([...parts].sort()).toEqual([...whole].sort());
  });

  it('patched packets decode clean and vary as asked', () => {
    const s = parseScenario(SMALL);
    const packets = [...generateTraffic(s)];
    expect(packets.every((p) => p.patched)).toBe(true);
    for (const p of packets) {
      const d = decode(p.data);
      for (const l of d.layers) if (l.checksum) expect(l.checksum.status).toBe('valid');
      if (p.flow === 'a') expect((d.layers[0].fields as { id: number }).id).toBe(10 + 2 * p.flowIndex);
    }
  });

  it('patching gives the bytes a full encode gives', () => {
    const layers = parse('ipv4(src=192.0.2.1,dst=198.51.100.1)/udp(dstPort=53)/raw(hex=0102)');
    const t = new PatchableTemplate(layers);
    const t6 = new PatchableTemplate(parse('ipv6(src=2001:db8::1)/tcp(flags=[syn])/raw(hex=aa)'));
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 65535 }), fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 63 }), fc.ipV4(), fc.integer({ min: 0, max: 0xfffff }), fc.nat(), (port, ttl, dscp, dst, label, seq) => {
        expect(t.patch([[1, 'srcPort', port], [0, 'ttl', ttl], [0, 'dscp', dscp], [0, 'dst', dst], [0, 'flags', ['df']]])).toEqual(
          encodeLayers([{ ...layers[0], fields: { ...layers[0].fields, ttl, dscp, dst, flags: ['df'] } }, { ...layers[1], fields: { ...layers[1].fields, srcPort: port } }, layers[2]]),
        );
        expect(t6.patch([[0, 'flowLabel', label], [1, 'seq', seq], [1, 'flags', ['syn', 'ack']]])).toEqual(
          encodeLayers(parse(`ipv6(src=2001:db8::1,flowLabel=${label})/tcp(flags=[syn,ack],seq=${seq})/raw(hex=aa)`)),
        );
      }),
      { numRuns: 300 },
    );
  });
});

describe('scenario validation', () => {
  const error = (text: string): ScenarioError => {
    try {
      parseScenario(text, 'scenario.yaml');
    } catch (e) {
      if (e instanceof ScenarioError) return e;
      throw e;
    }
    throw new Error('no error');
  };

  it.each([
    [SMALL.replace('udp.srcPort', 'udp.sport'), 'flows[0].vary.udp.sport', 8, /udp has no field 'sport' \(did you mean srcPort\?\)/],
    [SMALL.replace('count: 200', 'cuont: 200'), 'flows[1].cuont', 13, /unknown key 'cuont' \(did you mean count\?\)/],
    [SMALL.replace('[1024, 65535]', '[1024, 70000]'), 'flows[0].vary.udp.srcPort.range[1]', 8, /70000 is not allowed/],
    [SMALL.replace('dstPort=53', 'dport=53'), 'flows[0].template', 4, /expression column \d+: udp has no field 'dport'/],
    [SMALL.replace('rate: 700', 'rate: fast'), 'flows[1].rate', 14, /expected a number/],
    [SMALL.replace('198.51.100.200', '198.51.100'), 'flows[0].vary.ipv4.dst.range[1]', 10, /expected an IPv4 address/],
    [SMALL.replace('  - name: b', '  - name: a'), 'flows[1].name', 11, /duplicate flow name/],
    ['flows: []', 'flows', 1, /non-empty list/],
    ['seed: 1\nflows:\n  - name: x\n    template: ipv4/udp\n    count: 1\n    broken: { checksum: 0.8, truncated: 0.5 }\n', 'flows[0].broken', 6, /add up to 1.3/],
  ])('names the key path and line (%#)', (text, path, line, message) => {
    const e = error(text);
    expect(e.path).toBe(path);
    expect(e.line).toBe(line);
    expect(e.message).toMatch(message);
    expect(e.message).toContain(`scenario.yaml:${line}: ${path}: `);
  });

  it('reads JSON with line numbers too', () => {
    const json = JSON.stringify({ flows: [{ name: 'x', template: 'ipv4/udp', count: 1, vary: { 'udp.dport': 1 } }] }, null, 2);
    const e = error(json);
    expect(e.path).toBe('flows[0].vary.udp.dport');
    expect(e.line).toBe(8);
  });

  it('reports YAML syntax errors with their line', () => {
    const e = error('flows:\n  - name: x\n   template: [');
    expect(e.line).toBeGreaterThan(1);
  });
});

function tsharkRows(file: string): { frame: number; comment: string; severity: string; messages: string }[] {
  const out = execFileSync('tshark', ['-r', file, '-d', 'udp.port==9000,data', '-d', 'udp.port==40000,data', '-T', 'fields', '-E', 'separator=\t', '-e', 'frame.number', '-e', 'frame.comment', '-e', '_ws.expert.severity', '-e', '_ws.expert.message', '-e', '_ws.malformed'], {
    encoding: 'utf8',
    maxBuffer: 1 << 28,
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  return out
    .trimEnd()
    .split('\n')
    .map((line) => {
      const [frame, comment, severity, messages, malformed] = line.split('\t');
      return { frame: Number(frame), comment: comment ?? '', severity: severity ?? '', messages: `${messages ?? ''}${malformed ? ' malformed' : ''}` };
    });
}

describe('rawcraft traffic', () => {
  it('writes the example scenario: same seed, same bytes; broken packets flagged, the rest clean', async () => {
    const a = join(dir, 'a.pcapng');
    const b = join(dir, 'b.pcapng');
    const r1 = await cli(['traffic', EXAMPLE, '--out', a, '--seed', '7', '--json']);
    expect(r1.code, r1.stderr).toBe(0);
    const summary = JSON.parse(r1.stdout);
    expect(summary).toMatchObject({ packets: 3700, seed: 7 });
    expect(summary.broken).toBeGreaterThan(20);
    expect(summary.patched).toBeGreaterThan(2000);
    expect((await cli(['traffic', EXAMPLE, '--out', b, '--seed', '7'])).code).toBe(0);
    expect(readFileSync(a).equals(readFileSync(b))).toBe(true);
    const c = join(dir, 'c.pcapng');
    await cli(['traffic', EXAMPLE, '--out', c, '--seed', '8']);
    expect(readFileSync(a).equals(readFileSync(c))).toBe(false);

    const records = parseCapture(readFileSync(a));
    expect(records).toHaveLength(3700);
    // A comment on the first packet of each flow, and on each broken one.
    expect(records.filter((r) => r.comment?.startsWith('flow ')).map((r) => r.comment!.split(':')[0]).sort()).toEqual(['flow bulk-udp', 'flow dns', 'flow ping6', 'flow web']);
    const broken = new Set(records.flatMap((r, i) => (r.comment?.includes('broken: ') ? [i + 1] : [])));
    expect(broken.size).toBe(summary.broken);
    // Our decoder: every broken packet has an issue or an invalid checksum; every other one is clean.
    records.forEach((r, i) => {
      const d = decode(r.data, { mode: 'lax' });
      const flagged = d.issues.length > 0 || d.layers.some((l) => l.checksum?.status === 'invalid');
      expect(flagged, `packet ${i + 1} ${r.comment ?? ''}`).toBe(broken.has(i + 1));
    });
    if (!hasTshark) return;
    // tshark: errors and warnings (malformed, bad lengths, bad options) only on deliberately broken packets.
    const rows = tsharkRows(a);
    expect(rows).toHaveLength(3700);
    // Expert severities: 0x600000 warning, 0x800000 error.
    const bad = rows.filter((row) => row.severity.split(',').some((v) => Number(v) >= 0x600000) || /malformed/i.test(row.messages));
    expect(bad.length).toBeGreaterThan(0);
    for (const row of bad) expect(broken.has(row.frame), `frame ${row.frame}: ${row.messages}`).toBe(true);
    // Length lies, truncation and bad options are all seen by tshark.
    // (tshark rates a TCP option overrunning the header a note, 0x400000; IPv4 ones a warning.)
    const flaggedByTshark = new Set(rows.filter((row) => row.severity.split(',').some((v) => Number(v) >= 0x400000) || /malformed/i.test(row.messages)).map((r) => r.frame));
    const structural = records.flatMap((r, i) => (/broken: (truncated|length|options)/.test(r.comment ?? '') ? [i + 1] : []));
    for (const f of structural) expect(flaggedByTshark.has(f), `frame ${f} ${records[f - 1].comment}`).toBe(true);
  });

  it('--shard I/N: disjoint parts whose union is the whole', async () => {
    const whole = join(dir, 'whole.pcapng');
    await cli(['traffic', EXAMPLE, '--out', whole]);
    const key = (r: CaptureRecord) => `${r.timestampNs}:${r.data.toString('hex')}`;
    const all = parseCapture(readFileSync(whole)).map(key).sort();
    const parts: string[] = [];
    for (let i = 0; i < 4; i++) {
      const out = join(dir, `shard${i}.pcapng`);
      const r = await cli(['traffic', EXAMPLE, '--out', out, '--shard', `${i}/4`, '--json']);
      expect(r.code, r.stderr).toBe(0);
      const got = parseCapture(readFileSync(out)).map(key);
      expect(got.length).toBeGreaterThan(800);
      parts.push(...got);
    }
    expect(parts.sort()).toEqual(all);
  });

  it('bad arguments and bad scenario files: exit 2, one line naming key path and line', async () => {
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, SMALL.replace('udp.srcPort', 'udp.sport'));
    expectOneLineError(await cli(['traffic', bad, '--out', join(dir, 'x.pcapng')]), /bad\.yaml:8: flows\[0\]\.vary\.udp\.sport: udp has no field 'sport' \(did you mean srcPort\?\)$/);
    const badJson = join(dir, 'bad.json');
    writeFileSync(badJson, JSON.stringify({ flows: [{ name: 'x', template: 'ipv4/udp', count: -1 }] }, null, 2));
    expectOneLineError(await cli(['traffic', badJson, '--out', join(dir, 'x.pcapng')]), /bad\.json:6: flows\[0\]\.count: expected an integer/);
    expectOneLineError(await cli(['traffic', EXAMPLE]), /give one of --out FILE.pcapng and --send/);
    expectOneLineError(await cli(['traffic', EXAMPLE, '--out', join(dir, 'y.pcapng'), '--shard', '4/4']), /--shard "4\/4"/);
    expectOneLineError(await cli(['traffic', join(dir, 'missing.yaml'), '--out', join(dir, 'y.pcapng')]), /missing\.yaml: \(top\): cannot read: no such file/);
    expectOneLineError(await cli(['traffic', EXAMPLE, '--bogus']), /bogus/);
    expectOneLineError(await cli(['traffic', EXAMPLE, '--out', join(dir, 'no/such/dir.pcapng')]), /cannot write .*no such directory/);
  });

  it('--send refuses anything not addressed to loopback', async () => {
    const r = await cli(['traffic', EXAMPLE, '--send']);
    expectOneLineError(r, /not addressed to loopback/);
  });

  it.runIf(isRoot)('--send sends to 127.0.0.1 at the scenario rate', async () => {
    const file = join(dir, 'loop.yaml');
    writeFileSync(file, 'flows:\n  - name: loop\n    template: ipv4(src=127.0.0.1,dst=127.0.0.1)/udp(dstPort=9)/raw(hex=00)\n    count: 40\n    rate: 200\n    vary:\n      udp.srcPort: { range: [1024, 2048] }\n');
    const r = await cli(['traffic', file, '--send', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const s = JSON.parse(r.stdout);
    expect(s.packets).toBe(40);
    // 40 packets at 200/s: the last is due at 195 ms.
    expect(s.durationMs).toBeGreaterThanOrEqual(190);
  });

  it('generates 100k packets in bounded memory', async () => {
    const file = join(dir, 'big.yaml');
    writeFileSync(
      file,
      `seed: 42
flows:
  - name: udp
    template: ipv4(src=192.0.2.1,dst=198.51.100.1)/udp(dstPort=5000)/raw(hex=0102030405060708)
    count: 70000
    rate: 10000
    vary:
      ipv4.id: { sequence: { start: 0, end: 65535 } }
      udp.srcPort: { range: [1024, 65535] }
      ipv4.src: { range: [192.0.2.1, 192.0.2.254] }
    broken: { checksum: 0.01 }
  - name: tcp
    template: ipv6(src=2001:db8::1,dst=2001:db8::2)/tcp(dstPort=443,flags=[syn])
    count: 30000
    rate: 3000
    vary:
      tcp.srcPort: { range: [32768, 60999] }
      tcp.seq: { range: [0, 4294967295] }
`,
    );
    const out = join(dir, 'big.pcapng');
    // Measure the child's peak RSS with a preload that reports it on exit.
    const probe = join(dir, 'rss.cjs');
    writeFileSync(probe, "process.on('exit', () => process.stderr.write('maxrss ' + process.resourceUsage().maxRSS + '\\n'));");
    const r = spawnSync(process.execPath, ['-r', probe, CLI, 'traffic', file, '--out', out, '--json'], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const summary = JSON.parse(r.stdout);
    const rssKb = Number(/maxrss (\d+)/.exec(r.stderr)![1]);
    console.log(`100k packets: ${summary.packetsPerSecond} packets/s, ${summary.durationMs} ms, peak RSS ${Math.round(rssKb / 1024)} MiB, ${summary.patched} patched`);
    expect(summary.packets).toBe(100_000);
    expect(rssKb).toBeLessThan(200 * 1024);
    expect(existsSync(out)).toBe(true);
  });
});
