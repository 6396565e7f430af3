/** The batch functions' settings from their environment (names from the contract). */
import { DEFAULT_CALLS_PER_SECOND, PROFILE_BATCH_ENV } from '../../src/contracts/profile-batch';
import { callsPerSecondFrom } from '../shared/pacing';

/** The default work budget of one isComplete invocation (the function's timeout is 15 minutes). */
export const DEFAULT_WORK_BUDGET_SECONDS = 600;
/** The longest budget accepted: leaves a minute of the 15-minute timeout for the last call's retries and the answer. */
export const MAX_WORK_BUDGET_SECONDS = 840;

export interface BatchSettings {
  /** the pacing table, absent: pace within the function only */
  readonly pacingTable?: string;
  readonly callsPerSecond: number;
  readonly workBudgetMs: number;
}

export function batchSettingsFromEnv(env: Record<string, string | undefined>): BatchSettings {
  const budget = Number(env[PROFILE_BATCH_ENV.workBudgetSeconds]);
  const validBudget = env[PROFILE_BATCH_ENV.workBudgetSeconds] !== undefined && budget > 0 && budget <= MAX_WORK_BUDGET_SECONDS;
  return {
    pacingTable: env[PROFILE_BATCH_ENV.pacingTable] || undefined,
    callsPerSecond: callsPerSecondFrom(env[PROFILE_BATCH_ENV.callsPerSecond], DEFAULT_CALLS_PER_SECOND),
    workBudgetMs: (validBudget ? budget : DEFAULT_WORK_BUDGET_SECONDS) * 1000,
  };
}
