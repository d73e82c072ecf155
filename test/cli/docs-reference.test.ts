/**
 * docs/cli.md is the full reference (issue 14): every command `rawcraft help` lists has a
 * section, and every flag its `--help` shows is documented in that section; its "From code"
 * paragraph is true (ESM only; the try/finally form runs in plain JavaScript, one UDP datagram to
 * 127.0.0.1).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, ROOT } from '../expr/run-cli.js';
import { requireRaw } from '../transport/helpers.js';

const DOC = readFileSync(join(ROOT, 'docs', 'cli.md'), 'utf8');

/** The text of `### NAME` up to the next heading. */
function section(name: string): string | undefined {
  const start = DOC.indexOf(`\n### ${name}\n`);
  if (start < 0) return undefined;
  const end = DOC.indexOf('\n#', start + 5);
  return DOC.slice(start, end < 0 ? undefined : end);
}

describe('docs/cli.md', () => {
  it('documents every command and every flag its --help shows', async () => {
    const help = await cli(['help']);
    const names = help.stdout.split('\ncommands:\n')[1].split('\n\n')[0].split('\n').filter((l) => /^ {2}[a-z]/.test(l)).map((l) => l.trim().split(' ')[0]);
    expect(names.length).toBeGreaterThan(10);
    const missing: string[] = [];
    for (const name of names) {
      const text = section(name);
      if (!text) {
        missing.push(`no section ### ${name}`);
        continue;
      }
      const usage = (await cli([name, '--help'])).stdout;
      const flags = new Set(usage.match(/(?<![\w-])--?[a-zA-Z0-9][\w-]*/g) ?? []);
      for (const flag of flags) if (!new RegExp(`\`[^\`]*${flag}(?![\\w-])`).test(text)) missing.push(`${name} ${flag}`);
    }
    expect(missing).toEqual([]);
  });
});

describe('docs/cli.md, using the package from code (issue 14)', () => {
  const fromCode = DOC.split('\n**From code.**')[1]?.split('\n## ')[0] ?? '';
  const snippet = /```ts\n([\s\S]*?)```/.exec(fromCode)?.[1] ?? '';

  it('says ESM only, and that `await using` needs TypeScript 5.2+ or Node 22+', () => {
    expect(fromCode).toMatch(/ESM only/);
    expect(fromCode).toMatch(/`await using` needs TypeScript 5\.2\+ or Node 22\+/);
    // True of this checkout: no `require` entry point.
    const required = spawnSync(process.execPath, ['-e', "require('rawcraft')"], { cwd: ROOT, encoding: 'utf8' });
    expect(required.status).not.toBe(0);
    expect(required.stderr).toMatch(/ERR_PACKAGE_PATH_NOT_EXPORTED/);
    // And of `await using` in plain JavaScript before Node 22.
    if (Number(process.versions.node.split('.')[0]) < 22) {
      const using = spawnSync(process.execPath, ['--input-type=module', '-e', 'await using t = { async [Symbol.asyncDispose]() {} };'], { encoding: 'utf8' });
      expect(using.stderr).toMatch(/SyntaxError/);
    }
  });

  it('its try/finally form runs as plain JavaScript (an .mjs file importing rawcraft), sending one datagram to 127.0.0.1', (ctx) => {
    requireRaw(ctx);
    expect(snippet).toMatch(/finally \{\n\s+await transport\.close\(\);/);
    const dir = mkdtempSync(join(ROOT, '.snippet-'));
    try {
      const file = join(dir, 'from-code.mjs');
      writeFileSync(file, snippet);
      const r = spawnSync(process.execPath, [file], { cwd: dir, encoding: 'utf8', timeout: 30_000 });
      expect(r.status, r.stderr).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
