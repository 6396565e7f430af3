import { BedrockClient } from '@aws-sdk/client-bedrock';
import { onEvent } from './on-event';
import { CfnEvent, OnEventResponse } from '../shared/cfn-event';
import { jsonLogger } from '../shared/log';
import { retryOptionsFromEnv } from '../shared/retry';

// maxAttempts 1: shared/retry.ts is the one retry layer (bounded, jittered)
const bedrock = new BedrockClient({ maxAttempts: 1 });

/** onEvent entry point of the profile provider (custom_resources.Provider framework). */
export async function handler(event: CfnEvent): Promise<OnEventResponse> {
  return onEvent(event, { bedrock, retry: retryOptionsFromEnv(process.env), log: jsonLogger, region: process.env.AWS_REGION ?? 'unknown' });
}
