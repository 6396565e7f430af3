import { BedrockClient } from '@aws-sdk/client-bedrock';
import { SSMClient } from '@aws-sdk/client-ssm';
import { LoggingContext, onEvent } from './on-event';
import { CfnEvent, OnEventResponse } from '../shared/cfn-event';
import { jsonLogger } from '../shared/log';
import { retryOptionsFromEnv } from '../shared/retry';

const ctx: LoggingContext = {
  bedrock: new BedrockClient({ maxAttempts: 1 }),
  ssm: new SSMClient({ maxAttempts: 1 }),
  retry: retryOptionsFromEnv(process.env),
  log: jsonLogger,
  region: process.env.AWS_REGION ?? 'this Region',
  now: () => new Date(),
};

/** Entry point: custom resource events from the Provider framework. */
export async function handler(event: CfnEvent): Promise<OnEventResponse> {
  return onEvent(event, ctx);
}
