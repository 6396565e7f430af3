import { S3Client } from '@aws-sdk/client-s3';
import { onEvent } from './on-event';
import { CfnEvent, OnEventResponse } from '../shared/cfn-event';
import { jsonLogger } from '../shared/log';
import { retryOptionsFromEnv } from '../shared/retry';

// one client per Region (a request must be signed for its bucket's Region); maxAttempts 1: shared/retry.ts is the one retry layer
const clients = new Map<string, S3Client>();
function s3For(region: string): S3Client {
  let client = clients.get(region);
  if (!client) {
    client = new S3Client({ region, maxAttempts: 1 });
    clients.set(region, client);
  }
  return client;
}

/** onEvent entry point of the stack-set asset replication provider (custom_resources.Provider framework). */
export async function handler(event: CfnEvent): Promise<OnEventResponse> {
  return onEvent(event, {
    s3For,
    sourceRegion: process.env.AWS_REGION ?? 'us-east-1',
    retry: retryOptionsFromEnv(process.env),
    log: jsonLogger,
  });
}
