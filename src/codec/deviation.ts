/**
 * Deviations from an RFC that still leave the packet parseable: a length or padding field that
 * the RFC forbids, which the decoder reads anyway (lenient in what it reads) and reports exactly
 * (an issue in lax mode, an error in strict mode, through DecodeContext.report). Each protocol
 * declares its rules as data, one list per protocol file, every rule citing the RFC section that
 * makes it a rule; reports name the layer, the field, the byte offset and that section.
 */
import { ContentError } from './errors.js';

/** One rule: what a field must be, and where an RFC says so. */
export interface DeviationRule {
  /** The field, as in decoded fields (`ihl`, `options[].length`); a report may name the exact index. */
  readonly field: string;
  /** What the RFC allows, said as the expected value. */
  readonly expected: string;
  /** The section that says so, e.g. `RFC 791 section 3.1`. */
  readonly rfc: string;
}

/**
 * A field deviates from its RFC (a ContentError, so existing handlers treat it as one), citing the rule.
 * @example
 * {@includeCode ../../examples/api-codec.ts#deviations}
 */
export class DeviationError extends ContentError {
  constructor(
    layer: string,
    offset: number,
    field: string,
    value: unknown,
    expected: string,
    /** The rule's name in its protocol's list, e.g. `ihl`. */
    readonly rule: string,
    /** The RFC section the rule comes from. */
    readonly rfc: string,
  ) {
    super(layer, offset, field, value, `${expected} (${rfc})`);
  }
}

/** A protocol's rules, and the errors they make. */
export interface DeviationRules<K extends string> {
  readonly layer: string;
  readonly rules: Readonly<Record<K, DeviationRule>>;
  /**
   * The error for `rule` broken by `value` at `offset`; `field` names the exact field when the
   * rule's is generic (`options[3].length`), `expected` says more when it depends on the packet,
   * `rfc` names the section of the very item when the rule covers many (SCTP chunk kinds).
   */
  error(rule: K, offset: number, value: unknown, detail?: { readonly field?: string; readonly expected?: string; readonly rfc?: string }): DeviationError;
}

const registered: { readonly layer: string; readonly name: string; readonly rule: DeviationRule }[] = [];

/**
 * Declare a protocol's rules (once, at module load). `prefix` tells apart rule sets that one
 * codec makes several of (SCTP's chunk, parameter and cause lists: `chunks-length`...).
 */
export function deviationRules<K extends string>(layer: string, rules: Readonly<Record<K, DeviationRule>>, prefix = ''): DeviationRules<K> {
  for (const [name, rule] of Object.entries<DeviationRule>(rules)) registered.push({ layer, name: prefix + name, rule });
  return {
    layer,
    rules,
    error(rule, offset, value, detail) {
      const r = rules[rule];
      return new DeviationError(layer, offset, detail?.field ?? r.field, value, detail?.expected ?? r.expected, prefix + rule, detail?.rfc ?? r.rfc);
    },
  };
}

/**
 * Every rule declared so far, for documentation and for the test that each one has a test.
 * @example
 * {@includeCode ../../examples/api-codec.ts#deviations}
 */
export function allDeviationRules(): readonly { readonly layer: string; readonly name: string; readonly rule: DeviationRule }[] {
  return registered;
}
