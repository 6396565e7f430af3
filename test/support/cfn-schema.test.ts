import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Aws, CfnCondition, CfnParameter, CfnResource, Fn, NestedStack, Stack } from 'aws-cdk-lib';
import * as bedrock from 'aws-cdk-lib/aws-bedrock';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import {
  CFN_SCHEMAS_DIR, expectSchemaValid, formatSchemaViolations, validateAssembly, validateStack, validateTemplate,
} from './cfn-schema';

function newStack(id = 'Stack'): { app: App; stack: Stack } {
  const app = new App();
  return { app, stack: new Stack(app, id) };
}

const MODEL_ARN = 'arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-haiku-20240307-v1:0';

describe('cfn-schema', () => {
  test('a compliant minimal stack passes', () => {
    const { stack } = newStack();
    new sns.Topic(stack, 'Topic', { topicName: 'cost-alerts' });
    new ssm.StringParameter(stack, 'Param', { parameterName: '/cost/limit', stringValue: '100' });
    new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    new bedrock.CfnApplicationInferenceProfile(stack, 'Profile', {
      inferenceProfileName: 'team-a',
      modelSource: { copyFrom: MODEL_ARN },
      tags: [{ key: 'CostCenter', value: 'team-a' }],
    });

    expect(validateStack(stack)).toEqual([]);
    expect(() => expectSchemaValid(stack)).not.toThrow();
  });

  test('a value too long is reported with its path, schema path and message', () => {
    const { stack } = newStack();
    new CfnResource(stack, 'LongTopic', { type: 'AWS::SNS::Topic', properties: { TopicName: 'x'.repeat(300) } });

    const violations = validateStack(stack);
    expect(violations).toEqual([expect.objectContaining({
      logicalId: 'LongTopic',
      type: 'AWS::SNS::Topic',
      path: '/TopicName',
      schemaPath: '#/properties/TopicName/maxLength',
      keyword: 'maxLength',
      message: 'must NOT have more than 256 characters',
    })]);
    expect(violations[0].templateFile).toMatch(/Stack\.template\.json$/);
    expect(() => expectSchemaValid(stack)).toThrow(
      /1 CloudFormation schema violation.*\n.*LongTopic \(AWS::SNS::Topic\) Properties\/TopicName \[#\/properties\/TopicName\/maxLength\]: must NOT have more than 256 characters/);
  });

  test('an unknown property, a read-only property and a bad enum value are reported', () => {
    const { stack } = newStack();
    new CfnResource(stack, 'Topic', { type: 'AWS::SNS::Topic', properties: { TopicNam: 'typo', TopicArn: 'arn:aws:sns:us-east-1:123456789012:x' } });
    new CfnResource(stack, 'Param', { type: 'AWS::SSM::Parameter', properties: { Type: 'Secure', Value: 'v' } });

    const violations = validateStack(stack);
    expect(violations).toEqual(expect.arrayContaining([
      expect.objectContaining({ logicalId: 'Topic', path: '', keyword: 'additionalProperties', message: 'must NOT have additional properties (TopicNam)' }),
      expect.objectContaining({ logicalId: 'Topic', path: '/TopicArn', keyword: 'readOnly' }),
      expect.objectContaining({ logicalId: 'Param', path: '/Type', keyword: 'enum', message: expect.stringContaining('"String", "StringList"') }),
    ]));
    expect(violations).toHaveLength(3);
  });

  test('a missing required property is reported', () => {
    const violations = validateTemplate({ Resources: { P: { Type: 'AWS::SSM::Parameter', Properties: { Value: 'v' } } } });
    expect(violations).toEqual([expect.objectContaining({ logicalId: 'P', path: '', keyword: 'required', message: "must have required property 'Type'" })]);
    expect(violations[0].templateFile).toBeUndefined();
  });

  test('intrinsic values are not judged', () => {
    const { stack } = newStack();
    const name = new CfnParameter(stack, 'Name');
    const fifo = new CfnCondition(stack, 'Fifo', { expression: Fn.conditionEquals(name.valueAsString, 'x') });
    new CfnResource(stack, 'Topic', {
      type: 'AWS::SNS::Topic',
      properties: {
        TopicName: name.valueAsString, // { Ref }, not a string
        FifoTopic: Fn.conditionIf(fifo.logicalId, true, Aws.NO_VALUE), // { Fn::If }, not a boolean
        Tags: [{ Key: 'k', Value: Fn.join('-', ['a', name.valueAsString]) }],
      },
    });
    // an intrinsic inside a oneOf (ModelSource is oneOf [{ CopyFrom }])
    new bedrock.CfnApplicationInferenceProfile(stack, 'Profile', {
      inferenceProfileName: 'team-a',
      modelSource: { copyFrom: `arn:${Aws.PARTITION}:bedrock:${Aws.REGION}::foundation-model/amazon.nova-lite-v1:0` },
    });
    // the whole Properties object an intrinsic
    new CfnResource(stack, 'Whole', { type: 'AWS::SNS::Topic', properties: Fn.conditionIf(fifo.logicalId, {}, {}) as unknown as Record<string, unknown> });

    expect(validateStack(stack)).toEqual([]);

    // the same places with literals of the wrong type are judged
    const literal = validateTemplate({
      Resources: {
        Topic: { Type: 'AWS::SNS::Topic', Properties: { TopicName: { NotAnIntrinsic: 1 }, FifoTopic: 'maybe', Tags: [{ Key: 'k', Value: 7 }] } },
        Profile: { Type: 'AWS::Bedrock::ApplicationInferenceProfile', Properties: { InferenceProfileName: 'team-a', ModelSource: { CopyFrom: 7 } } },
      },
    });
    expect(literal.map((v) => `${v.logicalId}${v.path} ${v.keyword}`)).toEqual(expect.arrayContaining([
      'Topic/TopicName type', 'Topic/FifoTopic type', 'Topic/Tags/0/Value type', 'Profile/ModelSource/CopyFrom type', 'Profile/ModelSource oneOf',
    ]));
  });

  test('a literal that fails inside a oneOf is still reported', () => {
    const violations = validateTemplate({
      Resources: {
        Profile: {
          Type: 'AWS::Bedrock::ApplicationInferenceProfile',
          Properties: { InferenceProfileName: 'team-a', ModelSource: { CopyFrom: 'not-an-arn' } },
        },
      },
    });
    expect(violations).toEqual(expect.arrayContaining([
      expect.objectContaining({ path: '/ModelSource/CopyFrom', keyword: 'pattern' }),
      expect.objectContaining({ path: '/ModelSource', keyword: 'oneOf' }),
    ]));
  });

  test('custom resources are skipped, but need a ServiceToken', () => {
    const violations = validateTemplate({
      Resources: {
        Ok: { Type: 'Custom::Thing', Properties: { ServiceToken: { 'Fn::GetAtt': ['Fn', 'Arn'] }, Anything: 1 } },
        Cfn: { Type: 'AWS::CloudFormation::CustomResource', Properties: { ServiceToken: 'arn' } },
        NoToken: { Type: 'Custom::Thing', Properties: { Anything: 1 } },
        Meta: { Type: 'AWS::CDK::Metadata', Properties: { Analytics: 'v2:deflate64:x' } },
      },
    });
    expect(violations).toEqual([expect.objectContaining({ logicalId: 'NoToken', keyword: 'serviceToken' })]);
  });

  test('a resource type without a schema fixture is itself a violation', () => {
    const violations = validateTemplate({ Resources: { Q: { Type: 'AWS::Made::Up', Properties: {} } } });
    expect(violations).toEqual([expect.objectContaining({ logicalId: 'Q', type: 'AWS::Made::Up', keyword: 'noSchema' })]);
    expect(violations[0].message).toContain('aws-made-up.json');
  });

  test('validateAssembly covers every stack of an App, nested stacks included, and a cloud assembly directory', () => {
    const app = new App();
    const a = new Stack(app, 'A');
    const b = new Stack(app, 'B');
    new CfnResource(a, 'BadA', { type: 'AWS::SNS::Topic', properties: { Nope: 1 } });
    new CfnResource(b, 'BadB', { type: 'AWS::SNS::Topic', properties: { Nope: 2 } });
    const nested = new NestedStack(b, 'Nested');
    new CfnResource(nested, 'BadNested', { type: 'AWS::SNS::Topic', properties: { Nope: 3 } });

    const fromApp = validateAssembly(app);
    expect(fromApp.map((v) => v.logicalId).sort()).toEqual(['BadA', 'BadB', 'BadNested']);
    expect(validateStack(b).map((v) => v.logicalId).sort()).toEqual(['BadB', 'BadNested']);

    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cfn-schema-test-'));
    try {
      fs.cpSync(app.synth().directory, dir, { recursive: true });
      expect(validateAssembly(dir).map((v) => v.logicalId).sort()).toEqual(['BadA', 'BadB', 'BadNested']);
      expect(() => expectSchemaValid(dir)).toThrow(/3 CloudFormation schema violation/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
    expect(formatSchemaViolations(fromApp).split('\n')).toHaveLength(3);
  });

  test('the schema fixtures include the types this library synthesizes', () => {
    for (const file of ['aws-bedrock-applicationinferenceprofile.json', 'aws-budgets-budget.json', 'aws-ce-anomalysubscription.json',
      'aws-cloudwatch-dashboard.json', 'aws-lambda-function.json', 'aws-ec2-natgateway.json', 'aws-cloudformation-stackset.json']) {
      expect(fs.existsSync(path.join(CFN_SCHEMAS_DIR, file))).toBe(true);
    }
  });
});
