import { BedrockClient } from '@aws-sdk/client-bedrock';
import { STSClient } from '@aws-sdk/client-sts';
import { onEvent } from './on-event';
import { TargetAccess } from './target-account';
import { CfnEvent, OnEventResponse } from '../shared/cfn-event';
import { jsonLogger } from '../shared/log';
import { retryOptionsFromEnv } from '../shared/retry';

// maxAttempts 1: shared/retry.ts is the one retry layer (bounded, jittered)
const bedrock = new BedrockClient({ maxAttempts: 1 });
/** Profiles in other accounts: the member account's role is assumed, and a client made with its credentials per event. */
const targets: TargetAccess = {
  sts: new STSClient({ maxAttempts: 1 }),
  bedrockWith: (credentials) => new BedrockClient({ maxAttempts: 1, credentials }),
};

/** onEvent entry point of the profile provider (custom_resources.Provider framework). */
export async function handler(event: CfnEvent): Promise<OnEventResponse> {
  return onEvent(event, { bedrock, retry: retryOptionsFromEnv(process.env), log: jsonLogger, targets, region: process.env.AWS_REGION ?? 'unknown' });
}
