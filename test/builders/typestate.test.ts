/**
 * The builder's compile-time promises (README, docs/overrides.md). Each `@ts-expect-error` line
 * must be a type error: `npm run typecheck` (run before every `npm test`) type-checks test/ with
 * tsconfig.test.json, and an expected error that does not happen fails it (TS2578).
 */
import { describe, expect, it } from 'vitest';
import { ipv4, ipv6, packet } from '../../src/index.js';

describe('typestate: only layers that may follow are offered', () => {
  it('refuses impossible stacks at compile time', () => {
    // @ts-expect-error TCP cannot follow UDP (README: `ipv4().udp().tcp()` does not compile).
    void (() => ipv4().udp().tcp());
    // @ts-expect-error ICMPv6 needs IPv6 around it.
    void (() => ipv4().icmpv6());
    // @ts-expect-error ICMPv4 needs IPv4 around it.
    void (() => ipv6().icmp());
    // @ts-expect-error a packet starts with a link or IP layer, not UDP.
    void (() => packet().udp());
    // Allowed: the everyday stacks.
    void (() => ipv4().udp().payload('x'));
    void (() => ipv6().ipv6HopByHop().tcp().payload('x'));
    expect(typeof ipv4().udp).toBe('function');
  });

  it('a binding that carries layers opens stacks without editing them (GRE, VXLAN, IGMP)', () => {
    // GRE follows IPv4/IPv6 by its own binding and carries IPv4, IPv6, Ethernet and raw data.
    void (() => ipv4().gre().ipv6().udp().payload('x'));
    void (() => ipv6().gre({ key: 7 }).ethernet().ipv4().icmp());
    void (() => ipv4().udp({ dstPort: 4789 }).vxlan({ vni: 42 }).ethernet().ipv4());
    // @ts-expect-error GRE carries IPv4, IPv6, Ethernet and raw data: not TCP directly.
    void (() => ipv4().gre().tcp());
    // @ts-expect-error GRE needs an IP layer around it.
    void (() => packet().gre());
    // @ts-expect-error GRE does not follow UDP.
    void (() => ipv4().udp().gre());
    // @ts-expect-error VXLAN follows UDP only.
    void (() => ipv4().vxlan());
    // @ts-expect-error VXLAN carries Ethernet frames, not IP datagrams.
    void (() => ipv4().udp().vxlan().ipv4());
    // @ts-expect-error `keys` is not a GRE field (key is).
    void (() => ipv4().gre({ keys: 1 }));
    // IGMP follows IPv4 only (protocol 2), and carries nothing but raw data.
    void (() => ipv4({ dst: '224.0.0.22' }).igmp({ type: 'v3-membership-report', records: [{ type: 'mode-is-exclude', multicastAddress: '233.252.0.1' }] }));
    // @ts-expect-error IGMP is IPv4's: not after IPv6.
    void (() => ipv6().igmp());
    // @ts-expect-error nothing but raw data follows IGMP.
    void (() => ipv4().igmp().udp());
    // @ts-expect-error `groupAddress` is not an IGMP field (group is).
    void (() => ipv4().igmp({ groupAddress: '233.252.0.1' }));
    // The same rule at run time, for untyped callers: the error says what GRE's payload may be.
    const untyped = ipv4().gre() as unknown as { tcp(): unknown };
    expect(() => untyped.tcp()).toThrow(/tcp: cannot follow gre/);
    expect(() => (ipv4().udp() as unknown as { gre(): unknown }).gre()).toThrow(/gre: cannot follow udp; it may follow ipv4, ipv6, /);
    expect(ipv4().gre().ipv6().udp().encode()[9]).toBe(47);
  });

  it('refuses misspelt fields and wrong value types at compile time', () => {
    // @ts-expect-error `tll` is not an IPv4 field (ttl is).
    void (() => ipv4({ tll: 3 }));
    // @ts-expect-error `dport` is not a UDP field (dstPort is).
    void (() => ipv4().udp({ dport: 53 }));
    // @ts-expect-error a port is a number.
    void (() => ipv4().tcp({ dstPort: 'http' }));
    // The same mistakes from untyped JavaScript throw typed errors that name the field.
    expect(() => (ipv4 as (f: object) => ReturnType<typeof ipv4>)({ tll: 3 }).encode()).toThrow(/ipv4 has no field 'tll' \(did you mean ttl\?\)/);
  });
});
