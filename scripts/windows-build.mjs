#!/usr/bin/env node
/**
 * Build the Windows-side test program for `npm run test:windows`: transpile src/ and
 * test/windows/remote/ (TypeScript to plain ESM, no type check) into OUT, so Windows node.exe
 * under Wine can run it. Incremental: a file is transpiled again only when its source is newer;
 * outputs without a source are removed.
 *
 *   node scripts/windows-build.mjs OUT
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const outArg = process.argv[2];
if (!outArg) {
  console.error('usage: node scripts/windows-build.mjs OUT');
  process.exit(2);
}
const out = resolve(outArg);

const list = (dir, ext) =>
  existsSync(dir)
    ? readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
        e.isDirectory() ? list(join(dir, e.name), ext) : e.name.endsWith(ext) && !e.name.endsWith('.d.ts') ? [join(dir, e.name)] : [],
      )
    : [];

const wanted = new Set();
let built = 0;
for (const file of [...list(join(root, 'src'), '.ts'), ...list(join(root, 'test', 'windows', 'remote'), '.ts')]) {
  const target = join(out, relative(root, file)).replace(/\.ts$/, '.js');
  wanted.add(target);
  if (existsSync(target) && statSync(target).mtimeMs >= statSync(file).mtimeMs) continue;
  mkdirSync(dirname(target), { recursive: true });
  const { outputText } = ts.transpileModule(readFileSync(file, 'utf8'), {
    fileName: file,
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
  });
  writeFileSync(target, outputText);
  built++;
}
let removed = 0;
for (const js of list(out, '.js')) {
  if (!js.includes(`${join(out, 'node_modules')}`) && !wanted.has(js)) {
    rmSync(js);
    removed++;
  }
}
writeFileSync(join(out, 'package.json'), '{ "type": "module" }\n');
console.log(`windows-build: ${built} transpiled, ${wanted.size - built} up to date, ${removed} removed, in ${out}`);
