import { StackSetConcurrencyMode, StackSetRegionConcurrency } from './account-vending-hook';

/**
 * StackSets quotas the rollout checks at synth ("Understand CloudFormation quotas",
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cloudformation-limits.html, as
 * of 2026; older pages said 2,000 stack instances per stack set, 100 stack sets per administrator
 * and 3,500 concurrent operations — docs/design/organization-rollout.md §1.1), and the 50
 * organizational units of one CreateStackInstances / UpdateStackSet call (the API model,
 * cloudformation.json: "split into calls of less than 50 OUs, or target a parent OU").
 */
export const STACKSET_QUOTAS = {
  /** Stack instances per stack set. */
  stackInstancesPerStackSet: 100_000,
  /** Stack sets per administrator account. */
  stackSetsPerAdministrator: 1_000,
  /** Stack instance operations running at once per Region and administrator, across all stack sets. */
  concurrentInstanceOperationsPerRegion: 10_000,
  /** Organizational units per CreateStackInstances / UpdateStackSet / DeleteStackInstances call. */
  organizationalUnitsPerCall: 50,
} as const;

/** What a rollout wave's duration depends on (OrganizationRollout.estimateWave). */
export interface RolloutWaveInput {
  /** Accounts in the target OUs. */
  readonly accounts: number;
  /** Regions of the stack set. */
  readonly regions: number;
  /** Minutes one stack instance takes to create or update (measure it in one account first). */
  readonly minutesPerInstance: number;
  /** MaxConcurrentCount. @default - from maxConcurrentPercentage, else 1 (StackSets' default) */
  readonly maxConcurrentCount?: number;
  /** MaxConcurrentPercentage. @default - not set */
  readonly maxConcurrentPercentage?: number;
  /** FailureToleranceCount. @default - from failureTolerancePercentage, else 0 (StackSets' default) */
  readonly failureToleranceCount?: number;
  /** FailureTolerancePercentage. @default - not set */
  readonly failureTolerancePercentage?: number;
  /** ConcurrencyMode. @default StackSetConcurrencyMode.STRICT_FAILURE_TOLERANCE (StackSets' default) */
  readonly concurrencyMode?: StackSetConcurrencyMode;
  /** Region concurrency. @default StackSetRegionConcurrency.SEQUENTIAL */
  readonly regionConcurrency?: StackSetRegionConcurrency;
  /** Other stack sets operating in the same Regions at the same time (they share the concurrency quota). @default 0 */
  readonly otherStackSetsAtOnce?: number;
}

/** The estimate of a rollout wave. */
export interface RolloutWaveEstimate {
  /** Stack instances acted on at once per Region. */
  readonly concurrency: number;
  /** Minutes per Region. */
  readonly minutesPerRegion: number;
  /** Minutes of the whole wave. */
  readonly totalMinutes: number;
}

/**
 * How long one operation of a stack set over N accounts and R Regions takes, at most (the formula
 * of docs/organization.md, inputs from the StackSetOperationPreferences model documentation):
 *
 * - C = min(MaxConcurrentCount, or max(1, floor(p·N/100)) for a percentage ("rounded down, and
 *   to 1 if that gives 0"); with STRICT_FAILURE_TOLERANCE also FailureToleranceCount + 1 ("the
 *   lower of MaxConcurrentCount or FailureToleranceCount+1"; a tolerance percentage counts as
 *   floor(q·N/100)); the per-Region quota of 10,000 operations shared by the stack sets running
 *   at once; and N);
 * - per Region: ceil(N / C) · T;
 * - SEQUENTIAL: the sum over Regions; PARALLEL: one Region's time (the quota is per Region).
 *
 * StackSets may act on fewer accounts at once under throttling ("the actual number … may be lower
 * due to service throttling"), so this is the time without throttling. Auto-deployment to a new
 * account is not governed by the preferences.
 */
export function estimateRolloutWave(input: RolloutWaveInput): RolloutWaveEstimate {
  const n = input.accounts;
  if (!Number.isInteger(n) || n < 1) throw new Error(`estimateRolloutWave: accounts must be a positive integer (got ${n})`);
  if (!Number.isInteger(input.regions) || input.regions < 1) throw new Error(`estimateRolloutWave: regions must be a positive integer (got ${input.regions})`);
  if (!(input.minutesPerInstance > 0)) throw new Error(`estimateRolloutWave: minutesPerInstance must be more than 0 (got ${input.minutesPerInstance})`);
  const floorPercent = (p: number) => Math.floor((p * n) / 100);
  const maxConcurrent = input.maxConcurrentCount
    ?? (input.maxConcurrentPercentage !== undefined ? Math.max(1, floorPercent(input.maxConcurrentPercentage)) : 1);
  const tolerance = input.failureToleranceCount
    ?? (input.failureTolerancePercentage !== undefined ? floorPercent(input.failureTolerancePercentage) : 0);
  const strict = (input.concurrencyMode ?? StackSetConcurrencyMode.STRICT_FAILURE_TOLERANCE) === StackSetConcurrencyMode.STRICT_FAILURE_TOLERANCE;
  const quotaShare = Math.floor(STACKSET_QUOTAS.concurrentInstanceOperationsPerRegion / (1 + (input.otherStackSetsAtOnce ?? 0)));
  const concurrency = Math.max(1, Math.min(maxConcurrent, strict ? tolerance + 1 : Number.MAX_SAFE_INTEGER, quotaShare, n));
  const minutesPerRegion = Math.ceil(n / concurrency) * input.minutesPerInstance;
  const parallel = input.regionConcurrency === StackSetRegionConcurrency.PARALLEL;
  return { concurrency, minutesPerRegion, totalMinutes: parallel ? minutesPerRegion : minutesPerRegion * input.regions };
}
