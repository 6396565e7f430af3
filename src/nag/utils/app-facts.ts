import { CfnResource, Stack, Token } from 'aws-cdk-lib';
import { CostCenterFact, findGovernanceFacts, governanceFactsOf } from '../../util/governance-metadata';

/** The cost centers the library recorded on a profile resource (a profile, or a batch's members). */
export function costCentersOn(node: CfnResource): CostCenterFact[] {
  const out = new Map<string, CostCenterFact>();
  for (const fact of governanceFactsOf(node)) {
    if ((fact.kind === 'profile' || fact.kind === 'batch-member') && fact.costCenter) out.set(fact.costCenter.name, fact.costCenter);
  }
  return [...out.values()];
}

/**
 * Whether a budget of the app counts a cost center's spend: it was made for the cost center (or
 * for profiles of it), or it filters by tags that the cost center carries, every one.
 */
export function budgetCovers(node: CfnResource, costCenter: CostCenterFact): boolean {
  return findGovernanceFacts(node.node.root, 'budget').some(({ fact }) =>
    fact.costCenters.some((c) => c.name === costCenter.name)
    || (fact.tags !== undefined && Object.keys(fact.tags).length > 0
      && Object.entries(fact.tags).every(([k, v]) => costCenter.tags[k] === v)));
}

/** Two stacks may be in the same account and Region: equal, or either unknown at synth. */
export function mayShareEnvironment(a: CfnResource, b: CfnResource): boolean {
  const sa = Stack.of(a);
  const sb = Stack.of(b);
  const same = (x: string, y: string) => Token.isUnresolved(x) || Token.isUnresolved(y) || x === y;
  return same(sa.account, sb.account) && same(sa.region, sb.region);
}

/** Whether the app has a `ModelInvocationLogging` that may cover the account and Region of `node`. */
export function invocationLoggingCovers(node: CfnResource): boolean {
  return findGovernanceFacts(node.node.root, 'invocation-logging').some(({ resource }) => mayShareEnvironment(node, resource));
}
