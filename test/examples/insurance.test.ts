import * as path from 'path';
import { Template } from 'aws-cdk-lib/assertions';
import { buildInsuranceApp, MODELS } from '../../examples/insurance/app';
import { expectSchemaValid } from '../support/cfn-schema';
import { controlTowerFindings } from '../support/control-tower';
import { expectNagClean } from '../support/nag';

describe('examples/insurance', () => {
  const outdir = path.join(__dirname, '..', '..', '.tmp', 'insurance-test');
  const { app, stack } = buildInsuranceApp(outdir);
  const template = Template.fromStack(stack);

  test('a tagged profile per department, on current models', () => {
    template.resourceCountIs('Custom::BedrockApplicationInferenceProfile', 3);
    const profiles = Object.values(template.findResources('Custom::BedrockApplicationInferenceProfile')).map((r) => r.Properties);
    for (const [dept, id] of [['claims', `us.${MODELS.claudeSonnet}`], ['underwriting', `us.${MODELS.llama70b}`], ['customer-service', MODELS.novaPro]]) {
      const profile = profiles.find((p) => p.Tags.some((t: { Key: string; Value: string }) => t.Key === 'dept' && t.Value === dept));
      expect(profile?.Tags).toEqual([{ Key: 'company', Value: 'example-insurance' }, { Key: 'dept', Value: dept }]);
      expect(JSON.stringify(profile?.CopyFrom)).toContain(`/${id}"`);
    }
  });

  test('the claims service may invoke through the claims profile only', () => {
    const policies = template.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: stack.getLogicalId(stack.claimsFunction.role!.node.defaultChild as never) }] } });
    const statements = Object.values(policies).flatMap((p) => p.Properties.PolicyDocument.Statement);
    const invoke = statements.filter((s: { Action: unknown }) => JSON.stringify(s.Action).includes('bedrock:InvokeModel'));
    expect(invoke).toHaveLength(2);
    expect(JSON.stringify(invoke)).toContain(stack.getLogicalId(stack.claims.node.findChild('Resource').node.defaultChild as never));
    expect(JSON.stringify(invoke)).not.toContain('Underwriting');
  });

  test('every resource validates against the CloudFormation schemas', () => {
    expectSchemaValid(app);
  });

  test('cdk-nag AwsSolutions: no unacknowledged finding', () => {
    expectNagClean(stack);
  });

  test('AWS Control Tower proactive controls: only the VPC control fails (it needs the user\'s network)', () => {
    const failing = controlTowerFindings(app).map((f) => f.controlId);
    expect([...new Set(failing)].sort()).toEqual(['CT.LAMBDA.PR.3']);
  });
});
