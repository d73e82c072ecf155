/** Pre-flight checks: every finding about a raw send on a platform, before any system call. */
export { preflight, preflightSocket, hasErrors, formatFinding, PreflightError, PreflightGuard, RULES } from './preflight.js';
export {
  resolveContext,
  detectContext,
  detectPlatform,
  detectPrivileges,
  detectInterfaces,
  detectWine,
  clearDetectedContext,
  parsePlatform,
  platformName,
  platformFromOs,
  parseLocalAddress,
  linuxPrivilegesFromStatus,
  LOOPBACK,
  PLATFORM_NAMES,
  type OsFacts,
} from './context.js';
export { packetFacts, type PacketFacts } from './packet.js';
export { ipFacts, type IpFacts } from '../ip-header.js';
export { type Rule, type RuleInput, type RuleHit, type RuleOs, type EffectiveSocket } from './rules.js';
export { restrictionStatus, WINDOWS_MAX_MESSAGE, type RestrictionStatus } from './windows.js';
export { linuxHdrinclChanges, ipv4HdrinclRewrites, type HdrinclRewrite } from './linux.js';
export { WIN as WINDOWS_SOURCES, WINDOWS_DOC } from './sources.js';
export type * from './types.js';
