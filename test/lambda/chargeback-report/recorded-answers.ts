/**
 * Cost Explorer answers in the shape GetCostAndUsage returns them (API Reference, GetCostAndUsage
 * response syntax: ResultsByTime[].{TimePeriod, Total, Groups[].{Keys, Metrics}, Estimated},
 * GroupDefinitions, DimensionValueAttributes, NextPageToken), keyed by the request they answer.
 * Amounts are decimal strings with many places, as Cost Explorer writes them.
 */
import type { GetCostAndUsageCommandInput, GetCostAndUsageCommandOutput } from '@aws-sdk/client-cost-explorer';
import type { CostExplorerReader } from '../../../lambda/shared/cost-query';

type Answer = Omit<GetCostAndUsageCommandOutput, '$metadata'>;
const usd = (amount: string) => ({ NetUnblendedCost: { Amount: amount, Unit: 'USD' } });
const group = (keys: string[], amount: string) => ({ Keys: keys, Metrics: usd(amount) });

/** November 2026 by dept and linked account, estimated, two pages; the untagged group `dept$`. */
export const NOVEMBER_BY_ACCOUNT: Answer[] = [
  {
    GroupDefinitions: [{ Type: 'TAG', Key: 'dept' }, { Type: 'DIMENSION', Key: 'LINKED_ACCOUNT' }],
    ResultsByTime: [{
      TimePeriod: { Start: '2026-11-01', End: '2026-12-01' },
      Total: {},
      Estimated: true,
      Groups: [group(['dept$', '111111111111'], '12.5000000001'), group(['dept$claims', '111111111111'], '600.1234567891')],
    }],
    DimensionValueAttributes: [{ Value: '111111111111', Attributes: { description: 'claims-prod' } }],
    NextPageToken: 'page-2',
  },
  {
    GroupDefinitions: [{ Type: 'TAG', Key: 'dept' }, { Type: 'DIMENSION', Key: 'LINKED_ACCOUNT' }],
    ResultsByTime: [{
      TimePeriod: { Start: '2026-11-01', End: '2026-12-01' },
      Total: {},
      Estimated: true,
      Groups: [group(['dept$claims', '222222222222'], '150.0000000000'), group(['dept$underwriting', '222222222222'], '237.3765432108')],
    }],
    DimensionValueAttributes: [{ Value: '222222222222', Attributes: { description: 'shared-ml' } }],
  },
];

/** October 2026, same grouping, final, one page; no unattributed spend, no underwriting yet. */
export const OCTOBER_BY_ACCOUNT: Answer[] = [{
  GroupDefinitions: [{ Type: 'TAG', Key: 'dept' }, { Type: 'DIMENSION', Key: 'LINKED_ACCOUNT' }],
  ResultsByTime: [{
    TimePeriod: { Start: '2026-10-01', End: '2026-11-01' },
    Total: {},
    Estimated: false,
    Groups: [group(['dept$claims', '111111111111'], '500.0000000000'), group(['dept$legacy', '111111111111'], '40.0000000000')],
  }],
  DimensionValueAttributes: [{ Value: '111111111111', Attributes: { description: 'claims-prod' } }],
}];

/** November by dept and the principal's dept tag: the four attribution cases. */
export const NOVEMBER_BY_PRINCIPAL: Answer[] = [{
  GroupDefinitions: [{ Type: 'TAG', Key: 'dept' }, { Type: 'TAG', Key: 'iamPrincipal/dept' }],
  ResultsByTime: [{
    TimePeriod: { Start: '2026-11-01', End: '2026-12-01' },
    Total: {},
    Estimated: true,
    Groups: [
      group(['dept$', 'iamPrincipal/dept$'], '2.5000000000'),
      group(['dept$', 'iamPrincipal/dept$claims'], '10.0000000001'),
      group(['dept$claims', 'iamPrincipal/dept$'], '150.0000000000'),
      group(['dept$claims', 'iamPrincipal/dept$claims'], '600.1234567891'),
      group(['dept$underwriting', 'iamPrincipal/dept$underwriting'], '237.3765432108'),
    ],
  }],
}];

/**
 * A period across a month boundary (2026-10-15 to 2026-11-15), MONTHLY: one result per month;
 * `fraud` appears in the second month only (a cost center that starts mid-period).
 */
export const MID_OCTOBER_TO_MID_NOVEMBER: Answer[] = [{
  GroupDefinitions: [{ Type: 'TAG', Key: 'dept' }],
  ResultsByTime: [
    { TimePeriod: { Start: '2026-10-15', End: '2026-11-01' }, Total: {}, Estimated: false, Groups: [group(['dept$claims'], '100.0000000000')] },
    { TimePeriod: { Start: '2026-11-01', End: '2026-11-15' }, Total: {}, Estimated: true, Groups: [group(['dept$claims'], '80.0000000000'), group(['dept$fraud'], '20.0000000000')] },
  ],
}];

/** No spend at all: results without groups. */
export const NO_SPEND = (start: string, end: string): Answer[] => [{
  GroupDefinitions: [{ Type: 'TAG', Key: 'dept' }],
  ResultsByTime: [{ TimePeriod: { Start: start, End: end }, Total: {}, Groups: [], Estimated: false }],
}];

/** A reader that answers each request from the recordings, by period, GroupBy and page token; records the requests. */
export function recordedCostExplorer(recordings: Array<{ start: string; groupBy: string; pages: Answer[] }>):
CostExplorerReader & { requests: GetCostAndUsageCommandInput[] } {
  const requests: GetCostAndUsageCommandInput[] = [];
  return {
    requests,
    getCostAndUsage: async (input) => {
      requests.push(input);
      const groupBy = (input.GroupBy ?? []).map((g) => `${g.Type}:${g.Key}`).join(',');
      const recording = recordings.find((r) => r.start === input.TimePeriod!.Start && r.groupBy === groupBy);
      if (!recording) throw new Error(`no recording for ${input.TimePeriod!.Start} ${groupBy}`);
      const index = input.NextPageToken ? Number(input.NextPageToken.replace('page-', '')) - 1 : 0;
      return { $metadata: {}, ...recording.pages[index] };
    },
  };
}
