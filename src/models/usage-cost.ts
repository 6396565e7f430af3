/*
 * The arithmetic of the cost model lives in `src/contracts/usage-cost.ts`, its one home, so that
 * the spend meter's handler prices invocation log records with exactly the code that the
 * metrics, dashboards and alarms use (`cost-model.ts` writes the same sum as metric math).
 * Re-exported here as part of the library's public API.
 */
export { costOfUsage, TokenUsage } from '../contracts/usage-cost';
