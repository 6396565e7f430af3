import { PlannedReport } from './periods';
import {
  AttributionShare, CostCenterLine, PrincipalAttribution, REPORT_SCHEMA_VERSION, ReportDocument, ReportSettings, UNATTRIBUTED,
} from '../../src/contracts/chargeback-report';
import { cleanAmount, CostQueryResult, tagValueOf } from '../shared/cost-query';

/** The query results a report is built from. */
export interface ReportInputs {
  readonly current: CostQueryResult;
  readonly previous: CostQueryResult;
  /** grouped by the cost center tag and the principal tag */
  readonly principals?: CostQueryResult;
}

const ratio = (part: number, whole: number): number | null => (whole === 0 ? null : cleanAmount(part / whole));
const add = (map: Map<string, number>, key: string, amount: number): void => void map.set(key, (map.get(key) ?? 0) + amount);
const label = (value: string): string => (value === '' ? UNATTRIBUTED : value);
const sum = (values: Iterable<number>): number => cleanAmount([...values].reduce((a, b) => a + b, 0));

/** Cost per cost center (and per cost center and account) of one query. */
function byCostCenter(result: CostQueryResult, settings: ReportSettings): { total: Map<string, number>; accounts: Map<string, Map<string, number>> } {
  const total = new Map<string, number>();
  const accounts = new Map<string, Map<string, number>>();
  for (const group of result.groups) {
    const costCenter = label(tagValueOf(group.keys[0], settings.tagKey));
    add(total, costCenter, group.amount);
    if (settings.byLinkedAccount) {
      const perAccount = accounts.get(costCenter) ?? new Map<string, number>();
      add(perAccount, group.keys[1], group.amount);
      accounts.set(costCenter, perAccount);
    }
  }
  return { total, accounts };
}

/** Largest first, then by name; unattributed last. */
function compareLines(a: CostCenterLine, b: CostCenterLine): number {
  if ((a.costCenter === UNATTRIBUTED) !== (b.costCenter === UNATTRIBUTED)) return a.costCenter === UNATTRIBUTED ? 1 : -1;
  return b.amount - a.amount || a.costCenter.localeCompare(b.costCenter);
}

/**
 * The report document: every cost center with spend in the period or the previous one (and every
 * value the tag schema allows, at zero), the change against the previous period, the unattributed
 * spend (the `key$` group: charges in scope without the tag) with its share, and the principal
 * attribution when asked.
 */
export function buildReport(plan: PlannedReport, settings: ReportSettings, inputs: ReportInputs, generatedAt: Date): ReportDocument {
  const current = byCostCenter(inputs.current, settings);
  const previous = byCostCenter(inputs.previous, settings);
  const total = sum(current.total.values());
  const previousTotal = sum(previous.total.values());
  const known = settings.knownCostCenters ? new Set(settings.knownCostCenters) : undefined;
  const names = new Set([...current.total.keys(), ...previous.total.keys(), ...(settings.knownCostCenters ?? [])]);
  const lines: CostCenterLine[] = [...names].map((costCenter) => {
    const amount = cleanAmount(current.total.get(costCenter) ?? 0);
    const previousAmount = cleanAmount(previous.total.get(costCenter) ?? 0);
    const accounts = current.accounts.get(costCenter);
    return {
      costCenter,
      amount,
      share: ratio(amount, total),
      previousAmount,
      change: cleanAmount(amount - previousAmount),
      changeRatio: ratio(amount - previousAmount, previousAmount),
      ...(known && costCenter !== UNATTRIBUTED ? { inSchema: known.has(costCenter) } : {}),
      ...(settings.byLinkedAccount ? {
        accounts: [...(accounts ?? new Map<string, number>())]
          .map(([accountId, a]) => ({ accountId, amount: cleanAmount(a), ...nameOf(inputs.current, accountId) }))
          .sort((x, y) => y.amount - x.amount || x.accountId.localeCompare(y.accountId)),
      } : {}),
    };
  }).sort(compareLines);
  const unattributed = current.total.get(UNATTRIBUTED) ?? 0;
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    reportName: settings.reportName,
    kind: plan.kind,
    period: plan.period,
    previousPeriod: plan.previousPeriod,
    generatedAt: generatedAt.toISOString(),
    estimated: inputs.current.estimated || (inputs.principals?.estimated ?? false),
    metric: settings.metric,
    currency: inputs.current.currency ?? inputs.previous.currency ?? 'USD',
    tagKey: settings.tagKey,
    total: {
      amount: total,
      previousAmount: previousTotal,
      change: cleanAmount(total - previousTotal),
      changeRatio: ratio(total - previousTotal, previousTotal),
    },
    unattributed: { amount: cleanAmount(unattributed), share: ratio(unattributed, total) },
    costCenters: lines,
    ...(inputs.principals && settings.principalTagKey
      ? { principalAttribution: attribution(inputs.principals, settings, settings.principalTagKey) }
      : {}),
    costExplorerRequests: inputs.current.requests + inputs.previous.requests + (inputs.principals?.requests ?? 0),
  };
}

function nameOf(result: CostQueryResult, accountId: string): { accountName?: string } {
  const name = result.accountNames.get(accountId);
  return name && name !== accountId ? { accountName: name } : {};
}

/**
 * Who the spend is attributed to, from one query grouped by the cost center tag and the principal
 * tag: a line item carries the profile's tags (resource tags) and, with IAM principal cost
 * allocation, the calling principal's tags as `iamPrincipal/<key>`.
 */
function attribution(result: CostQueryResult, settings: ReportSettings, principalTagKey: string): PrincipalAttribution {
  const byPrincipal = new Map<string, number>();
  const quadrant = { profileTagsOnly: 0, principalTagsOnly: 0, both: 0, neither: 0 };
  for (const group of result.groups) {
    const profileValue = tagValueOf(group.keys[0], settings.tagKey);
    const principalValue = tagValueOf(group.keys[1], principalTagKey);
    add(byPrincipal, label(principalValue), group.amount);
    if (profileValue && principalValue) quadrant.both += group.amount;
    else if (profileValue) quadrant.profileTagsOnly += group.amount;
    else if (principalValue) quadrant.principalTagsOnly += group.amount;
    else quadrant.neither += group.amount;
  }
  const total = sum(byPrincipal.values());
  const share = (amount: number): AttributionShare => ({ amount: cleanAmount(amount), share: ratio(amount, total) });
  return {
    tagKey: principalTagKey,
    byPrincipalTag: [...byPrincipal].map(([value, amount]) => ({ value, amount: cleanAmount(amount), share: ratio(amount, total) }))
      .sort((a, b) => Number(a.value === UNATTRIBUTED) - Number(b.value === UNATTRIBUTED)
        || b.amount - a.amount || a.value.localeCompare(b.value)),
    attribution: {
      profileTagsOnly: share(quadrant.profileTagsOnly),
      principalTagsOnly: share(quadrant.principalTagsOnly),
      both: share(quadrant.both),
      neither: share(quadrant.neither),
    },
  };
}
