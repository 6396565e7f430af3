export { BudgetAlert, BudgetAlertOptions } from './budget-alert';
export { BudgetAutoAdjust } from './budget-auto-adjust';
export {
  BudgetEnforcement, BudgetEnforcementBindOptions, BudgetEnforcementConfig, BudgetEnforcementOptions,
  DenyInvocationOptions, DenyInvocationScpOptions,
} from './budget-enforcement';
export { BudgetMetric } from './budget-metric';
export { BudgetPeriod } from './budget-period';
export { BudgetScope } from './budget-scope';
export { BudgetSubscribers, BudgetSubscribersConfig } from './budget-subscribers';
export { BudgetSpendType, BudgetThreshold, BudgetThresholdType } from './budget-threshold';
export { CostCenterBudget, CostCenterBudgetProps } from './cost-center-budget';
export { EnforcementApproval } from './enforcement-approval';
export { PlannedBudgetLimit } from './planned-budget-limit';
