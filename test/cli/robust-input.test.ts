/**
 * Inputs a user can get wrong, and outputs a failed run must not leave behind (issues 14 and 16):
 * unreadable inputs, empty inputs, binary files, hex dumps from xxd / od / tcpdump / hexdump /
 * rawcraft itself, snap-length overruns, deep JSON, scenario sequences past a field's range,
 * and atomic output files. Dumps come from the real tools run here; packets are built with
 * rawcraft's typed builder and only written to files (nothing is sent, except one datagram to
 * 127.0.0.1 that tcpdump captures on lo).
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ipv4, ipv6 } from '../../src/index.js';
import { encodePcap, encodePcapng, LinkType, parseCapture, SnapLengthError } from '../../src/capture/index.js';
import { encodeLayers } from '../../src/codec/encode.js';
import { FieldValueError, formatValue } from '../../src/codec/errors.js';
import { onPath, inCI, isRoot } from '../interop/tools.js';
import { runInProcess, STACK_TRACE, type InProcessResult } from './in-process.js';
import { buildTransportForChild } from '../transport/helpers.js';

const CLI = fileURLToPath(new URL('../../dist/src/cli/main.js', import.meta.url));

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'rawcraft-robust-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Exit 2, one `rawcraft: ...` line matching `pattern`, no stack trace. */
function expectInputError(r: InProcessResult, pattern: RegExp): void {
  expect(r.internal, r.stderr).toBeUndefined();
  expect(r.code, r.stderr).toBe(2);
  expect(r.stderr).not.toMatch(STACK_TRACE);
  expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
  expect(r.stderr.trimEnd()).toMatch(pattern);
}

const UDP = ipv4({ src: '192.0.2.1', dst: '198.51.100.2', id: 7 }).udp({ srcPort: 1234, dstPort: 53 }).payload('hello, world! a payload of some length').encode();
const UDP6 = ipv6({ src: '2001:db8::1', dst: '2001:db8::2' }).udp({ srcPort: 1, dstPort: 2 }).payload('six').encode();
const hexOf = (b: Uint8Array) => Buffer.from(b).toString('hex');
const decodedHex = (r: InProcessResult): string[] => r.stdout.split('\n').filter(Boolean).map((l) => {
  const json = JSON.parse(l) as { layers: { layer: string; fields: Record<string, unknown> }[] };
  return json.layers.map((x) => x.layer).join('/');
});

describe('unreadable inputs: one line, exit 2 (issue 14)', () => {
  for (const command of ['decode', 'send', 'preflight', 'encode']) {
    it(`${command} DIRECTORY`, async () => {
      const args = command === 'send' ? ['send', dir, '--transport', `pcapng:${join(dir, 'never.pcapng')}`] : [command, dir];
      expectInputError(await runInProcess(args), /cannot open .*: it is a directory$/);
      expect(existsSync(join(dir, 'never.pcapng'))).toBe(false);
    });
  }

  it('a missing file', async () => {
    expectInputError(await runInProcess(['decode', join(dir, 'missing.pcap')]), /cannot open .*missing\.pcap: no such file$/);
  });

  it('a path through a file', async () => {
    const file = join(dir, 'plain.txt');
    writeFileSync(file, hexOf(UDP) + '\n');
    expectInputError(await runInProcess(['decode', join(file, 'x')]), /not a directory/);
  });

  it('permission denied (the real process, as nobody)', async (ctx) => {
    if (!isRoot || !onPath('setpriv')) {
      if (inCI) throw new Error('CI runs as root with setpriv');
      ctx.skip();
    }
    // nobody runs a copy any user can read: the checkout may sit in a 0700 folder (as in CI).
    const child = await buildTransportForChild();
    const open = mkdtempSync(join(tmpdir(), 'rawcraft-eacces-'));
    try {
      chmodSync(open, 0o755);
      const file = join(open, 'secret.txt');
      writeFileSync(file, hexOf(UDP) + '\n');
      chmodSync(file, 0o600);
      const r = spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, join(child.dir, 'src', 'cli', 'main.js'), 'decode', file], { encoding: 'utf8', cwd: child.dir });
      expect(r.stderr).toBe(`rawcraft: cannot open ${file}: permission denied\n`);
      expect(r.status).toBe(2);
    } finally {
      rmSync(open, { recursive: true, force: true });
      child.cleanup();
    }
  }, 60_000);

  it('a FIFO is read like stdin (the real process)', async () => {
    const fifo = join(dir, 'fifo');
    execFileSync('mkfifo', [fifo]);
    const child = spawn(process.execPath, [CLI, 'decode', '--json', fifo], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    writeFileSync(fifo, hexOf(UDP) + '\n' + hexOf(UDP6) + '\n');
    const code = await new Promise((resolve) => child.on('close', resolve));
    expect(code).toBe(0);
    expect(stdout.trim().split('\n').map((l) => (JSON.parse(l) as { layers: { layer: string }[] }).layers.length)).toEqual([3, 3]);
  });

  it('the real process prints no stack trace for a directory', () => {
    const r = spawnSync(process.execPath, [CLI, 'decode', dir], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(`rawcraft: cannot open ${dir}: it is a directory\n`);
  });
});

describe('empty input says there is nothing to read (issues 14, 16)', () => {
  it('decode - with nothing on stdin', async () => {
    expectInputError(await runInProcess(['decode', '-'], ''), /stdin: no packets in the input \(it is empty\)/);
  });
  it('decode /dev/null and an empty file', async () => {
    expectInputError(await runInProcess(['decode', '/dev/null']), /\/dev\/null: no packets .*empty/);
    const empty = join(dir, 'empty.txt');
    writeFileSync(empty, '');
    expectInputError(await runInProcess(['decode', empty]), /empty\.txt: no packets .*empty/);
  });
  it('a file with only comments and blank lines', async () => {
    const file = join(dir, 'comments.txt');
    writeFileSync(file, '# nothing here\n\n   \n');
    expectInputError(await runInProcess(['decode', file]), /comments\.txt: no packets in the input: nothing to read/);
  });
  it('encode of nothing (empty stdin, /dev/null, blank lines): exit 2, and --pcap writes no file', async () => {
    expectInputError(await runInProcess(['encode', '-'], ''), /^rawcraft: stdin: no packets in the input \(it is empty\): nothing to read$/);
    expectInputError(await runInProcess(['encode', '/dev/null', '--json']), /\/dev\/null: no packets .*empty/);
    const out = join(dir, 'nothing.pcap');
    expectInputError(await runInProcess(['encode', '-', '--pcap', out], '\n  \n'), /stdin: no packets in the input: nothing to read/);
    expect(existsSync(out)).toBe(false);
  });
  it("--hex '' and --hex 0x", async () => {
    expectInputError(await runInProcess(['decode', '--hex', '']), /--hex "": no bytes/);
    expectInputError(await runInProcess(['decode', '--hex', '0x']), /"0x" has no hex digits/);
  });
  it('listen --count 1 --timeout 300 says why it exits 1', async (ctx) => {
    if (!isRoot) {
      if (inCI) throw new Error('CI runs as root: listen needs a raw socket');
      ctx.skip();
    }
    // Protocol 253 (RFC 3692 experimentation): nothing on this machine sends it.
    const r = await runInProcess(['listen', '--proto', '253', '--count', '1', '--timeout', '300']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('rawcraft: listen: no packet received within 300 ms\n');
  });
});

describe('unknown file types and snap lengths (issue 16)', () => {
  it('a binary file of unknown type names its first bytes', async () => {
    const file = join(dir, 'binary.bin');
    writeFileSync(file, Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 1, 2]));
    expectInputError(await runInProcess(['decode', file]), /binary\.bin: not a pcap, pcapng or hex file \(first bytes: 7f 45 4c 46\)$/);
    expectInputError(await runInProcess(['send', file, '--transport', `pcap:${join(dir, 'n.pcap')}`]), /not a pcap, pcapng or hex file/);
  });

  // A pcap whose header says snaplen 20 holding a 66-byte record (draft-ietf-opsawg-pcap section 4: records are at most SnapLen).
  const pcapSnap = (): Buffer => {
    const file = encodePcap([{ data: UDP, timestampNs: 0n }, { data: UDP, timestampNs: 1n }], { linkType: LinkType.RAW });
    const copy = Buffer.from(file);
    copy.writeUInt32LE(20, 16);
    return copy;
  };
  // The same in pcapng: the Interface Description Block's SnapLen (RFC draft-ietf-opsawg-pcapng section 4.2), right after the SHB.
  const pcapngSnap = (): Buffer => {
    const copy = Buffer.from(encodePcapng([{ data: UDP, timestampNs: 0n, linkType: LinkType.RAW }]));
    const idb = copy.readUInt32LE(4);
    expect(copy.readUInt32LE(idb)).toBe(1); // IDB block type
    copy.writeUInt32LE(20, idb + 12);
    return copy;
  };

  it('the readers attach an E_SNAPLEN issue to the record', () => {
    const [first] = parseCapture(pcapSnap());
    expect(first.issues?.[0]).toBeInstanceOf(SnapLengthError);
    expect(first.issues?.[0].message).toBe(`pcap record 0: captured length ${UDP.length} is longer than the file's snap length 20`);
  });

  it('strict decode names the packet; --lax reports an issue', async () => {
    const file = join(dir, 'snap.pcap');
    writeFileSync(file, pcapSnap());
    expectInputError(await runInProcess(['decode', file]), /^rawcraft: packet 0: pcap record 0: captured length \d+ is longer than the file's snap length 20 \(use --lax/);
    const lax = await runInProcess(['decode', '--lax', '--json', file]);
    expect(lax.code).toBe(0);
    const issues = lax.stdout.trim().split('\n').map((l) => (JSON.parse(l) as { issues: { code: string; snapLength: number }[] }).issues[0]);
    expect(issues.map((i) => [i.code, i.snapLength])).toEqual([['E_SNAPLEN', 20], ['E_SNAPLEN', 20]]);
  });

  it('pcapng: the interface snap length', async () => {
    const bytes = pcapngSnap();
    expect(parseCapture(bytes)[0].issues?.[0].message).toMatch(/pcapng record 2: captured length \d+ is longer than the interface's snap length 20/);
    const file = join(dir, 'snap.pcapng');
    writeFileSync(file, bytes);
    expectInputError(await runInProcess(['decode', file]), /packet 0: pcapng record 2/);
  });
});

describe('hex dumps are read by text2pcap rules (issue 14)', () => {
  const raw = join(dir ?? tmpdir(), 'udp.bin');
  const expected = hexOf(UDP);
  const decodeDump = async (text: string) => {
    const r = await runInProcess(['decode', '--json', '-'], text);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    return r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { layers: { layer: string; fields: Record<string, unknown> }[] });
  };
  const bytesOf = async (text: string): Promise<string[]> => {
    // Re-encode each decoded packet: the bytes the dump carried.
    const packets = await decodeDump(text);
    return packets.map((p) => hexOf(encodeLayers(p.layers.map((l) => ({ layer: l.layer, fields: l.fields })))));
  };
  beforeAll(() => writeFileSync(join(dir, 'udp.bin'), UDP));

  it('xxd', async () => {
    const text = execFileSync('xxd', [join(dir, 'udp.bin')], { encoding: 'utf8' });
    expect(text).toMatch(/^00000000: 4500 /);
    expect(await bytesOf(text)).toEqual([expected]);
  });

  it('od -Ax -tx1, with its * for repeated lines', async () => {
    const text = execFileSync('od', ['-Ax', '-tx1', join(dir, 'udp.bin')], { encoding: 'utf8' });
    expect(await bytesOf(text)).toEqual([expected]);
    const zeros = ipv4({ src: '192.0.2.1', dst: '198.51.100.2' }).udp({ srcPort: 1, dstPort: 2 }).payload(Buffer.alloc(100)).encode();
    writeFileSync(join(dir, 'zeros.bin'), zeros);
    const squeezed = execFileSync('od', ['-Ax', '-tx1', join(dir, 'zeros.bin')], { encoding: 'utf8' });
    expect(squeezed).toMatch(/^\*$/m);
    expect(await bytesOf(squeezed)).toEqual([hexOf(zeros)]);
  });

  it('hexdump -C', async () => {
    const text = execFileSync('hexdump', ['-C', join(dir, 'udp.bin')], { encoding: 'utf8' });
    expect(await bytesOf(text)).toEqual([expected]);
  });

  it('tcpdump -xx and -XX -r FILE, several packets with their summary lines', async (ctx) => {
    if (!onPath('tcpdump')) {
      if (inCI) throw new Error('tcpdump is missing');
      ctx.skip();
    }
    const file = join(dir, 'two.pcap');
    writeFileSync(file, encodePcap([{ data: UDP, timestampNs: 0n }, { data: UDP6, timestampNs: 1n }], { linkType: LinkType.RAW }));
    for (const flag of ['-xx', '-XX']) {
      const text = execFileSync('tcpdump', ['-n', flag, '-r', file], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
      expect(text).toMatch(/^\t0x0000:  4500 /m);
      expect(await bytesOf(text)).toEqual([expected, hexOf(UDP6)]);
    }
  });

  it('tcpdump -xx of a datagram captured on lo (an Ethernet header first)', async (ctx) => {
    if (!isRoot || !onPath('tcpdump')) {
      if (inCI) throw new Error('CI runs as root with tcpdump');
      ctx.skip();
    }
    const port = 40000 + Math.floor(Math.random() * 20000);
    const tcpdump = spawn('tcpdump', ['-U', '-n', '-i', 'lo', '-xx', '-c', '1', `udp dst port ${port}`], { stdio: ['ignore', 'pipe', 'pipe'] });
    let text = '';
    tcpdump.stdout.on('data', (c: Buffer) => (text += c.toString()));
    await new Promise<void>((resolve) => tcpdump.stderr.once('data', () => resolve()));
    const { createSocket } = await import('node:dgram');
    const socket = createSocket('udp4');
    const deadline = Date.now() + 5000;
    const done = new Promise((resolve) => tcpdump.on('close', resolve));
    while (tcpdump.exitCode === null && Date.now() < deadline) {
      socket.send('captured', port, '127.0.0.1');
      await Promise.race([done, new Promise((r) => setTimeout(r, 100))]);
    }
    socket.close();
    tcpdump.kill();
    await done;
    const [packet] = await decodeDump(text);
    expect(packet.layers.map((l) => l.layer)).toEqual(['ethernet', 'ipv4', 'udp', 'raw']);
    expect(packet.layers[2].fields.dstPort).toBe(port);
    expect(packet.layers[3].fields.data).toBe(Buffer.from('captured').toString('hex'));
  });

  it("rawcraft's own decode --dump output, tree and all", async () => {
    const dumped = await runInProcess(['decode', '--dump', '--hex', expected, '--hex', hexOf(UDP6)]);
    expect(dumped.stdout).toMatch(/^0000  45 00 /m);
    expect(await bytesOf(dumped.stdout)).toEqual([expected, hexOf(UDP6)]);
  });

  it('plain hex lines still work, and prose is still refused', async () => {
    expect(await bytesOf(`${expected}\n0x${hexOf(UDP6)}\n`)).toEqual([expected, hexOf(UDP6)]);
    expectInputError(await runInProcess(['decode', '-'], 'hello there\n' + expected + '\n'), /packet 0: not hex \(character "h"\)/);
  });

  it('a dump with a missing line is an error, not a short packet', async () => {
    const text = execFileSync('xxd', [join(dir, 'udp.bin')], { encoding: 'utf8' }).split('\n');
    text.splice(1, 1);
    expectInputError(await runInProcess(['decode', '-'], text.join('\n')), /offset 0x00000020 \(32\) but the packet has 16 bytes so far: a line is missing/);
  });
});

describe('crashes the campaign found', () => {
  it('decode --lax of a UDP length 0 behind an IPv6 fragment header prints the tree (seed 2, case 1540)', async () => {
    // IPv6 / fragment header / UDP whose length field is 0: no checksum can be computed, so none is expected.
    const hex = '6000000000102c400000000000000000000000000000000120010db800000000000000000000000211000000000000000000000000000000000000000005003500090008d1e4';
    const r = await runInProcess(['decode', '--hex', hex, '--lax']);
    expect(r.internal).toBeUndefined();
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/checksum\s+0x0000 \[invalid\]/);
  });
});

describe('scenario files the campaign found', () => {
  it('an empty vary (null) is a scenario error, not a TypeError (seed 1326728436, case 1166)', async () => {
    const file = join(dir, 'vary-null.yaml');
    writeFileSync(file, 'flows:\n  - template: ipv4(dst=192.0.2.1)/udp(dstPort=9)\n    count: 1\n    vary:\n');
    expectInputError(await runInProcess(['traffic', file, '--out', join(dir, 'vary-null.pcapng')]), /vary-null\.yaml:4: flows\[0\]\.vary: expected a mapping/);
  });
});

describe('deep JSON values (issue 16)', () => {
  const deep = (n: number) => '['.repeat(n) + ']'.repeat(n);
  it('formatValue bounds depth and length', () => {
    expect(formatValue(JSON.parse(deep(5000)))).toBe('[[[[...]]]]');
    expect(formatValue('x'.repeat(10_000))).toHaveLength(80);
    expect(formatValue({ get boom() { throw new Error('no'); } })).toBe('<object>');
  });
  it('the encoder throws the typed field error for a list 5,000 deep', () => {
    const error = (() => {
      try {
        encodeLayers([{ layer: 'ipv4', fields: { ttl: JSON.parse(deep(5000)) as unknown } }]);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(FieldValueError);
    expect((error as FieldValueError).field).toBe('ttl');
  });
  it('an expression value nested 5,000 deep (found by the campaign): a column, exit 2', async () => {
    expectInputError(await runInProcess(['build', `ipv4(ttl=${deep(5000)})`]), /expression column 74: lists and objects nest deeper than 64 levels/);
    expectInputError(await runInProcess(['fuzz', `ipv4(flags=${deep(5000)})`]), /nest deeper than 64/);
  });
  it('encode and send of such a JSON line: one line, exit 2', async () => {
    const line = `{"layers":[{"layer":"ipv4","fields":{"ttl":${deep(100_000)}}}]}\n`;
    expectInputError(await runInProcess(['encode', '-'], line), /packet 0: ipv4\.ttl: \[\[\[\[\.\.\.\]\]\]\] is not allowed/);
    expectInputError(await runInProcess(['send', '-', '--transport', `pcapng:${join(dir, 'deep.pcapng')}`], line), /ipv4\.ttl/);
    expect(existsSync(join(dir, 'deep.pcapng'))).toBe(false);
  });
});

describe('scenario sequences past a field (issue 14)', () => {
  const scenario = (extra: string) => `flows:
  - name: ids
    template: ipv4(src=192.0.2.1,dst=198.51.100.2)/udp(dstPort=9)
    count: 70000
    rate: 1000000
    vary:
      ipv4.id: { sequence: { start: 1${extra} } }
`;
  it('wraps modulo the field like a counter', async () => {
    const file = join(dir, 'wrap.yaml');
    writeFileSync(file, scenario(''));
    const out = join(dir, 'wrap.pcapng');
    const r = await runInProcess(['traffic', file, '--out', out]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const ids = parseCapture(readFileSync(out)).map((rec) => rec.data.readUInt16BE(4));
    expect(ids.slice(65533, 65537)).toEqual([65534, 65535, 0, 1]);
    expect(ids).toHaveLength(70000);
  });
  it('wrap: false is refused at load time, naming flow and field, and writes nothing', async () => {
    const file = join(dir, 'nowrap.yaml');
    writeFileSync(file, scenario(', wrap: false'));
    const out = join(dir, 'nowrap.pcapng');
    expectInputError(
      await runInProcess(['traffic', file, '--out', out]),
      /nowrap\.yaml:7: flows\[0\]\.vary\.ipv4\.id\.sequence: flow ids: packet 65535 of 70000 would set ipv4\.id to 65536, past its largest value 65535/,
    );
    expect(readdirSync(dir).filter((f) => f.includes('nowrap.pcapng'))).toEqual([]);
  });
});

describe('a failed run leaves no output file (issue 14)', () => {
  const leftovers = (d: string, name: string) => readdirSync(d).filter((f) => f.includes(name));

  it('encode --pcap with a bad third line: no file, and an existing file is untouched', async () => {
    const out = join(dir, 'enc.pcap');
    const good = JSON.stringify({ layers: [{ layer: 'ipv4', fields: { src: '192.0.2.1', dst: '198.51.100.2' } }, { layer: 'udp' }] });
    const lines = `${good}\n${good}\n{"layers":[{"layer":"ipv4","fields":{"ttl":999}}]}\n`;
    expectInputError(await runInProcess(['encode', '-', '--pcap', out], lines), /packet 2: ipv4\.ttl/);
    expect(leftovers(dir, 'enc.pcap')).toEqual([]);
    writeFileSync(out, 'precious');
    expectInputError(await runInProcess(['encode', '-', '--pcapng', out], lines), /packet 2/);
    expect(readFileSync(out, 'utf8')).toBe('precious');
    expect(leftovers(dir, 'enc.pcap')).toEqual(['enc.pcap']);
  });

  it('send --transport pcap:FILE with a bad later packet', async () => {
    const out = join(dir, 'sent.pcap');
    expectInputError(await runInProcess(['send', '-', '--transport', `pcap:${out}`], `${hexOf(UDP)}\nzz\n`), /packet 1: not hex/);
    expect(leftovers(dir, 'sent.pcap')).toEqual([]);
  });

  it('an unwritable output names the path, not a temporary file', async () => {
    const r = await runInProcess(['build', 'ipv4()/udp()', '--pcap', join(dir, 'no', 'such', 'x.pcap')]);
    expectInputError(r, /cannot write .*no\/such\/x\.pcap: no such directory$/);
    expectInputError(await runInProcess(['fuzz', 'ipv4()/udp()', '--out', dir]), /cannot write .*: it is a directory$/);
  });

  it('a target that is not a regular file (/dev/null) is written directly, with no temporary file beside it', async () => {
    const r = await runInProcess(['fuzz', 'ipv4()/udp()', '--count', '3', '--out', '/dev/null']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(readdirSync('/dev').filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('Ctrl-C during traffic --out removes the partial file (the real process)', async () => {
    const sub = join(dir, 'sigint');
    mkdirSync(sub);
    const file = join(sub, 'big.yaml');
    writeFileSync(file, 'flows:\n  - template: ipv4(src=192.0.2.1,dst=198.51.100.2)/udp(dstPort=9)/raw(hex=00)\n    count: 50000000\n    rate: 1000000\n    vary: { raw.size: { range: [0, 1000] } }\n');
    const child = spawn(process.execPath, [CLI, 'traffic', file, '--out', join(sub, 'big.pcapng')], { stdio: 'ignore' });
    // Wait until the temporary file has grown, then interrupt.
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline && !readdirSync(sub).some((f) => f.endsWith('.tmp'))) await new Promise((r) => setTimeout(r, 20));
    expect(readdirSync(sub).some((f) => f.endsWith('.tmp'))).toBe(true);
    await new Promise((r) => setTimeout(r, 200));
    child.kill('SIGINT');
    const [, signal] = await new Promise<[number | null, string | null]>((resolve) => child.on('close', (c, s) => resolve([c, s])));
    expect(signal).toBe('SIGINT');
    expect(readdirSync(sub)).toEqual(['big.yaml']);
  });
});
