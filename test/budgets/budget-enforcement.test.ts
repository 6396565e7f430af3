import { Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sns from 'aws-cdk-lib/aws-sns';
import { ACCOUNT, importedProfile, newStack, onlyResource } from './support';
import { ApplicationInferenceProfile, CostCenter, ModelSource } from '../../src';
import {
  BudgetAlert, BudgetEnforcement, BudgetSubscribers, BudgetThreshold, CostCenterBudget, EnforcementApproval,
} from '../../src/budgets';
import { INVOKE_ACTIONS } from '../../src/profiles/invoke-actions';
import { expectSchemaValid } from '../support/cfn-schema';
import { controlTowerFindings } from '../support/control-tower';
import { expectNagClean, nagFindings } from '../support/nag';

const ref = (stack: Stack, construct: { node: { defaultChild?: unknown } }) => ({ Ref: stack.getLogicalId(construct.node.defaultChild as any) });
const arnOf = (stack: Stack, construct: { node: { defaultChild?: unknown } }) => ({ 'Fn::GetAtt': [stack.getLogicalId(construct.node.defaultChild as any), 'Arn'] });
/** The library's one list of invoke actions (INVOKE_ACTIONS), written out. */
const INVOKE = ['bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream'];
const lambdaRole = (stack: Stack, id: string) => new iam.Role(stack, id, { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });

/** A budget of the claims profiles with a deny-invocation enforcement on two roles. */
function iamEnforcement(options: { approval?: EnforcementApproval; threshold?: BudgetThreshold; alerts?: BudgetAlert[] } = {}) {
  const { app, stack } = newStack();
  const sonnet = importedProfile(stack, 'Sonnet', { dept: 'claims', model: 'sonnet' });
  const nova = importedProfile(stack, 'Nova', { dept: 'claims', model: 'nova' });
  const claimsApp = lambdaRole(stack, 'ClaimsApp');
  const claimsBatch = lambdaRole(stack, 'ClaimsBatch');
  const budget = new CostCenterBudget(stack, 'Claims', {
    profiles: [sonnet, nova],
    limit: 1000,
    alerts: options.alerts,
    enforcement: BudgetEnforcement.denyInvocation({ roles: [claimsApp, claimsBatch], approval: options.approval, threshold: options.threshold }),
  });
  return { app, stack, budget, sonnet, nova, claimsApp, claimsBatch, template: Template.fromStack(stack) };
}

describe('BudgetEnforcement.denyInvocation', () => {
  test('a managed policy denies InvokeModel and InvokeModelWithResponseStream on the budget\'s profiles only, and is attached to nothing', () => {
    const { template, sonnet, nova } = iamEnforcement();
    const policy = onlyResource(template, 'AWS::IAM::ManagedPolicy');
    expect(policy.PolicyDocument.Statement).toEqual([{
      Sid: 'DenyBedrockInvocationThroughCostCenterProfiles',
      Effect: 'Deny',
      Action: INVOKE,
      Resource: [sonnet.profileArn, nova.profileArn],
    }]);
    expect(policy.Roles).toBeUndefined();
    expect(policy.Users).toBeUndefined();
    expect(policy.Groups).toBeUndefined();
  });

  test('the execution role: trusted by budgets.amazonaws.com of this account only; may attach/detach only that policy, only on those roles', () => {
    const { stack, template, budget, claimsApp, claimsBatch } = iamEnforcement();
    const role = template.toJSON().Resources[stack.getLogicalId(budget.enforcementRole!.node.defaultChild as any)].Properties;
    expect(role.AssumeRolePolicyDocument.Statement).toEqual([{
      Effect: 'Allow',
      Principal: { Service: 'budgets.amazonaws.com' },
      Action: 'sts:AssumeRole',
      Condition: {
        StringEquals: { 'aws:SourceAccount': ACCOUNT },
        ArnLike: { 'aws:SourceArn': { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:budgets::${ACCOUNT}:budget/*`]] } },
      },
    }]);
    const policy = ref(stack, budget.node.findChild('Enforcement').node.findChild('DenyPolicy'));
    expect(role.Policies).toEqual([{
      PolicyName: 'Enforcement',
      PolicyDocument: {
        Version: '2012-10-17',
        Statement: [{
          Sid: 'AttachAndDetachTheDenyPolicyOnly',
          Effect: 'Allow',
          Action: ['iam:AttachRolePolicy', 'iam:DetachRolePolicy'],
          Resource: [arnOf(stack, claimsApp), arnOf(stack, claimsBatch)],
          Condition: { ArnEquals: { 'iam:PolicyARN': policy } },
        }],
      },
    }]);
    expect(role.ManagedPolicyArns).toBeUndefined();
    // the execution role is the only role besides the two application roles
    template.resourceCountIs('AWS::IAM::Role', 3);
    template.resourceCountIs('AWS::IAM::Policy', 0);
  });

  test('the action: APPLY_IAM_POLICY of that policy to the roles, at 100 % of actual spend, automatic, notifying the alerts\' subscribers', () => {
    const { stack, template, budget, claimsApp, claimsBatch } = iamEnforcement();
    const action = onlyResource(template, 'AWS::Budgets::BudgetsAction');
    const topic = ref(stack, stack.node.findChild('BedrockCostAlertTopic').node.findChild('Topic'));
    expect(action).toEqual({
      BudgetName: budget.budgetName,
      ActionType: 'APPLY_IAM_POLICY',
      NotificationType: 'ACTUAL',
      ActionThreshold: { Type: 'PERCENTAGE', Value: 100 },
      ApprovalModel: 'AUTOMATIC',
      ExecutionRoleArn: arnOf(stack, budget.enforcementRole!),
      Definition: {
        IamActionDefinition: {
          PolicyArn: ref(stack, budget.node.findChild('Enforcement').node.findChild('DenyPolicy')),
          Roles: [ref(stack, claimsApp), ref(stack, claimsBatch)],
        },
      },
      Subscribers: [{ Type: 'SNS', Address: topic }],
    });
    // created after the budget it names
    const actionId = stack.getLogicalId(budget.enforcementAction!);
    expect(template.toJSON().Resources[actionId].DependsOn).toEqual([stack.getLogicalId(budget.node.defaultChild as any)]);
  });

  test('manual approval, a forecasted or absolute threshold', () => {
    const manual = iamEnforcement({ approval: EnforcementApproval.MANUAL, threshold: BudgetThreshold.forecasted(120) });
    expect(onlyResource(manual.template, 'AWS::Budgets::BudgetsAction')).toMatchObject({
      ApprovalModel: 'MANUAL', NotificationType: 'FORECASTED', ActionThreshold: { Type: 'PERCENTAGE', Value: 120 },
    });
    const amount = iamEnforcement({ threshold: BudgetThreshold.actualAmount(950) });
    expect(onlyResource(amount.template, 'AWS::Budgets::BudgetsAction')).toMatchObject({
      NotificationType: 'ACTUAL', ActionThreshold: { Type: 'ABSOLUTE_VALUE', Value: 950 },
    });
  });

  test('the action\'s subscribers are the distinct subscribers of all the alerts', () => {
    const { stack } = newStack();
    const topic = new sns.Topic(stack, 'Team', { enforceSSL: true });
    const budget = new CostCenterBudget(stack, 'B', {
      profiles: [importedProfile(stack, 'P', { dept: 'claims' })],
      limit: 100,
      notify: BudgetSubscribers.topic(topic, ['finops@example.com']),
      alerts: [
        BudgetAlert.at(BudgetThreshold.actual(80)),
        BudgetAlert.at(BudgetThreshold.actual(100), { notify: BudgetSubscribers.emails(['FinOps@example.com', 'lead@example.com']) }),
      ],
      enforcement: BudgetEnforcement.denyInvocation({ roles: [lambdaRole(stack, 'App')] }),
    });
    expect(onlyResource(Template.fromStack(stack), 'AWS::Budgets::BudgetsAction').Subscribers).toEqual([
      { Type: 'SNS', Address: ref(stack, topic) },
      { Type: 'EMAIL', Address: 'FinOps@example.com' },
      { Type: 'EMAIL', Address: 'lead@example.com' },
    ]);
    expect(budget.enforcementAction).toBeDefined();
  });

  test('a budget of a cost center names the profiles in the enforcement; imported roles are supported', () => {
    const { app, stack } = newStack();
    const profile = importedProfile(stack, 'P', { dept: 'claims' });
    const imported = iam.Role.fromRoleArn(stack, 'Imported', `arn:aws:iam::${ACCOUNT}:role/service/claims-app`);
    new CostCenterBudget(stack, 'B', {
      costCenter: CostCenter.of('claims', { dept: 'claims' }),
      limit: 100,
      enforcement: BudgetEnforcement.denyInvocation({ profiles: [profile], roles: [imported] }),
    });
    const t = Template.fromStack(stack);
    expect(onlyResource(t, 'AWS::Budgets::BudgetsAction').Definition.IamActionDefinition.Roles).toEqual(['claims-app']);
    expect(onlyResource(t, 'AWS::IAM::ManagedPolicy').PolicyDocument.Statement[0].Resource).toBe(profile.profileArn);
    expectSchemaValid(app);
    expectNagClean(stack);
  });

  test('cdk-nag clean with no acknowledgement, schema-valid, no AWS Control Tower control fails', () => {
    const { app, stack } = iamEnforcement();
    expect(nagFindings(stack)).toEqual([]);
    const metadata = stack.node.findAll().flatMap((c) => c.node.metadata.filter((m) => m.type === 'aws:cdk:acknowledged-rules'));
    expect(metadata).toEqual([]);
    expectSchemaValid(app);
    expect(controlTowerFindings(app)).toEqual([]);
  });
});

describe('BudgetEnforcement.denyInvocationScp', () => {
  function scpEnforcement(organizationId?: string) {
    const { app, stack } = newStack();
    const profile = importedProfile(stack, 'P', { dept: 'claims' });
    const budget = new CostCenterBudget(stack, 'Claims', {
      profiles: [profile],
      limit: 1000,
      enforcement: BudgetEnforcement.denyInvocationScp({ targetIds: ['444455556666', 'ou-ab12-cdef3456'], organizationId, approval: EnforcementApproval.MANUAL }),
    });
    return { app, stack, budget, profile, template: Template.fromStack(stack) };
  }

  test('an SCP denies InvokeModel and InvokeModelWithResponseStream on the profiles; the action attaches it to the targets', () => {
    const { stack, template, budget, profile } = scpEnforcement();
    const scp = onlyResource(template, 'AWS::Organizations::Policy');
    expect(scp.Type).toBe('SERVICE_CONTROL_POLICY');
    expect(scp.TargetIds).toBeUndefined(); // attached by AWS Budgets only
    expect(scp.Content).toEqual({
      Version: '2012-10-17',
      Statement: [{ Sid: 'DenyBedrockInvocationThroughCostCenterProfiles', Effect: 'Deny', Action: INVOKE, Resource: profile.profileArn }],
    });
    const scpId = stack.getLogicalId(budget.node.findChild('Enforcement').node.findChild('DenyPolicy') as any);
    expect(onlyResource(template, 'AWS::Budgets::BudgetsAction')).toMatchObject({
      ActionType: 'APPLY_SCP_POLICY',
      ApprovalModel: 'MANUAL',
      Definition: { ScpActionDefinition: { PolicyId: { 'Fn::GetAtt': [scpId, 'Id'] }, TargetIds: ['444455556666', 'ou-ab12-cdef3456'] } },
    });
  });

  test('a budget defined by its cost center denies by tag, in every member account', () => {
    const { stack } = newStack();
    new CostCenterBudget(stack, 'Claims', {
      costCenter: CostCenter.of('claims', { dept: 'claims', env: 'prod' }),
      limit: 1000,
      enforcement: BudgetEnforcement.denyInvocationScp({ targetIds: ['444455556666'] }),
    });
    const scp = onlyResource(Template.fromStack(stack), 'AWS::Organizations::Policy');
    expect(scp.Content.Statement).toEqual([{
      Sid: 'DenyBedrockInvocationThroughCostCenterProfiles',
      Effect: 'Deny',
      Action: INVOKE,
      Resource: 'arn:*:bedrock:*:*:application-inference-profile/*',
      Condition: { StringEquals: { 'aws:ResourceTag/dept': 'claims', 'aws:ResourceTag/env': 'prod' } },
    }]);
  });

  test('profiles created in the budget\'s own (management) account are reported: SCPs do not apply there', () => {
    const { stack } = newStack();
    const own = new ApplicationInferenceProfile(stack, 'Own', { modelSource: ModelSource.foundationModel('amazon.nova-pro-v1:0'), tags: { dept: 'claims' } });
    new CostCenterBudget(stack, 'Claims', {
      profiles: [own],
      limit: 1000,
      enforcement: BudgetEnforcement.denyInvocationScp({ targetIds: ['444455556666'] }),
    });
    Annotations.fromStack(stack).hasWarning('/Stack/Claims', Match.stringLikeRegexp('Stack/Own live in the budget\'s own account, where service control policies do not apply'));
  });

  test('the execution role may attach/detach only that SCP, only to those targets', () => {
    const { stack, template, budget } = scpEnforcement('o-abcdef1234');
    const role = template.toJSON().Resources[stack.getLogicalId(budget.enforcementRole!.node.defaultChild as any)].Properties;
    const scpId = stack.getLogicalId(budget.node.findChild('Enforcement').node.findChild('DenyPolicy') as any);
    const orgArn = (rest: string) => ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:organizations::${ACCOUNT}:${rest}`]] });
    expect(role.Policies[0].PolicyDocument.Statement).toEqual([{
      Sid: 'AttachAndDetachTheDenyScpOnly',
      Effect: 'Allow',
      Action: ['organizations:AttachPolicy', 'organizations:DetachPolicy'],
      Resource: [{ 'Fn::GetAtt': [scpId, 'Arn'] }, orgArn('account/o-abcdef1234/444455556666'), orgArn('ou/o-abcdef1234/ou-ab12-cdef3456')],
    }]);
  });

  test('without the organization ID, the targets\' ARNs use o-* and each is acknowledged in cdk-nag with a reason', () => {
    const { app, stack, budget } = scpEnforcement();
    expectNagClean(stack);
    expectSchemaValid(app);
    const acks = budget.enforcementRole!.node.metadata.filter((m) => m.type === 'aws:cdk:acknowledged-rules').map((m) => Object.keys(m.data)[0]);
    expect(acks).toEqual([
      `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:organizations::${ACCOUNT}:account/o-*/444455556666]`,
      `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:organizations::${ACCOUNT}:ou/o-*/ou-ab12-cdef3456]`,
    ]);
  });

  test('with the organization ID there is no wildcard and no acknowledgement', () => {
    const { stack, budget } = scpEnforcement('o-abcdef1234');
    expect(nagFindings(stack)).toEqual([]);
    expect(budget.enforcementRole!.node.metadata.filter((m) => m.type === 'aws:cdk:acknowledged-rules')).toEqual([]);
  });
});

describe('one list of invoke actions', () => {
  test('both deny policies deny exactly INVOKE_ACTIONS (the list grants use), not a wildcard', () => {
    const { template } = iamEnforcement();
    expect(onlyResource(template, 'AWS::IAM::ManagedPolicy').PolicyDocument.Statement[0].Action).toEqual([...INVOKE_ACTIONS]);
    const { stack } = newStack();
    new CostCenterBudget(stack, 'Claims', {
      costCenter: CostCenter.of('claims', { dept: 'claims' }),
      limit: 1000,
      enforcement: BudgetEnforcement.denyInvocationScp({ targetIds: ['444455556666'] }),
    });
    expect(onlyResource(Template.fromStack(stack), 'AWS::Organizations::Policy').Content.Statement[0].Action).toEqual([...INVOKE_ACTIONS]);
  });
});
