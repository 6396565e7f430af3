/** Whether a budget enforcement runs by itself when its threshold is crossed. */
export enum EnforcementApproval {
  /** the enforcement runs as soon as the threshold is crossed (the default) */
  AUTOMATIC = 'AUTOMATIC',
  /** the enforcement waits for someone to approve it in the AWS Budgets console or API */
  MANUAL = 'MANUAL',
}
