/**
 * Byte vectors (test/vectors/*.json): real Linux kernel packets captured by
 * test/vectors/tools/capture.sh and packets encoded by test/vectors/tools/make_vectors.py, an
 * independent Python encoder/decoder written from the RFCs. Every vector names its source.
 * For each one: building its explicit fields gives the bytes, decoding gives the fields, and
 * re-encoding the decoded layers gives the bytes back. Then tshark dissects them all and must
 * agree field by field, with no checksum or malformed-packet warning.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { decode, encodeLayers, firstLayerFor, internetChecksum, layersFromJson, packet, packetToJson, type EncodableLayer, type StepBase } from '../../src/index.js';
import { dissect, LINKTYPE, PI_CHECKSUM, PI_ERROR, PI_MALFORMED, TSHARK_FIELDS, TSHARK_PROTOCOL, tsharkAvailable, tsharkExpectations, type JsonLayer } from './tshark.js';

interface Vector {
  name: string;
  source: string;
  hex: string;
  from: string;
  layers: JsonLayer[];
  build: EncodableLayer[];
  /** The capture link type when `from` alone does not say it (PPP_HDLC 50, DLT_RAW 12 and 14). */
  linkType?: number;
  /** The capture file's byte order when it matters (`big`: host-order NFLOG TLVs of a big-endian writer). */
  fileByteOrder?: 'little' | 'big';
  /** Set when the library is known to get this vector wrong (see the reply that added it). */
  knownBug?: string;
}

/** Every vector file in test/vectors (checksum.json holds checksum vectors, not packets): a new protocol's file is found, not listed. */
const FILES = readdirSync(new URL('../vectors/', import.meta.url))
  .filter((f) => f.endsWith('.json') && f !== 'checksum.json')
  .map((f) => f.slice(0, -'.json'.length))
  .sort();
const load = <T>(name: string): T => JSON.parse(readFileSync(new URL(`../vectors/${name}.json`, import.meta.url), 'utf8')) as T;
const vectorsByFile = FILES.map((file) => ({ file, vectors: load<Vector[]>(file) }));
const allVectors = vectorsByFile.flatMap(({ file, vectors }) => vectors.map((v) => ({ file, ...v })));

const camel = (name: string) => name.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());

/** The same layers through the fluent builder: packet().ipv4({...}).udp({...})... */
function fluent(build: readonly EncodableLayer[]): StepBase {
  let step = packet() as unknown as Record<string, (arg?: unknown) => unknown>;
  for (const l of build) {
    step = step[camel(l.layer)](l.fields ?? {}) as typeof step;
    if (l.trailer !== undefined) step = (step as unknown as StepBase).trailer(l.trailer) as unknown as typeof step;
  }
  return step as unknown as StepBase;
}

describe('Internet checksum vectors (test/vectors/checksum.json)', () => {
  const vectors = load<{ name: string; source: string; hex: string; sum: number; checksum: number }[]>('checksum');
  it.each(vectors.map((v) => [v.name, v] as const))('%s', (_name, v) => {
    expect(v.source).toMatch(/^RFC \d+ section \d/);
    expect(internetChecksum(Buffer.from(v.hex, 'hex'))).toBe(v.checksum);
    // The checksum is the one's complement of the folded sum.
    expect((~v.sum & 0xffff) >>> 0).toBe(v.checksum);
  });
});

describe('the vector files', () => {
  it('cover every protocol the brief lists', () => {
    const names = new Set(allVectors.map((v) => v.name));
    for (const n of ['record-route', 'lsrr-tcp', 'ssrr-udp-in-progress', 'timestamp-only', 'timestamp-with-addresses', 'timestamp-prespecified',
      'router-alert', 'unknown-option', 'echo-request', 'port-unreachable', 'fragmentation-needed', 'redirect-host', 'time-exceeded',
      'parameter-problem', 'timestamp-request', 'udp-checksum-zero', 'udp-computed-zero', 'syn-ecn', 'all-flags', 'vlan-8021q', 'vlan-qinq',
      'sll-outgoing-udp', 'sll2-echo-request', 'sll2-llc', 'raw-ip-dlt-12', 'raw-ip-dlt-14', 'null-ipv4-little-endian', 'null-ipv4-big-endian',
      'loop-ipv4', 'ppp-ipv4', 'ppp-acfc-pfc', 'ppp-hdlc-ipv4', 'cisco-hdlc-ipv4', 'cisco-hdlc-in-ppp-hdlc', 'pktap-lo0-null', 'pktap-en0-ethernet', 'pktap-utun-raw', 'nflog-ipv4-prefix', 'nflog-big-endian', 'wlan-data-to-ds', 'wlan-qos-data-from-ds', 'wlan-four-address', 'wlan-beacon',
      'wlan-ack', 'radiotap-common-fields', 'radiotap-fcs', 'radiotap-extended-present', 'ethernet-8023-stp', 'ethernet-8023-snap-ipv4']) {
      expect(names, n).toContain(n);
    }
    expect(allVectors.length).toBeGreaterThanOrEqual(40);
  });

  // The JSON is the output of the independent Python encoder/decoder: hand edits would cut that tie.
  const python = spawnSync('python3', ['--version'], { stdio: 'ignore' }).status === 0;
  (python ? it : it.skip)('are exactly what tools/make_vectors.py writes', () => {
    const script = fileURLToPath(new URL('../vectors/tools/make_vectors.py', import.meta.url));
    const run = spawnSync('python3', [script, '--check'], { encoding: 'utf8', timeout: 30_000 });
    expect(run.stdout + run.stderr).toBe('');
    expect(run.status).toBe(0);
  });

  it.each(allVectors.map((v) => [`${v.file}: ${v.name}`, v] as const))('%s names its source', (_n, v) => {
    expect(v.source).toMatch(/RFC \d+|IEEE 802|LINKTYPE_[A-Z0-9_]+|radiotap\.org/);
    expect(v.source).toMatch(/captures\/[a-z0-9-]+\.pcap frame \d+|Encoded by tools\/make_vectors\.py/);
    // The first layer is the one the capture's link type names.
    const first = firstLayerFor(v.linkType ?? LINKTYPE[v.from], Buffer.from(v.hex, 'hex'));
    expect(first === 'auto' ? ['auto', 'ipv4'] : [first]).toContain(v.from);
    expect(Buffer.from(v.hex, 'hex').toString('hex')).toBe(v.hex);
  });
});

for (const { file, vectors } of vectorsByFile) {
  describe(`vectors: ${file}.json`, () => {
    for (const v of vectors) {
      const bytes = Buffer.from(v.hex, 'hex');
      // A known library bug makes the first two checks fail; they are expected to until it is fixed.
      const buggy = v.knownBug ? it.fails : it;

      describe(v.name, () => {
        buggy('build gives the hex', () => {
          expect(encodeLayers(layersFromJson({ layers: v.build }, 0)).toString('hex')).toBe(v.hex);
          expect(fluent(v.build).encode().toString('hex')).toBe(v.hex);
        });

        buggy('decode gives the fields', () => {
          const decoded = decode(bytes, { from: v.from });
          expect(packetToJson(0, decoded).layers).toEqual(v.layers);
          // Issues are only allowed inside a datagram quoted by an ICMP error (usually cut short).
          const quoteAt = quotedOffset(v.layers);
          for (const issue of decoded.issues) expect(issue.offset).toBeGreaterThanOrEqual(quoteAt);
        });

        it('re-encode gives the hex', () => {
          expect(encodeLayers(decode(bytes, { from: v.from }).layers as unknown as EncodableLayer[]).toString('hex')).toBe(v.hex);
          expect(encodeLayers(decode(bytes, { from: v.from, mode: 'lax' }).layers as unknown as EncodableLayer[]).toString('hex')).toBe(v.hex);
          const json = JSON.parse(JSON.stringify(packetToJson(0, decode(bytes, { from: v.from })))) as unknown;
          expect(encodeLayers(layersFromJson(json, 0)).toString('hex')).toBe(v.hex);
        });
      });
    }
  });
}

/** Byte offset where the first ICMP-quoted layer starts (Infinity when none). */
function quotedOffset(layers: readonly JsonLayer[]): number {
  const i = layers.findIndex((l) => l.layer === 'icmp' && [3, 4, 5, 11, 12, 'destination-unreachable', 'source-quench', 'redirect', 'time-exceeded', 'parameter-problem'].includes(l.fields.type));
  if (i < 0) return Infinity;
  // Offsets are not in the JSON: re-derive from the build by encoding the layers above the quote.
  return encodeLayers(layers.slice(0, i + 1).map((l) => ({ layer: l.layer, fields: l.fields }))).length;
}

describe('tshark agrees with every vector', () => {
  const ci = process.env.CI === 'true';
  const results = new Map<string, Record<string, string>>();

  beforeAll(async () => {
    if (!tsharkAvailable) return;
    const groups = new Map<string, typeof allVectors>();
    for (const v of allVectors) {
      const key = `${v.linkType ?? LINKTYPE[v.from]}/${v.fileByteOrder ?? 'little'}`;
      groups.set(key, [...(groups.get(key) ?? []), v]);
    }
    await Promise.all(
      [...groups].map(async ([key, vs]) => {
        const [linkType, byteOrder] = key.split('/');
        const rows = await dissect(vs.map((v) => Buffer.from(v.hex, 'hex')), Number(linkType), TSHARK_FIELDS, byteOrder as 'little' | 'big');
        vs.forEach((v, i) => results.set(`${v.file}/${v.name}`, rows[i]));
      }),
    );
  }, 60_000);

  if (!tsharkAvailable && ci) {
    it('tshark is installed (required on CI)', () => {
      throw new Error('tshark is not on the PATH: install it (apt-get install tshark) so the vectors are checked against Wireshark');
    });
    return;
  }
  const check = tsharkAvailable ? it : it.skip;

  for (const v of allVectors) {
    check(`${v.file}: ${v.name}`, () => {
      const row = results.get(`${v.file}/${v.name}`)!;
      const expected = tsharkExpectations(v.layers);
      const actual = Object.fromEntries(Object.keys(expected).map((k) => [k, row[k]]));
      expect(actual).toEqual(expected);
      // tshark's protocol chain has every layer we decoded, in the same order.
      const chain = row['frame.protocols'].split(':');
      const ours = v.layers.filter((l) => l.layer !== 'raw').map((l) => TSHARK_PROTOCOL[l.layer] ?? `(no tshark protocol name for layer '${l.layer}': add it to TSHARK_PROTOCOL)`);
      let at = 0;
      for (const p of ours) {
        at = chain.indexOf(p, at);
        expect(at, `${p} in ${row['frame.protocols']}`).toBeGreaterThanOrEqual(0);
        at++;
      }

      // No checksum or malformed-packet expert info, nothing of error severity.
      const groups = row['_ws.expert.group'] ? row['_ws.expert.group'].split('|').map(Number) : [];
      const severities = row['_ws.expert.severity'] ? row['_ws.expert.severity'].split('|').map(Number) : [];
      const messages = row['_ws.expert.message'];
      expect(groups.filter((g) => g === PI_CHECKSUM || g === PI_MALFORMED), messages).toEqual([]);
      expect(severities.filter((s) => s >= PI_ERROR), messages).toEqual([]);
      expect(row['_ws.malformed']).toBe('');

      // Checksum verdicts: tshark never finds a bad one (status 0); where the outermost layer of
      // a kind is valid for us it is good for tshark (1), where unverifiable it is unverified (2, 3).
      for (const [layer, field] of [['ipv4', 'ip'], ['icmp', 'icmp'], ['udp', 'udp'], ['tcp', 'tcp'], ['gre', 'gre'], ['igmp', 'igmp']] as const) {
        const statuses = row[`${field}.checksum.status`] ? row[`${field}.checksum.status`].split('|') : [];
        expect(statuses, `${field}.checksum.status`).not.toContain('0');
        const first = v.layers.find((l) => l.layer === layer);
        if (!first?.checksum || first !== v.layers.filter((l) => l.layer === layer)[0] || quotedBefore(v.layers, first)) continue;
        if (first.checksum.status === 'valid') expect(statuses[0], `${field}.checksum.status`).toBe('1');
        if (first.checksum.status === 'unverifiable') expect(['2', '3', undefined], `${field}.checksum.status`).toContain(statuses[0]);
      }
    });
  }
});

/** Whether a layer sits inside an ICMP-quoted datagram. */
function quotedBefore(layers: readonly JsonLayer[], layer: JsonLayer): boolean {
  const at = layers.indexOf(layer);
  return layers.slice(0, at).some((l) => l.layer === 'icmp');
}
