/**
 * Code blocks of the guides that show a file kept elsewhere: a block right after
 * `<!-- mirrors PATH -->` must be that whole file; after `<!-- mirrors PATH#REGION -->`, that
 * file's `// #region REGION` ... `// #endregion`
 * (dedented), the block's own `import` lines aside (a block imports from 'rawcraft' so that
 * snippets.test.ts can compile it alone; the file imports once, at its top). A ```typescript
 * block instead of ```ts is not compiled alone (it imports a file the guide showed before), only
 * as part of its file. The files are
 * examples/ (run by test/examples/) and tests (run themselves), so what a guide shows is code
 * that runs, and cannot drift from it.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../transport/helpers.js';

interface Mirror {
  readonly doc: string;
  readonly line: number;
  readonly path: string;
  /** A `// #region` of a TypeScript file; undefined: the whole file (a scenario, say). */
  readonly region: string | undefined;
  readonly code: string;
}

function mirrorsIn(doc: string): Mirror[] {
  const lines = readFileSync(join(ROOT, doc), 'utf8').split('\n');
  const found: Mirror[] = [];
  lines.forEach((line, i) => {
    const m = /^<!-- mirrors ([^\s#]+)(?:#(\S+))? -->$/.exec(line.trim());
    if (!m) return;
    const open = lines.findIndex((l, j) => j > i && l.trim() !== '');
    if (!/^```\w+\s*$/.test(lines[open])) throw new Error(`${doc}:${i + 1}: a mirrors comment must be followed by a code block`);
    const close = lines.findIndex((l, j) => j > open && /^```\s*$/.test(l));
    found.push({ doc, line: i + 1, path: m[1], region: m[2], code: lines.slice(open + 1, close).join('\n') });
  });
  return found;
}

/** The lines of `// #region NAME` in a file, dedented. */
function region(path: string, name: string): string {
  const lines = readFileSync(join(ROOT, path), 'utf8').split('\n');
  const start = lines.findIndex((l) => l.trim() === `// #region ${name}`);
  if (start < 0) throw new Error(`${path} has no region ${name}`);
  const end = lines.findIndex((l, j) => j > start && /^\/\/ #endregion( \S+)?$/.test(l.trim()));
  const body = lines.slice(start + 1, end);
  const indent = Math.min(...body.filter((l) => l.trim() !== '').map((l) => /^ */.exec(l)![0].length));
  return body.map((l) => l.slice(indent)).join('\n').trim();
}

/** A block without its import lines (single-line `import ... from '...';`). */
const withoutImports = (code: string) =>
  code
    .split('\n')
    .filter((l) => !/^import .* from '[^']+';$/.test(l))
    .join('\n')
    .trim();

const docs = ['README.md', ...readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];
const MIRRORS = docs.flatMap(mirrorsIn);

describe('code blocks that mirror examples and tests', () => {
  it('are found', () => {
    expect(MIRRORS.filter((m) => m.doc === 'docs/guide-scripting.md').length).toBeGreaterThanOrEqual(6);
    expect(MIRRORS.filter((m) => m.doc === 'docs/writing-a-transport.md').length).toBe(2);
    expect(MIRRORS.filter((m) => m.doc === 'docs/guide-ci-traffic.md').length).toBe(1);
  });
  for (const m of MIRRORS) {
    it(`${m.doc}:${m.line} is ${m.path}${m.region ? `#${m.region}` : ''}`, () => {
      if (m.region === undefined) {
        expect(m.code.trim()).toBe(readFileSync(join(ROOT, m.path), 'utf8').trim());
        return;
      }
      const expected = region(m.path, m.region);
      // A region with its own imports is a whole file (a protocol a guide tells you to write): all of it is compared.
      if (/^import /m.test(expected)) {
        expect(m.code.trim()).toBe(expected);
        return;
      }
      expect(withoutImports(m.code)).toBe(expected);
      // The block imports from the package (or Node, ts-pattern, a file the guide showed), as a reader would.
      for (const spec of m.code.matchAll(/ from '([^']+)';/g)) expect(spec[1]).toMatch(/^(rawcraft|ts-pattern|node:.+|\.\/.+)$/);
    });
  }
});
