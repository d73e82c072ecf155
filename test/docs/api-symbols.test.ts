/**
 * Every symbol the package exports (src/index.ts and what it re-exports, enumerated with the
 * TypeScript compiler API: the list `import ... from 'rawcraft'` sees, the same as the built
 * dist/src/index.d.ts exports; the sources, because the throw analysis needs function bodies) is
 * documented in the API reference (issue 15):
 * - every one has a summary;
 * - every function and class (and each of MAIN_TYPES) has an `@example` that is a
 *   `{@includeCode ../examples/FILE.ts#REGION}` of a region that exists and names the symbol:
 *   examples/ is compiled with the project and run by test/examples/examples.test.ts;
 * - every function and class whose code throws a typed error (a RawcraftError subclass, thrown in
 *   its body or, up to CALL_DEPTH calls down, in a function of src/ it calls) says so with
 *   `@throws {@link SomeError} when`, unless THROWS_NOTHING says why a caller cannot cause it;
 *   and every `@throws` names an exported error class.
 * A failure names every symbol that misses something, with what it misses.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../transport/helpers.js';
import { ensureBuilt } from '../transport/built-cli.js';

/** Types central enough to deserve an example of their own, not only a summary. */
const MAIN_TYPES = ['Transport', 'DecodedPacket', 'Layer', 'Finding', 'Scenario', 'CaptureRecord'];

/**
 * Functions and classes whose code reaches a `throw` of a typed error that a caller cannot cause
 * (the analysis is by name, so it also follows paths a valid call never takes), with the reason.
 */
const THROWS_NOTHING: Record<string, string> = {
  createMemoryPair: 'makes two MemoryTransports; the errors the analysis finds are those of their send and receive, documented on MemoryTransport',
};

/** How many calls down a typed `throw` still counts as the caller's. */
const CALL_DEPTH = 3;

const entry = join(ROOT, 'src', 'index.ts');
const program = ts.createProgram([entry], {
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  target: ts.ScriptTarget.ES2022,
  strict: true,
  noEmit: true,
  skipLibCheck: true,
  types: ['node'],
});
const checker = program.getTypeChecker();
const SRC = join(ROOT, 'src') + '/';

interface Exported {
  readonly name: string;
  readonly kind: 'function' | 'class' | 'constant' | 'type';
  readonly file: string;
  readonly declarations: readonly ts.Declaration[];
  /** The doc comments of the symbol (and of a function's signatures), as written. */
  readonly docs: readonly string[];
}

const resolve = (s: ts.Symbol): ts.Symbol => (s.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(s) : s);

function docsOf(declarations: readonly ts.Declaration[]): string[] {
  return declarations.flatMap((d) => {
    const host = ts.isVariableDeclaration(d) ? d.parent.parent : d;
    return ts.getJSDocCommentsAndTags(host).filter(ts.isJSDoc).map((doc) => doc.getText());
  });
}

function kindOf(symbol: ts.Symbol, decl: ts.Declaration): Exported['kind'] {
  if (ts.isFunctionDeclaration(decl)) return 'function';
  if (ts.isClassDeclaration(decl)) return 'class';
  if (ts.isVariableDeclaration(decl)) return checker.getTypeOfSymbol(symbol).getCallSignatures().length > 0 ? 'function' : 'constant';
  return 'type';
}

const moduleSymbol = checker.getSymbolAtLocation(program.getSourceFile(entry)!)!;
const EXPORTS: Exported[] = checker.getExportsOfModule(moduleSymbol).map((exp) => {
  const symbol = resolve(exp);
  const declarations = symbol.declarations ?? [];
  return { name: exp.name, kind: kindOf(symbol, declarations[0]), file: relative(ROOT, declarations[0].getSourceFile().fileName), declarations, docs: docsOf(declarations) };
});
const exportedNames = new Set(EXPORTS.map((e) => e.name));

/** The names dist/src/index.d.ts exports: what the package ships (and editors show), checked to be the same list. */
function shippedNames(): string[] {
  const dts = join(ROOT, 'dist', 'src', 'index.d.ts');
  const shipped = ts.createProgram([dts], { module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, noEmit: true, skipLibCheck: true, types: ['node'] });
  const c = shipped.getTypeChecker();
  return c.getExportsOfModule(c.getSymbolAtLocation(shipped.getSourceFile(dts)!)!).map((s) => s.name);
}

/** The summary: a doc comment's text before its first block tag. */
function summaryOf(doc: string): string {
  const text = doc.replace(/^\/\*\*|\*\/$/g, '').replace(/^\s*\*\s?/gm, '');
  return text.split(/^@/m)[0].trim();
}

/** Whether a class derives from RawcraftError (the typed errors of the package). */
function isTypedError(type: ts.Type): boolean {
  const seen = new Set<ts.Type>();
  const walk = (t: ts.Type): boolean => {
    if (seen.has(t)) return false;
    seen.add(t);
    if (t.getSymbol()?.getName() === 'RawcraftError') return true;
    const target = (t as ts.TypeReference).target ?? t;
    return (target.isClass() ? checker.getBaseTypes(target) : []).some(walk);
  };
  return walk(type);
}

const thrownMemo = new Map<ts.Node, Set<string>>();

/** Typed errors thrown in a declaration's code, or in the functions of src/ it calls, `depth` calls down. */
function thrownIn(decl: ts.Node, depth: number): Set<string> {
  const memo = thrownMemo.get(decl);
  if (memo && depth === CALL_DEPTH) return memo;
  const found = new Set<string>();
  if (depth === CALL_DEPTH) thrownMemo.set(decl, found); // cycles see the set as it grows
  const visit = (node: ts.Node): void => {
    if (ts.isThrowStatement(node) && node.expression) {
      const type = checker.getTypeAtLocation(node.expression);
      if (isTypedError(type)) found.add(type.getSymbol()!.getName());
    }
    if (depth > 0 && (ts.isCallExpression(node) || ts.isNewExpression(node))) {
      const at = checker.getSymbolAtLocation(ts.isPropertyAccessExpression(node.expression) ? node.expression.name : node.expression);
      for (const callee of (at ? resolve(at).declarations : undefined) ?? []) {
        if (!callee.getSourceFile().fileName.startsWith(SRC) || callee === decl) continue;
        for (const e of thrownIn(callee, depth - 1)) found.add(e);
      }
    }
    ts.forEachChild(node, visit);
  };
  ts.forEachChild(decl, visit);
  return found;
}

/** `{@includeCode PATH#REGION}` of an @example: the file exists and its region names the symbol. */
function exampleProblems(e: Exported, doc: string): string[] {
  const includes = [...doc.matchAll(/@example\s*\n\s*\*\s*\{@includeCode ([^#}\s]+)#([\w-]+)\}/g)];
  if (includes.length === 0) return ['an @example ({@includeCode ../examples/FILE.ts#REGION})'];
  return includes.flatMap(([, path, region]) => {
    const file = join(ROOT, dirname(e.file), path);
    if (!/^examples\/[\w-]+\.ts$/.test(relative(ROOT, file)) || !existsSync(file)) return [`an example file of examples/ (${path})`];
    const text = readFileSync(file, 'utf8');
    const body = new RegExp(`// #region ${region}\\n([\\s\\S]*?)// #endregion ${region}\\n`).exec(text)?.[1];
    if (body === undefined) return [`region ${region} in ${path}`];
    return new RegExp(`\\b${e.name}\\b`).test(body) ? [] : [`its name in region ${region} of ${path}`];
  });
}

describe('the API reference documents every export (issue 15)', () => {
  it('enumerates the exports', async () => {
    await ensureBuilt();
    expect(EXPORTS.length).toBeGreaterThan(300);
    const byName = Object.fromEntries(EXPORTS.map((e) => [e.name, e.kind]));
    expect(byName).toMatchObject({ decode: 'function', ipv4: 'function', RawSocket: 'class', LinkType: 'constant', TcpFields: 'type' });
    expect(shippedNames().sort(), 'dist/src/index.d.ts exports what src/index.ts does').toEqual([...exportedNames].sort());
    // The analysis finds a typed throw through calls: openLinkTransport's LinkError is thrown by its callees.
    const open = EXPORTS.find((e) => e.name === 'openLinkTransport')!.declarations[0];
    expect([...thrownIn(open, 0)]).not.toContain('LinkError');
    expect([...thrownIn(open, CALL_DEPTH)]).toContain('LinkError');
  });

  it('every export has a summary', () => {
    const missing = EXPORTS.filter((e) => !e.docs.some((d) => summaryOf(d).length >= 10)).map((e) => `${e.name} (${e.file})`);
    expect(missing, 'exports without a summary').toEqual([]);
  });

  it('every function, class and main type has an @example from a region of examples/ that uses it', () => {
    const needing = EXPORTS.filter((e) => e.kind === 'function' || e.kind === 'class' || MAIN_TYPES.includes(e.name));
    expect(needing.length).toBeGreaterThan(100);
    const missing = needing.flatMap((e) => {
      const problems = e.docs.map((d) => exampleProblems(e, d));
      return problems.some((p) => p.length === 0) ? [] : [`${e.name} (${e.file}): needs ${[...new Set(problems.flat())].join('; ') || 'a doc comment'}`];
    });
    expect(missing, 'exports without a runnable example').toEqual([]);
  });

  it('every function and class that throws a typed error says which, with @throws', () => {
    const missing: string[] = [];
    for (const e of EXPORTS.filter((x) => x.kind === 'function' || x.kind === 'class')) {
      const thrown = new Set(e.declarations.flatMap((d) => [...thrownIn(d, CALL_DEPTH)]));
      const named = e.docs.flatMap((d) => [...d.matchAll(/@throws \{@link (\w+)\}/g)].map((m) => m[1]));
      const unknown = named.filter((n) => !exportedNames.has(n));
      if (unknown.length > 0) missing.push(`${e.name} (${e.file}): @throws names ${unknown.join(', ')}, not exported`);
      if (thrown.size > 0 && named.length === 0 && !(e.name in THROWS_NOTHING)) missing.push(`${e.name} (${e.file}): throws ${[...thrown].join(', ')} but has no @throws`);
    }
    expect(missing).toEqual([]);
  });

  it('THROWS_NOTHING lists exports only, each with a reason', () => {
    for (const [name, reason] of Object.entries(THROWS_NOTHING)) {
      expect(exportedNames.has(name), name).toBe(true);
      expect(reason.length, name).toBeGreaterThan(15);
    }
  });
});
