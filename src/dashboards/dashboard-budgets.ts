/**
 * What the usage dashboards allow themselves within CloudFormation's limits
 * (`src/util/cloudformation-limits.ts`), as estimates of the template file (see
 * `src/util/template-size.ts`; they match the files written within a few per cent) (internal).
 *
 * - `stackDashboardBytes`: a dashboard kept in the stack's own template (body, header,
 *   resource) is packed to at most 300 KB, so that 70 % of the template is left to the rest of
 *   the stack (the profiles themselves, often). A dashboard at CloudWatch's limits (500
 *   widgets or 2,500 metrics) measures 170–350 KB with literal profile IDs, up to about 450 KB
 *   with IDs read with `Fn::GetAtt` (each takes a few indented lines of the template).
 * - `nestedDashboardBytes`: a dashboard in a nested stack (of its own) is packed to at most
 *   400 KB, so that its template stays under half of 1 MB whatever the labels and logical IDs.
 * - `headerBytes`: kept out of a page's rows for its header (the overview text, the links to
 *   every part) and its resource.
 * - `nestedReferences`: every distinct reference of a nested stack to a resource or parameter
 *   of an enclosing stack (a profile ID read with `Fn::GetAtt`, a `dashboardName` from a
 *   `CfnParameter` …) becomes a parameter of the nested stack: a page bound for one references
 *   at most 190, which leaves 10 of the 200 for its header.
 * - `warnStackBytes`, `failStackBytes`: when the dashboards kept in a stack's own template (of
 *   every UsageDashboard of the stack) pass 700 KB, a warning; past 1,000,000 bytes, the
 *   template cannot be deployed whatever else it holds: synth fails.
 */
export const DASHBOARD_BUDGETS = {
  stackDashboardBytes: 300_000,
  nestedDashboardBytes: 400_000,
  headerBytes: 20_000,
  nestedReferences: 190,
  warnStackBytes: 700_000,
  failStackBytes: 1_000_000,
} as const;
