/**
 * What AWS Budgets allows, in one place, each with where it is written. Internal to the library
 * (not exported from the package).
 */
export const BUDGET_LIMITS = {
  /**
   * Notifications (alerts) per budget: 10. The Budgets API model caps the list
   * (`NotificationWithSubscribersList`, max 10) and says so in the `Notification` shape ("A budget
   * can have up to ten notifications"), as does the CloudFormation reference of
   * AWS::Budgets::Budget Notification
   * (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-budgets-budget-notification.html).
   * The CreateBudget request's `NotificationsWithSubscribers` text still says "up to five
   * notifications": that older sentence predates the raised limit and is contradicted by the
   * list's own constraint in the same model. (The CloudFormation schema sets no maxItems.)
   */
  maxNotifications: 10,

  /**
   * Subscribers of a budget action: 1–11 (CreateBudgetAction `Subscribers`; AWS::Budgets::BudgetsAction
   * schema), like those of a notification: one SNS topic and up to 10 email addresses
   * (NotificationWithSubscribers; the email rules live with the library's one email check,
   * `EMAIL_RULES.BUDGETS_SUBSCRIBER` in src/util/email.ts).
   */
  maxActionSubscribers: 11,

  /** Roles of an IAM budget action and targets of an SCP budget action: 1–100 (`Roles`, `TargetIds`). */
  maxActionTargets: 100,

  /**
   * A budget amount is a `NumericValue`: a string matching `([0-9]*\.)?[0-9]+` (Spend.Amount in the
   * Budgets API model), so a number JavaScript writes with an exponent (1e-7, 1e21) is refused.
   */
  amountPattern: /^([0-9]*\.)?[0-9]+$/,

  /**
   * A service name in a filter is a `Value`: 0–1,024 characters (Expression → Dimensions → Values
   * in the Budgets API model).
   */
  maxDimensionValueLength: 1024,

  /**
   * Budgets per account: 20,000. "You can create up to 20,000 budgets per AWS payer account"
   * (AWS Cost Management User Guide, Managing your costs with AWS Budgets,
   * https://docs.aws.amazon.com/cost-management/latest/userguide/budgets-managing-costs.html; the
   * SDKs' Budgets service documentation said the same of the "master account"). Only the payer
   * (management) account creates budgets under consolidated billing (same page). Budgets made
   * outside the app are invisible to synth.
   */
  maxBudgetsPerAccount: 20_000,
} as const;

/** Where {@link BUDGET_LIMITS.maxBudgetsPerAccount} is written. */
export const BUDGETS_QUOTA_DOC = 'https://docs.aws.amazon.com/cost-management/latest/userguide/budgets-managing-costs.html';

/**
 * Why forecasts are refused on daily budgets: AWS Budgets forecasts monthly, quarterly and annual
 * budgets only; a FORECASTED notification (or budget action) on a DAILY budget is rejected with
 * InvalidParameterException at deploy time
 * (https://github.com/JiRaska/open-bank-oss/pull/226: "AWS Budgets only allows FORECASTED on
 * MONTHLY/QUARTERLY/ANNUALLY budgets — DAILY only supports ACTUAL", a deployment that failed so).
 */
export const DAILY_FORECAST_RULE = 'AWS Budgets does not forecast daily budgets (FORECASTED is accepted for MONTHLY, QUARTERLY and ANNUALLY budgets only)';
