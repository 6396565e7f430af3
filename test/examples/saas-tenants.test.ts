import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { NestedStack, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { buildSaasApp, TAG_SCHEMA } from '../../examples/saas-tenants/app';
import { CostAttributionChecks, CostCenterTable } from '../../src';
import { PROFILE_BATCH_RESOURCE_TYPE } from '../../src/contracts/profile-batch';
import { expectSchemaValid } from '../support/cfn-schema';
import { controlTowerFindings } from '../support/control-tower';
import { expectNagClean } from '../support/nag';

describe('examples/saas-tenants', () => {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'saas-test-'));
  const { app, stack } = buildSaasApp(outdir);
  const shards = stack.node.findAll().filter((c): c is NestedStack => NestedStack.isNestedStack(c));
  const all = (type: string) => shards.flatMap((s) => Object.values(Template.fromStack(s).findResources(type)));
  const table = CostCenterTable.fromFile(path.join(__dirname, '..', '..', 'examples', 'saas-tenants', 'tenants.yaml'));

  test('the table file holds 100 tenants, and each gets its profile, budget and catalog entry across the 8 shards', () => {
    expect(table.length).toBe(100);
    expect(stack.governance.costCenterNames).toEqual(table.names);
    expect(shards.length).toBeLessThanOrEqual(8);
    const members = all(PROFILE_BATCH_RESOURCE_TYPE).flatMap((r) => r.Properties.Members as Array<{ Key: string; Tags: unknown; CopyFrom: unknown }>);
    expect(members.map((m) => m.Key).sort()).toEqual(table.names.map((n) => `${n}/chat`).sort());
    expect(all('AWS::Budgets::Budget')).toHaveLength(100);
    expect(all('AWS::SSM::Parameter')).toHaveLength(100);
    // the defaults of the file: Nova Pro for standard tenants; premium tenants' rows override it
    const premium = members.filter((m) => JSON.stringify(m.Tags).includes('"premium"'));
    expect(premium).toHaveLength(10);
    for (const m of premium) expect(JSON.stringify(m.CopyFrom)).toContain('us.anthropic.claude-sonnet-4-5');
    for (const m of members.filter((x) => !premium.includes(x))) expect(JSON.stringify(m.CopyFrom)).toContain('amazon.nova-pro-v1:0');
  });

  test('premium tenants are capped by the spend meter; the chat API may call the resolver and assume the tenant role with session tags', () => {
    expect(stack.governance.costCenterNames.filter((n) => stack.governance.costCenter(n).cap !== undefined)).toHaveLength(10);
    const template = Template.fromStack(stack);
    const tenantRoleId = stack.getLogicalId(stack.tenantRole.node.defaultChild as never);
    const trust = JSON.stringify(template.toJSON().Resources[tenantRoleId].Properties.AssumeRolePolicyDocument);
    expect(trust).toContain('sts:TagSession');
    expect(trust).toContain('aws:RequestTag/tenant');
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      Roles: [{ Ref: stack.getLogicalId(stack.tenantRole.node.defaultChild as never) }],
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({
          Sid: 'InvokeProfilesOfTheCallersCostCenter',
          Condition: Match.objectLike({ StringEquals: { 'aws:ResourceTag/tenant': '${aws:PrincipalTag/tenant}' } }),
        })]),
      },
    });
  });

  test('every resource validates against the CloudFormation schemas', () => {
    expectSchemaValid(app);
  });

  test('cdk-nag AwsSolutions and the cost-attribution pack: no unacknowledged finding', () => {
    expectNagClean(stack, { packs: [new AwsSolutionsChecks(), new CostAttributionChecks(undefined, { tagSchema: TAG_SCHEMA })] });
  });

  // CT.LAMBDA.PR.3 needs the user's network; the report bucket leaves server access logging, event
  // notifications and Object Lock to its owner; the meter's failed-event queue is a dead-letter queue itself
  test('AWS Control Tower proactive controls: only the VPC control and the documented bucket and queue controls fail', () => {
    const failing = controlTowerFindings(app).map((f) => f.controlId).filter((c) => c !== 'CT.LAMBDA.PR.3');
    expect([...new Set(failing)].sort()).toEqual(['CT.S3.PR.2', 'CT.S3.PR.4', 'CT.S3.PR.9', 'CT.SQS.PR.1']);
    expect(Stack.of(stack.chatApi)).toBe(stack);
  });
});
