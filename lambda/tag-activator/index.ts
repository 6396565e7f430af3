import { CostExplorerClient } from '@aws-sdk/client-cost-explorer';
import { SSMClient } from '@aws-sdk/client-ssm';
import { ActivatorContext, onEvent, onRetry, RetryEvent } from './on-event';
import { RETRY_ACTION } from '../../src/contracts/tag-activation';
import { CfnEvent, OnEventResponse } from '../shared/cfn-event';
import { jsonLogger } from '../shared/log';
import { retryOptionsFromEnv } from '../shared/retry';

// Cost Explorer is served from us-east-1 for the aws partition (its endpoint rules map any Region there).
const ctx: ActivatorContext = {
  ce: new CostExplorerClient({ maxAttempts: 1 }),
  ssm: new SSMClient({ maxAttempts: 1 }),
  retry: retryOptionsFromEnv(process.env),
  log: jsonLogger,
  now: () => new Date(),
};

/** Entry point: custom resource events from the Provider framework, and scheduled retries. */
export async function handler(event: CfnEvent | RetryEvent): Promise<OnEventResponse | unknown> {
  if ((event as RetryEvent).action === RETRY_ACTION) return onRetry(event as RetryEvent, ctx);
  return onEvent(event as CfnEvent, ctx);
}
