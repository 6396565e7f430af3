import { CostCenterRow } from '../fleet/cost-center-row';
import { CostCenterSpendCapOptions } from '../metering/spend-cap';

/**
 * One row of a cost-center table (`BedrockCostGovernance`, `CostCenterTable`): a fleet row
 * (`CostCenterRow`: name, tags, profiles, budget, alerts, enforcement) plus the spend meter's cap
 * and where the cost center exists.
 */
export interface CostCenterTableRow extends CostCenterRow {
  /**
   * Spending caps the spend meter enforces within about a minute (needs `metering`): monthly
   * and/or daily in USD, and the roles denied invocation of the cost center's profiles while a cap
   * is crossed.
   * @default - no cap
   */
  readonly caps?: CostCenterSpendCapOptions;

  /**
   * The AWS accounts (12 digits) the cost center exists in. A stack in another account leaves the
   * row out; a stack whose account is unknown at synth (environment-agnostic) cannot decide and
   * fails.
   * @default - every account
   */
  readonly accounts?: string[];

  /**
   * The AWS Regions the cost center exists in (its profiles, catalog entries, dashboard section
   * and alarms are regional). A stack in another Region leaves the row out; a stack whose Region
   * is unknown at synth fails.
   * @default - every Region
   */
  readonly regions?: string[];
}
