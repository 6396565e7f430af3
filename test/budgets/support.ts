import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { Construct } from 'constructs';
import { ApplicationInferenceProfile, IApplicationInferenceProfile } from '../../src';

export const ACCOUNT = '111122223333';

/** A stack with a concrete account and Region, in its own App. */
export function newStack(id = 'Stack'): { app: App; stack: Stack } {
  const app = new App();
  return { app, stack: new Stack(app, id, { env: { account: ACCOUNT, region: 'us-east-1' } }) };
}

/** An imported profile with tags (no provider function in the stack). */
export function importedProfile(scope: Construct, id: string, tags: { [key: string]: string }, profileId = id.toLowerCase().padEnd(12, 'x')): IApplicationInferenceProfile {
  return ApplicationInferenceProfile.fromProfileAttributes(scope, id, {
    profileArn: `arn:aws:bedrock:us-east-1:${ACCOUNT}:application-inference-profile/${profileId}`,
    tags,
  });
}

/** The properties of the only resource of a type. */
export function onlyResource(template: Template, type: string): any {
  const resources = Object.values(template.findResources(type));
  if (resources.length !== 1) throw new Error(`expected one ${type}, found ${resources.length}`);
  return resources[0].Properties;
}

/** `Tags: { Key, Values: [value] }` as the budget writes it. */
export function tag(key: string, value: string): object {
  return { Tags: { Key: key, Values: [value] } };
}

/**
 * The Bedrock scope's service/billing-entity condition, written out (not imported) so that a change
 * of the library's Bedrock billing scope shows here: Bedrock's three service names OR the AWS
 * Marketplace billing entity.
 */
export const BEDROCK_OR_MARKETPLACE = {
  Or: [
    { Dimensions: { Key: 'SERVICE', Values: ['Amazon Bedrock', 'Amazon Bedrock Service', 'AmazonBedrockFoundationModels'] } },
    { Dimensions: { Key: 'BILLING_ENTITY', Values: ['AWS Marketplace'] } },
  ],
};
