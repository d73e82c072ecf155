/**
 * Field kinds of a fixed header. A header is a list of these, packed most significant bit first,
 * exactly as the RFC diagrams draw them. `compileHeader` turns the list into straight-line
 * read and write functions.
 */

export interface FieldBase {
  readonly name: string;
  /** One line for docs and printing. */
  readonly doc: string;
  /**
   * `auto`: computed by the protocol when left out (lengths, next-protocol numbers).
   * `checksum`: written as 0 first, then computed innermost-first when left out.
   */
  readonly role?: 'auto' | 'checksum';
  /**
   * Left out, the value comes from the layer's fast form `auto` (a default that depends on the
   * layer that follows: UDP's destination port is the port the next layer is bound to). Unlike
   * `role: 'auto'` the field stays an ordinary one: listed with its default, fuzzed, patched.
   */
  readonly defaultFromNext?: boolean;
}

/** Unsigned integer of 1 to 32 bits. */
export interface UintField extends FieldBase {
  readonly kind: 'uint';
  readonly bits: number;
  readonly default?: number;
}

/** Named bits, most significant first; decoded as the list of names set. */
export interface FlagsField extends FieldBase {
  readonly kind: 'flags';
  readonly bits: number;
  /** Names from the most significant bit down; length equals `bits`. */
  readonly names: readonly string[];
  /** Bits set when the field is left out. */
  readonly default?: number;
}

/** Number with names for known values; unknown values are kept as numbers. */
export interface EnumField extends FieldBase {
  readonly kind: 'enum';
  readonly bits: number;
  readonly values: Readonly<Record<string, number>>;
  readonly default?: number;
}

export interface Ipv4AddrField extends FieldBase {
  readonly kind: 'ipv4';
  readonly bits: 32;
  readonly default?: string;
}

export interface Ipv6AddrField extends FieldBase {
  readonly kind: 'ipv6';
  readonly bits: 128;
  readonly default?: string;
}

export interface MacField extends FieldBase {
  readonly kind: 'mac';
  readonly bits: 48;
  readonly default?: string;
}

export type FieldDef = UintField | FlagsField | EnumField | Ipv4AddrField | Ipv6AddrField | MacField;

type Extra = { doc: string; role?: 'auto' | 'checksum'; defaultFromNext?: boolean };

export const uint = (name: string, bits: number, extra: Extra & { default?: number }): UintField => ({
  kind: 'uint',
  name,
  bits,
  ...extra,
});
export const flags = (name: string, names: readonly string[], extra: Extra & { default?: number }): FlagsField => ({
  kind: 'flags',
  name,
  bits: names.length,
  names,
  ...extra,
});
export const enumOf = (
  name: string,
  bits: number,
  values: Readonly<Record<string, number>>,
  extra: Extra & { default?: number },
): EnumField => ({ kind: 'enum', name, bits, values, ...extra });
export const ipv4Addr = (name: string, extra: Extra & { default?: string }): Ipv4AddrField => ({
  kind: 'ipv4',
  name,
  bits: 32,
  ...extra,
});
export const ipv6Addr = (name: string, extra: Extra & { default?: string }): Ipv6AddrField => ({
  kind: 'ipv6',
  name,
  bits: 128,
  ...extra,
});
export const macAddr = (name: string, extra: Extra & { default?: string }): MacField => ({
  kind: 'mac',
  name,
  bits: 48,
  ...extra,
});

/** Flags accept a list of names or a raw number; enums a name or a number. */
export type FlagsValue = readonly string[] | number;
export type EnumValue<N extends string> = N | number;
