import { parse } from 'path';
import { CfnResource } from 'aws-cdk-lib';
import { NagRuleResult } from 'cdk-nag';
import { IConstruct } from 'constructs';
import { AppFacts } from './app-facts';
import { CostAllocationTagSchema } from '../../tags/cost-allocation-tag-schema';

/** What the pack knows beyond the resource: its props, and the facts of the app. */
export interface RuleContext {
  /** The schema profiles' tags must satisfy. */
  readonly tagSchema: CostAllocationTagSchema;
  /** The facts of the app `node` belongs to, computed once per validation run. */
  appFacts(node: IConstruct): AppFacts;
}

/** A rule of the pack: a pure function of a resource (and the pack's context). */
export type CostAttributionRule = (node: CfnResource, context: RuleContext) => NagRuleResult;

/**
 * Names a rule by its file, as cdk-nag names its own (`parse(__filename).name`): the kebab-case
 * file name in PascalCase is the rule ID's suffix (`invoke-outside-profiles.ts` → `InvokeOutsideProfiles`).
 */
export function namedRule(filename: string, rule: CostAttributionRule): CostAttributionRule {
  const name = parse(filename).name.split('-').map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join('');
  return Object.defineProperty(rule, 'name', { value: name });
}
