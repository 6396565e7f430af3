import { App, CfnResource, NestedStack, Stack } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import {
  CFN_LINT_REGION_LISTS, guardRegion, REGION_RESTRICTED_TYPES, regionRestriction, SURVEYED_REGIONS,
} from '../../src/util/region-guard';

const EXPORT = 'AWS::BCMDataExports::Export';
const MONITOR = 'AWS::CE::AnomalyMonitor';
const WARNING = 'cdk-bedrock-cost-governance:regionRestrictedType';

function resourceIn(region: string | undefined, type: string): { stack: Stack; resource: CfnResource } {
  const stack = new Stack(new App(), 'Billing', region === undefined ? {} : { env: { account: '111122223333', region } });
  const resource = new CfnResource(stack, 'Res', { type, properties: {} });
  return { stack, resource };
}

describe('guardRegion', () => {
  test('a literal us-east-1 stack passes for every restricted type', () => {
    for (const type of Object.keys(REGION_RESTRICTED_TYPES)) {
      const { stack, resource } = resourceIn('us-east-1', type);
      expect(() => guardRegion(resource)).not.toThrow();
      Annotations.fromStack(stack).hasNoWarning('*', Match.anyValue());
    }
  });

  test('a type in a surveyed Region without it throws, naming the path, the type, the Regions and the fix', () => {
    const { resource } = resourceIn('eu-west-1', EXPORT);
    expect(() => guardRegion(resource)).toThrow(new Error(
      'Billing/Res: AWS::BCMDataExports::Export exists only in us-east-1, us-west-1, us-west-2, eu-west-2 '
      + `(AWS Data Exports (CUR 2.0); ${CFN_LINT_REGION_LISTS}); this stack deploys to eu-west-1, `
      + 'where CloudFormation would fail with "Unrecognized resource types": '
      + 'put it in a stack with env: { region: \'us-east-1\' } (e.g. a separate billing stack)',
    ));
  });

  test('anomaly detection types: allowed in eu-west-1 (registered there since 2023-12), refused in mx-central-1 and GovCloud', () => {
    expect(() => guardRegion(resourceIn('eu-west-1', MONITOR).resource)).not.toThrow();
    expect(() => guardRegion(resourceIn('mx-central-1', MONITOR).resource)).toThrow(/^Billing\/Res: AWS::CE::AnomalyMonitor exists only in us-east-1, .*this stack deploys to mx-central-1/);
    expect(() => guardRegion(resourceIn('us-gov-west-1', 'AWS::CE::AnomalySubscription').resource)).toThrow(/this stack deploys to us-gov-west-1/);
  });

  test('budgets: refused in eu-north-1 and eu-central-2 (coverage-roadmap #2177)', () => {
    expect(() => guardRegion(resourceIn('eu-north-1', 'AWS::Budgets::Budget').resource)).toThrow(/AWS::Budgets::Budget exists only in .*this stack deploys to eu-north-1/);
    expect(() => guardRegion(resourceIn('eu-central-2', 'AWS::Budgets::BudgetsAction').resource)).toThrow(/this stack deploys to eu-central-2/);
    expect(() => guardRegion(resourceIn('eu-central-1', 'AWS::Budgets::Budget').resource)).not.toThrow();
  });

  test('a token Region warns that the deployment fails outside the listed Regions', () => {
    const { stack, resource } = resourceIn(undefined, EXPORT);
    expect(() => guardRegion(resource)).not.toThrow();
    Annotations.fromStack(stack).hasWarning('/Billing/Res', Match.stringLikeRegexp(
      '^AWS::BCMDataExports::Export exists only in us-east-1, us-west-1, us-west-2, eu-west-2 .*not known at synth.*fails with "Unrecognized resource types" unless it deploys to one of those Regions.*'
      + `env: \\{ region: 'us-east-1' \\}.*\\[ack: ${WARNING}\\]$`,
    ));
  });

  test('a literal Region that was not surveyed (isolated partition, newer Region) warns instead of guessing', () => {
    const { stack, resource } = resourceIn('us-iso-east-1', MONITOR);
    expect(() => guardRegion(resource)).not.toThrow();
    Annotations.fromStack(stack).hasWarning('/Billing/Res', Match.stringLikeRegexp('us-iso-east-1 was not surveyed'));
  });

  test('an unrestricted type passes anywhere, token Region included, without a warning', () => {
    for (const region of ['eu-west-1', 'mx-central-1', 'us-gov-west-1', 'cn-north-1', 'us-iso-east-1', undefined]) {
      for (const type of ['AWS::Organizations::Policy', 'AWS::SNS::Topic', 'AWS::Lambda::Function', 'AWS::SSM::Parameter', 'Custom::BedrockApplicationInferenceProfile']) {
        const { stack, resource } = resourceIn(region, type);
        expect(() => guardRegion(resource)).not.toThrow();
        Annotations.fromStack(stack).hasNoWarning('*', Match.anyValue());
      }
    }
  });

  test('a nested stack is judged by its parent\'s Region', () => {
    const parent = new Stack(new App(), 'Parent', { env: { account: '111122223333', region: 'eu-west-1' } });
    const nested = new NestedStack(parent, 'Nested');
    const resource = new CfnResource(nested, 'Export', { type: EXPORT, properties: {} });
    expect(() => guardRegion(resource)).toThrow(/^Parent\/Nested\/Export: AWS::BCMDataExports::Export .*this stack deploys to eu-west-1/);

    const okParent = new Stack(new App(), 'Ok', { env: { account: '111122223333', region: 'us-east-1' } });
    expect(() => guardRegion(new CfnResource(new NestedStack(okParent, 'Nested'), 'Export', { type: EXPORT, properties: {} }))).not.toThrow();
  });
});

describe('REGION_RESTRICTED_TYPES', () => {
  test.each(Object.entries(REGION_RESTRICTED_TYPES))('%s cites a source URL and lists surveyed Regions, us-east-1 first', (_type, restriction) => {
    expect(restriction.source).toMatch(/^https:\/\/\S+$/);
    for (const url of restriction.seeAlso ?? []) expect(url).toMatch(/^https:\/\/\S+$/);
    expect(restriction.service).not.toBe('');
    expect(restriction.regions[0]).toBe('us-east-1');
    expect(new Set(restriction.regions).size).toBe(restriction.regions.length);
    for (const region of restriction.regions) expect(SURVEYED_REGIONS).toContain(region);
  });

  test.each([
    // verified in CloudFormation's per-Region schema lists (docs/region-availability.md)
    'AWS::CE::AnomalyMonitor',
    'AWS::CE::AnomalySubscription',
    'AWS::BCMDataExports::Export',
    'AWS::Budgets::Budget',
    'AWS::Budgets::BudgetsAction',
  ])('%s is in the table', (type) => {
    expect(regionRestriction(type)).toBeDefined();
  });

  test('types available in every surveyed Region are not in the table', () => {
    for (const type of ['AWS::Organizations::Policy', 'AWS::Scheduler::Schedule', 'AWS::CloudFormation::Stack', 'AWS::SSM::Parameter', 'toString', 'constructor']) {
      expect(regionRestriction(type)).toBeUndefined();
    }
  });
});
