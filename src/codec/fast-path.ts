/**
 * Whether the generated fast paths (encode-fast.ts, decode-fast.ts) are used. They give the
 * same results as the general paths by design; tests turn them off to check exactly that.
 */
export const fastPath = { enabled: true };

/** Turn the fast paths off or on (for tests that compare them with the general paths). */
export function setFastPath(enabled: boolean): void {
  fastPath.enabled = enabled;
}
