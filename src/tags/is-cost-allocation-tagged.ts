import { ICostAllocationTagged } from './cost-allocation-tagged';

/** True when `x` declares cost allocation tags. */
export function isCostAllocationTagged(x: unknown): x is ICostAllocationTagged {
  if (x === null || typeof x !== 'object') return false;
  const tags = (x as { costAllocationTags?: unknown }).costAllocationTags;
  return tags !== null && typeof tags === 'object';
}
