import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Duration, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import {
  controlTowerFindings, controlTowerRules, executableCfnGuard, expectControlTowerCompliant,
} from './control-tower';

function lambdaStack(app: App, id: string): { stack: Stack; fn: lambda.Function } {
  const stack = new Stack(app, id);
  const fn = new lambda.Function(stack, 'Fn', {
    runtime: lambda.Runtime.NODEJS_22_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => {};'),
  });
  return { stack, fn };
}

describe('control-tower', () => {
  test('a compliant minimal stack passes', () => {
    const app = new App();
    const stack = new Stack(app, 'Stack');
    const topic = new sns.Topic(stack, 'Topic');
    new ssm.StringParameter(stack, 'Param', { stringValue: 'v' });
    const metric = new cloudwatch.Metric({ namespace: 'Cost', metricName: 'Spend', period: Duration.hours(6) });
    metric.createAlarm(stack, 'Alarm', { threshold: 1, evaluationPeriods: 1 }).addAlarmAction(new cwActions.SnsAction(topic));

    expect(controlTowerFindings(stack)).toEqual([]);
    expect(() => expectControlTowerCompliant(stack)).not.toThrow();
  });

  test('a Lambda function outside a VPC fails CT.LAMBDA.PR.3, and passes when exempted', () => {
    const app = new App();
    const { stack, fn } = lambdaStack(app, 'Stack');
    const logicalId = stack.getLogicalId(fn.node.defaultChild as lambda.CfnFunction);

    const findings = controlTowerFindings(stack);
    expect(findings).toEqual([expect.objectContaining({
      controlId: 'CT.LAMBDA.PR.3',
      ruleFile: 'ct-lambda-pr-3',
      ruleName: 'lambda_inside_vpc_check',
      description: expect.stringContaining('[CT.LAMBDA.PR.3]'),
      fix: expect.stringContaining('VpcConfig'),
      resources: [expect.objectContaining({ logicalId, templateFile: expect.stringMatching(/Stack\.template\.json$/) })],
    })]);
    expect(() => expectControlTowerCompliant(stack)).toThrow(
      new RegExp(`CT\\.LAMBDA\\.PR\\.3 \\(ct-lambda-pr-3, lambda_inside_vpc_check\\).*\\n.*fix: .*\\n\\s+- ${logicalId} in Stack\\.template\\.json`));

    for (const name of ['ct-lambda-pr-3', 'CT.LAMBDA.PR.3', 'lambda_inside_vpc_check']) {
      expect(controlTowerFindings(stack, { exempt: [name] })).toEqual([]);
    }
    expect(() => expectControlTowerCompliant(stack, { exempt: [{ rule: 'CT.LAMBDA.PR.3', logicalIds: [logicalId], reason: 'test' }] })).not.toThrow();
    expect(controlTowerFindings(stack, { exempt: [{ rule: 'CT.LAMBDA.PR.3', logicalIds: [/^Other/] }] })).toHaveLength(1);
    expect(() => controlTowerFindings(stack, { exempt: ['ct-lambda-pr-99'] })).toThrow(/unknown Control Tower rule 'ct-lambda-pr-99'/);
  });

  test('a Lambda function in a VPC passes CT.LAMBDA.PR.3', () => {
    const app = new App();
    const stack = new Stack(app, 'Stack');
    const vpc = new ec2.Vpc(stack, 'Vpc', { subnetConfiguration: [{ name: 'private', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
    new lambda.Function(stack, 'Fn', {
      runtime: lambda.Runtime.NODEJS_22_X,
      handler: 'index.handler',
      code: lambda.Code.fromInline('exports.handler = async () => {};'),
      vpc,
    });
    expect(controlTowerFindings(stack).map((f) => f.controlId)).not.toContain('CT.LAMBDA.PR.3');
  });

  test('one run covers every stack of an App', () => {
    const app = new App();
    lambdaStack(app, 'One');
    lambdaStack(app, 'Two');
    const findings = controlTowerFindings(app);
    expect(findings).toHaveLength(1);
    expect(findings[0].resources.map((r) => path.basename(r.templateFile)).sort()).toEqual(['One.template.json', 'Two.template.json']);
  });

  test('log group, KMS key, alarm and queue controls are reported under their rule names', () => {
    const app = new App();
    const stack = new Stack(app, 'Stack');
    new logs.LogGroup(stack, 'Logs', { retention: logs.RetentionDays.INFINITE });
    new kms.Key(stack, 'Key');
    const metric = new cloudwatch.Metric({ namespace: 'Cost', metricName: 'Spend' });
    metric.createAlarm(stack, 'Alarm', { threshold: 1, evaluationPeriods: 1, actionsEnabled: false });
    new sqs.Queue(stack, 'Queue', { encryption: sqs.QueueEncryption.UNENCRYPTED });

    const ids = controlTowerFindings(stack).map((f) => `${f.controlId} ${f.ruleName}`).sort();
    expect(ids).toEqual([
      'CT.CLOUDWATCH.PR.1 cloudwatch_alarm_action_check',
      'CT.CLOUDWATCH.PR.2 cloudwatch_log_group_retention_period_check',
      'CT.CLOUDWATCH.PR.3 cloudwatch_log_group_encrypted_check',
      'CT.CLOUDWATCH.PR.4 cloudwatch_alarm_action_enabled_check',
      'CT.KMS.PR.1 kms_key_rotation_enabled_check',
      'CT.KMS.PR.3 kms_create_grant_aws_service_check',
      'CT.SQS.PR.1 sqs_dlq_check',
      'CT.SQS.PR.2 sqs_queue_encrypted_check',
    ]);
  });

  test('running only the rules of the resource types present finds what running every rule finds', () => {
    const app = new App();
    const stack = new Stack(app, 'Stack');
    const vpc = new ec2.Vpc(stack, 'Vpc');
    const fn = new lambda.Function(stack, 'Fn', {
      runtime: lambda.Runtime.NODEJS_22_X,
      handler: 'index.handler',
      code: lambda.Code.fromInline('exports.handler = async () => {};'),
      vpc,
    });
    new logs.LogGroup(stack, 'Logs');
    new kms.Key(stack, 'Key', { enableKeyRotation: true });
    fn.metricErrors().createAlarm(stack, 'Alarm', { threshold: 1, evaluationPeriods: 1 });
    new sqs.Queue(stack, 'Queue');

    const summary = (all: boolean) => controlTowerFindings(stack, { allRules: all })
      .map((f) => `${f.controlId}: ${f.resources.map((r) => r.logicalId).sort().join(',')}`).sort();
    const filtered = summary(false);
    expect(filtered.length).toBeGreaterThan(3);
    expect(summary(true)).toEqual(filtered);
  });

  test('every bundled rule is indexed with its control id and the resource types it evaluates', () => {
    const rules = controlTowerRules();
    expect(rules.size).toBeGreaterThan(200);
    expect(rules.get('lambda_inside_vpc_check')).toEqual(expect.objectContaining({
      controlId: 'CT.LAMBDA.PR.3', ruleFile: 'ct-lambda-pr-3', evaluatedResourceTypes: ['AWS::Lambda::Function'],
    }));
    for (const rule of rules.values()) expect(rule.evaluatedResourceTypes.length).toBeGreaterThan(0);
  });

  test('a bundled cfn-guard without the exec bit is run from an executable copy', () => {
    const app = new App();
    const bundled = executableCfnGuard(path.join(path.dirname(require.resolve('@cdklabs/cdk-validator-cfnguard/package.json')),
      'bin', 'ubuntu', os.arch() === 'arm64' ? 'aarch64' : 'x86_64', 'cfn-guard'));
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'guard-test-'));
    try {
      const noExec = path.join(dir, 'cfn-guard');
      fs.copyFileSync(bundled, noExec);
      fs.chmodSync(noExec, 0o644);
      const runnable = executableCfnGuard(noExec);
      expect(runnable).not.toEqual(noExec);
      expect(spawnSync(runnable, ['--version'], { encoding: 'utf8' }).stdout).toMatch(/cfn-guard 3\./);
      fs.rmSync(runnable, { force: true });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
      executableCfnGuard(bundled); // restore the memoized path for the other tests
    }
    expect(controlTowerFindings(new Stack(app, 'Empty'))).toEqual([]);
  });
});
