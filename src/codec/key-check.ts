/**
 * Checks that a fields object has no key outside a set of known names. A string switch over the
 * known names is several times cheaper per key than a Set lookup, and a typo must never be
 * silently dropped.
 */

/**
 * The statement that runs `onUnknown` (code, e.g. `return undefined;`) for the first key of
 * `object` (an expression) outside `names`; `extraCases` are more `case` clauses (with their own
 * `break`). Generated encoders inline it: a call per layer costs as much as the check.
 */
export function keyCheckCode(names: Iterable<string>, object: string, onUnknown: string, extraCases = ''): string {
  const cases = [...names].map((n) => `case ${JSON.stringify(n)}:`).join(' ');
  return `for (const k in ${object}) { switch (k) { ${cases} break;${extraCases} default: ${onUnknown} } }`;
}

/** A generated check returning the first key of a fields object outside `names`, or undefined; `name` names it in profiles. */
export function keyChecker(names: Iterable<string>, name: string): (fields: object) => string | undefined {
  const id = name.replace(/\W+/g, '_');
  const src = `return function keys_${id}(f) { ${keyCheckCode(names, 'f', 'return k;')} return undefined; };\n//# sourceURL=rawcraft/keys/${id}.js`;
  return new Function(src)() as (fields: object) => string | undefined;
}
