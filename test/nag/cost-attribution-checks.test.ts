import { App, CfnResource, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { costFindings, ENV, newStack } from './support';
import {
  ApplicationInferenceProfile, CostCenter, CostCenterBudget, InferenceGeo, ModelInvocationLogging, ModelSource, ProfileBatch, SpendCap, SpendMeter,
} from '../../src';
import { CostAttributionChecks } from '../../src/nag';
import {
  findGovernanceFacts, GOVERNANCE_METADATA_TYPE, GOVERNANCE_METADATA_VERSION, governanceFactsOf, recordGovernanceFact,
} from '../../src/util/governance-metadata';

const SOURCE = ModelSource.crossRegion(InferenceGeo.US, 'anthropic.claude-sonnet-4-5-20250929-v1:0');

/** What a team does with the library: a cost center's profile, its budget, a grant, logging and the meter with a cap. */
function governedStack(): { app: App; stack: Stack; role: iam.Role } {
  const { app, stack } = newStack();
  const claims = new CostCenter({ name: 'claims', tags: { dept: 'claims' } });
  const profile = new ApplicationInferenceProfile(stack, 'Claims', { modelSource: SOURCE, costCenter: claims });
  new CostCenterBudget(stack, 'ClaimsBudget', { costCenter: claims, limit: 500 });
  const role = new iam.Role(stack, 'Agent', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  profile.grantInvoke(role);
  const logging = new ModelInvocationLogging(stack, 'Logging');
  new SpendMeter(stack, 'Meter', { logging, tagKey: 'dept', caps: [SpendCap.costCenter(claims, { monthlyUsd: 400, roles: [role] })] });
  return { app, stack, role };
}

describe('CostAttributionChecks', () => {
  test('the library\'s own constructs (profile with a cost center, budget, grantInvoke, logging, spend meter) produce no finding', () => {
    const { stack } = governedStack();
    expect(costFindings(stack)).toEqual([]);
  });

  test('rule IDs are CostAttribution-<Rule>; the pack is named CostAttribution', () => {
    const pack = new CostAttributionChecks();
    expect(pack.name).toBe('CostAttribution');
    expect(pack.readPackName).toBe('CostAttribution');
    const { stack, role } = governedStack();
    role.addToPolicy(new iam.PolicyStatement({ actions: ['bedrock:InvokeModel'], resources: ['*'] }));
    expect(costFindings(stack).map((f) => [f.ruleId, f.severity, f.constructPath, f.pack]))
      .toEqual([['CostAttribution-InvokeOutsideProfiles', 'error', 'Stack/Agent/DefaultPolicy/Resource', 'CostAttribution']]);
  });

  test('verbose adds the explanation (cdk-nag\'s NagPackProps)', () => {
    const { stack } = newStack();
    new ApplicationInferenceProfile(stack, 'Untagged', { modelSource: SOURCE });
    const quiet = costFindings(stack).find((f) => f.ruleId === 'CostAttribution-ProfileCostAllocationTags')!;
    const verbose = costFindings(stack, { verbose: true }).find((f) => f.ruleId === 'CostAttribution-ProfileCostAllocationTags')!;
    expect(verbose.message.startsWith(quiet.message)).toBe(true);
    expect(verbose.message).toMatch(/billing record/);
  });

  /** Synthesizes with the pack as a validation plugin: the report aws-cdk-lib prints, and the exit code it sets on failure. */
  function synthWithPlugin(app: App): { report: string; exitCode: typeof process.exitCode } {
    Validations.of(app).addPlugins(new CostAttributionChecks(app));
    const error = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    const before = process.exitCode;
    try {
      app.synth();
      return { report: error.mock.calls.flat().join('\n'), exitCode: process.exitCode };
    } finally {
      process.exitCode = before;
      error.mockRestore();
    }
  }

  test('registered with Validations.of(app).addPlugins(new CostAttributionChecks(app)), a finding fails the synthesis (exit code 1)', () => {
    const { app, role } = governedStack();
    role.addToPolicy(new iam.PolicyStatement({ actions: ['bedrock:*'], resources: ['*'] }));
    const { report, exitCode } = synthWithPlugin(app);
    expect(report).toMatch(/CostAttribution-InvokeOutsideProfiles\[Resource::\*\]/);
    expect(exitCode).toBe(1);
  });

  test('registered as a plugin, a clean app passes', () => {
    const { report, exitCode } = synthWithPlugin(governedStack().app);
    expect(report).not.toMatch(/CostAttribution-/);
    expect(exitCode).not.toBe(1);
  });

  test('an acknowledgement through cdk-nag\'s mechanism (aws:cdk:acknowledged-rules on an ancestor) removes a finding', () => {
    const build = (acknowledge: boolean) => {
      const { stack } = newStack();
      new ModelInvocationLogging(stack, 'Logging');
      const batch = new ProfileBatch(stack, 'Tenants');
      batch.addProfile('Acme', { key: 'acme', modelSource: SOURCE, tags: { tenant: 'acme' } });
      if (acknowledge) {
        batch.node.addMetadata(Validations.ACKNOWLEDGED_RULES_METADATA_KEY, {
          'CostAttribution-ProfileBatchCostAllocationTags[Member::acme::MissingTag::dept]': 'Tenant profiles are attributed by the tenant tag',
        });
      }
      return stack;
    };
    expect(costFindings(build(false)).map((f) => f.findingId)).toEqual(['CostAttribution-ProfileBatchCostAllocationTags[Member::acme::MissingTag::dept]']);
    expect(costFindings(build(true))).toEqual([]);
  });
});

describe('governance metadata (the contract the rules read)', () => {
  test('the library records typed, versioned facts on the CfnResources', () => {
    const { stack } = governedStack();
    const profile = stack.node.findChild('Claims').node.findChild('Resource').node.defaultChild as CfnResource;
    expect(profile.node.metadata.filter((m) => m.type === GOVERNANCE_METADATA_TYPE).map((m) => m.data)).toEqual([
      { version: GOVERNANCE_METADATA_VERSION, kind: 'profile', costCenter: { name: 'claims', tags: { dept: 'claims' } } },
    ]);
    expect(findGovernanceFacts(stack, 'budget').map((f) => [f.resource.node.path, f.fact.costCenters.map((c) => c.name)]))
      .toEqual([['Stack/ClaimsBudget/Resource', ['claims']]]);
    expect(findGovernanceFacts(stack, 'spend-meter').map((f) => f.fact))
      .toEqual([{ kind: 'spend-meter', caps: 1, logGroupPath: 'Stack/Logging/Logs', viaLogging: true }]);
    expect(findGovernanceFacts(stack, 'invocation-logging').map((f) => f.fact.logGroupPath)).toEqual(['Stack/Logging/Logs']);
  });

  test('a reader skips later versions and unknown kinds; the facts reach the cloud assembly', () => {
    const app = new App();
    const stack = new Stack(app, 'Stack', { env: ENV });
    const resource = new CfnResource(stack, 'R', { type: 'Custom::Thing' });
    recordGovernanceFact(resource, { kind: 'invocation-logging', logGroupPath: 'x' });
    resource.node.addMetadata(GOVERNANCE_METADATA_TYPE, { version: GOVERNANCE_METADATA_VERSION + 1, kind: 'invocation-logging', logGroupPath: 'y' });
    resource.node.addMetadata(GOVERNANCE_METADATA_TYPE, { version: GOVERNANCE_METADATA_VERSION, kind: 'something-new' });
    expect(governanceFactsOf(resource)).toEqual([{ kind: 'invocation-logging', logGroupPath: 'x' }]);
    const artifact = app.synth().getStackArtifact('Stack');
    expect(artifact.findMetadataByType(GOVERNANCE_METADATA_TYPE).map((m) => m.path)).toContain('/Stack/R');
  });
});
