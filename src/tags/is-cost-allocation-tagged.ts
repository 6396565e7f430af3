import { ICostAllocationTagged } from './cost-allocation-tagged';

/**
 * The mark a construct carries when it declares cost allocation tags (a `Symbol.for` key, so
 * constructs of another copy of the library are recognised too). The higher layers that
 * implement {@link ICostAllocationTagged} declare themselves with {@link declareCostAllocationTagged};
 * the tag policy checks the mark, not the shape of an object (no duck typing across layers).
 */
const MARK = Symbol.for('cdk-bedrock-cost-governance.ICostAllocationTagged');

/** Declares that `construct` implements ICostAllocationTagged (called by its constructor). */
export function declareCostAllocationTagged(construct: ICostAllocationTagged): void {
  Object.defineProperty(construct, MARK, { value: true, enumerable: false });
}

/** True when `x` declared that it carries cost allocation tags. */
export function isCostAllocationTagged(x: unknown): x is ICostAllocationTagged {
  return x !== null && typeof x === 'object' && MARK in x;
}
