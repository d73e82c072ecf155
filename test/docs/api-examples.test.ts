/**
 * The `@example`s of the API reference are code that runs: every `{@includeCode PATH#REGION}` in a
 * doc comment under src/ names a file of examples/ (compiled with the project, and run and checked
 * by test/examples/examples.test.ts) and a `// #region REGION` ... `// #endregion REGION` in it,
 * as typedoc needs (`npm run docs` fails on a missing one too, but only CI runs it). And the main
 * exports of src/index.ts have an example and say what they throw.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../transport/helpers.js';

const sources = readdirSync(join(ROOT, 'src'), { recursive: true, encoding: 'utf8' })
  .filter((f) => f.endsWith('.ts'))
  .map((f) => join(ROOT, 'src', f));

const includes = sources.flatMap((file) =>
  [...readFileSync(file, 'utf8').matchAll(/\{@includeCode ([^#}\s]+)#([^}\s]+)\}/g)].map((m) => ({ file: relative(ROOT, file), target: join(dirname(file), m[1]), region: m[2] })),
);

/** The doc comment right above `export ... NAME`, in a file of src/. */
function docOf(file: string, name: string): string {
  const text = readFileSync(join(ROOT, file), 'utf8');
  const at = text.search(new RegExp(`^export (async )?(function\\*? |const )${name}\\b`, 'm'));
  expect(at, `${file} exports ${name}`).toBeGreaterThan(0);
  const before = text.slice(0, at);
  return /\/\*\*((?:(?!\*\/)[\s\S])*)\*\/\s*$/.exec(before)?.[1] ?? '';
}

describe('API reference examples', () => {
  it('are included from examples/ regions that exist', () => {
    expect(includes.length).toBeGreaterThanOrEqual(30);
    for (const inc of includes) {
      expect(relative(ROOT, inc.target), `${inc.file}`).toMatch(/^examples\/[\w-]+\.ts$/);
      expect(existsSync(inc.target), `${inc.file}: ${inc.target}`).toBe(true);
      const lines = readFileSync(inc.target, 'utf8').split('\n').map((l) => l.trim());
      const start = lines.indexOf(`// #region ${inc.region}`);
      expect(start, `${inc.file}: region ${inc.region} in ${inc.target}`).toBeGreaterThanOrEqual(0);
      expect(lines.indexOf(`// #endregion ${inc.region}`), `${inc.file}: the end of region ${inc.region}`).toBeGreaterThan(start);
    }
  });

  const MAIN: [string, string, boolean][] = [
    // file, export, throws something a caller can cause
    ['src/builders/packet.ts', 'ipv4', true],
    ['src/builders/packet.ts', 'ipv6', true],
    ['src/builders/packet.ts', 'ethernet', true],
    ['src/builders/packet.ts', 'packet', true],
    ['src/codec/decode.ts', 'decode', true],
    ['src/codec/encode.ts', 'encodeLayers', true],
    ['src/codec/fragment.ts', 'fragment', true],
    ['src/capture/reader.ts', 'readCapture', true],
    ['src/capture/reader.ts', 'parseCapture', true],
    ['src/capture/writers.ts', 'createCaptureWriter', true],
    ['src/transport/transports/open-transport.ts', 'openTransport', true],
    ['src/transport/request/match.ts', 'request', true],
    ['src/transport/request/request-many.ts', 'requestMany', true],
    ['src/transport/request/ping.ts', 'ping', true],
    ['src/transport/request/traceroute.ts', 'traceroute', true],
    ['src/transport/preflight/preflight.ts', 'preflight', true],
    ['src/expr/parse.ts', 'parse', true],
    ['src/fuzz/fuzz.ts', 'fuzz', true],
    ['src/traffic/scenario.ts', 'loadScenario', true],
    ['src/traffic/generate.ts', 'generateTraffic', false],
  ];
  for (const [file, name, throws] of MAIN) {
    it(`${name} (${file}) has a summary, an @example from examples/${throws ? ' and its @throws' : ''}`, () => {
      const doc = docOf(file, name);
      expect(doc.replace(/^\s*\*\s?/gm, '').split('\n@')[0].trim().length, 'a summary').toBeGreaterThan(20);
      expect(doc).toMatch(/@example\s*\n\s*\*\s*\{@includeCode [^}]*examples\/[\w-]+\.ts#[\w-]+\}/);
      if (throws) expect(doc).toMatch(/@throws \{@link \w+Error\}/);
    });
  }
});
