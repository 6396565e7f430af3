import * as fs from 'fs';
import * as path from 'path';
import { App, Aws, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import { AwsSolutionsChecks } from 'cdk-nag';
import { acknowledgeNagFinding, expectNagClean, nagFindings } from './nag';

function newStack(): { app: App; stack: Stack } {
  const app = new App();
  return { app, stack: new Stack(app, 'Stack') };
}

/** A role whose default policy grants bedrock:InvokeModel on '*' (AwsSolutions-IAM5[Resource::*]). */
function wildcardRole(stack: Stack, resource = '*'): iam.Role {
  const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  role.addToPolicy(new iam.PolicyStatement({ actions: ['bedrock:InvokeModel'], resources: [resource] }));
  return role;
}

describe('nag', () => {
  test('a compliant minimal stack is clean', () => {
    const { stack } = newStack();
    const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
    new sns.Topic(stack, 'Topic', { masterKey: key, enforceSSL: true });
    expect(nagFindings(stack)).toEqual([]);
    expect(() => expectNagClean(stack)).not.toThrow();
  });

  test('a wildcard resource is reported as AwsSolutions-IAM5, and is gone once acknowledged through core metadata', () => {
    const { stack } = newStack();
    const role = wildcardRole(stack);

    expect(nagFindings(stack)).toEqual([{
      ruleId: 'AwsSolutions-IAM5',
      findingId: 'AwsSolutions-IAM5[Resource::*]',
      constructPath: 'Stack/Role/DefaultPolicy/Resource',
      message: expect.stringContaining('wildcard'),
      severity: 'error',
      pack: 'AwsSolutions',
    }]);
    expect(() => expectNagClean(stack)).toThrow(
      /1 unacknowledged cdk-nag finding.*\n\s+\[error\] AwsSolutions-IAM5\[Resource::\*\] at Stack\/Role\/DefaultPolicy\/Resource: .*wildcard.* \(rule AwsSolutions-IAM5\)/);

    // what a library construct can do without importing cdk-nag: metadata on the L2 (an ancestor of the CfnPolicy)
    role.node.addMetadata(Validations.ACKNOWLEDGED_RULES_METADATA_KEY, {
      'AwsSolutions-IAM5[Resource::*]': 'InvokeModel on any model is the point of this test role',
    });
    expect(Validations.ACKNOWLEDGED_RULES_METADATA_KEY).toEqual('aws:cdk:acknowledged-rules');
    expect(nagFindings(stack)).toEqual([]);
    expect(() => expectNagClean(stack)).not.toThrow();

  });

  test('an acknowledgement stays out of the CloudFormation template; the cloud assembly records it', () => {
    const { app, stack } = newStack();
    acknowledgeNagFinding(wildcardRole(stack), 'AwsSolutions-IAM5[Resource::*]', 'recorded reason');
    const dir = app.synth().directory;
    expect(fs.readFileSync(path.join(dir, 'Stack.template.json'), 'utf8')).not.toContain('recorded reason');
    expect(fs.readFileSync(path.join(dir, 'Stack.metadata.json'), 'utf8')).toContain('aws:cdk:acknowledged-rules');
  });

  test('the bare rule id does not acknowledge a finding-level rule; the finding id does, on any ancestor', () => {
    const { stack } = newStack();
    wildcardRole(stack);
    acknowledgeNagFinding(stack, 'AwsSolutions-IAM5', 'too broad: ignored by cdk-nag 3');
    expect(nagFindings(stack).map((f) => f.findingId)).toEqual(['AwsSolutions-IAM5[Resource::*]']);
    acknowledgeNagFinding(stack, 'AwsSolutions-IAM5[Resource::*]', 'stack-wide acknowledgement');
    expect(nagFindings(stack)).toEqual([]);
    expect(() => acknowledgeNagFinding(stack, 'AwsSolutions-IAM4', ' ')).toThrow(/reason is required/);
  });

  test('Validations.acknowledge() works for ids with at most one "::", and rejects finding ids with more', () => {
    const { stack } = newStack();
    const role = wildcardRole(stack);
    Validations.of(role).acknowledge({ id: 'AwsSolutions-IAM5[Resource::*]', reason: 'one :: is taken as a prefix and kept verbatim' });
    expect(nagFindings(stack)).toEqual([]);

    const other = newStack();
    const tokenRole = wildcardRole(other.stack, `arn:${Aws.PARTITION}:bedrock:${Aws.REGION}::foundation-model/*`);
    const findingId = 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:bedrock:<AWS::Region>::foundation-model/*]';
    expect(nagFindings(other.stack).map((f) => f.findingId)).toEqual([findingId]);
    expect(() => Validations.of(tokenRole).acknowledge({ id: findingId, reason: 'any foundation model' })).toThrow(/Invalid validation rule ID/);
    acknowledgeNagFinding(tokenRole, findingId, 'any foundation model');
    expect(nagFindings(other.stack)).toEqual([]);
  });

  test('a Lambda function with the default role reports AwsSolutions-IAM4 with a managed policy finding id', () => {
    const { stack } = newStack();
    const fn = new lambda.Function(stack, 'Fn', {
      runtime: lambda.Runtime.NODEJS_22_X,
      handler: 'index.handler',
      code: lambda.Code.fromInline('exports.handler = async () => {};'),
    });
    const findingId = 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]';
    expect(nagFindings(stack).map((f) => f.findingId)).toContain(findingId);
    acknowledgeNagFinding(fn, findingId, 'basic execution role: logs only');
    expect(nagFindings(stack).map((f) => f.findingId)).not.toContain(findingId);
  });

  test('other packs can be run, on an App too', () => {
    const { app, stack } = newStack();
    wildcardRole(stack);
    expect(nagFindings(app, { packs: [new AwsSolutionsChecks()] }).map((f) => f.constructPath)).toEqual(['Stack/Role/DefaultPolicy/Resource']);
  });
});
