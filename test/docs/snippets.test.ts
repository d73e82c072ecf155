/**
 * Every TypeScript snippet in README.md and docs/*.md compiles against the package as users
 * import it (`from 'rawcraft'`, the package's own exports): the snippets are written into a
 * folder inside the checkout and type-checked with the project's compiler settings.
 * (Commands in sh blocks are run by commands.test.ts.)
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../transport/helpers.js';

function snippets(): { name: string; code: string }[] {
  const files = ['README.md', ...readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];
  return files.flatMap((file) =>
    [...readFileSync(join(ROOT, file), 'utf8').matchAll(/```ts\n([\s\S]*?)```/g)].map((m, i) => ({ name: `${file.replace(/[/.]/g, '_')}_${i}.ts`, code: m[1] })),
  );
}

describe('documentation snippets', () => {
  it('every ```ts block of README.md and docs/ type-checks', () => {
    const list = snippets();
    expect(list.length).toBeGreaterThan(4);
    const dir = join(ROOT, '.cache', 'doc-snippets');
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    try {
      // `export {}` makes each a module, so top-level await and names do not clash between snippets.
      for (const s of list) writeFileSync(join(dir, s.name), `${s.code}\nexport {};\n`);
      writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ extends: '../../tsconfig.json', compilerOptions: { noEmit: true, rootDir: '../..' }, include: ['./*.ts'] }));
      const tsc = spawnSync(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(dir, 'tsconfig.json')], { encoding: 'utf8' });
      expect(tsc.stdout + tsc.stderr).toBe('');
      expect(tsc.status).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
