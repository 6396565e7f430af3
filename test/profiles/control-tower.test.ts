import { App, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { ApplicationInferenceProfile, ModelSource, ProfileProvider } from '../../src';
import { acknowledgeNagFinding } from '../../src/util/nag-acknowledgement';
import { controlTowerFindings } from '../support/control-tower';
import { expectNagClean } from '../support/nag';

describe('AWS Control Tower proactive controls', () => {
  test('defaults pass every control but CT.LAMBDA.PR.3 (Lambda in a VPC needs the user\'s network)', () => {
    const stack = new Stack(new App(), 'Stack', { env: { region: 'us-east-1', account: '111122223333' } });
    new ApplicationInferenceProfile(stack, 'P', { modelSource: ModelSource.foundationModel('amazon.nova-pro-v1:0') });
    const controls = [...new Set(controlTowerFindings(stack).map((f) => f.controlId))];
    expect(controls).toEqual(['CT.LAMBDA.PR.3']);
  });

  test('with ProfileProvider.configure({ vpc }) every control passes', () => {
    const stack = new Stack(new App(), 'Stack', { env: { region: 'us-east-1', account: '111122223333' } });
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 1, restrictDefaultSecurityGroup: false });
    acknowledgeNagFinding(vpc, 'AwsSolutions-VPC7', 'The VPC is the test\'s stand-in for the user\'s network; its flow logs are the user\'s choice.');
    ProfileProvider.configure(stack, { vpc, vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS } });
    new ApplicationInferenceProfile(stack, 'P', { modelSource: ModelSource.foundationModel('amazon.nova-pro-v1:0') });
    // CT.EC2.PR.11 concerns the public subnets of the test's VPC, not the library's resources
    expect(controlTowerFindings(stack, { exempt: ['CT.EC2.PR.11'] })).toEqual([]);
    expectNagClean(stack);
  });
});
