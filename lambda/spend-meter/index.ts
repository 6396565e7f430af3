import { BedrockClient } from '@aws-sdk/client-bedrock';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ResourceGroupsTaggingAPIClient } from '@aws-sdk/client-resource-groups-tagging-api';
import { ProfileDirectory } from './profile-directory';
import { SubscriptionEvent } from './records';
import { meterBatch, MeterContext, MeterSummary } from './run';
import { meterSettingsFromEnv } from './settings';
import { METER_DEFAULTS } from '../../src/contracts/spend-meter';
import { jsonLogger } from '../shared/log';
import { retryOptionsFromEnv } from '../shared/retry';

// maxAttempts 1: shared/retry.ts is the one retry layer (bounded, jittered)
const dynamodb = new DynamoDBClient({ maxAttempts: 1 });
const bedrock = new BedrockClient({ maxAttempts: 1 });
const tagging = new ResourceGroupsTaggingAPIClient({ maxAttempts: 1 });
const retry = retryOptionsFromEnv(process.env);

/** The container's settings and profile index (it lives as long as the container), built at the first invocation. */
let built: Omit<MeterContext, 'emit'> | undefined;

function container(): Omit<MeterContext, 'emit'> {
  if (built) return built;
  const settings = meterSettingsFromEnv(process.env);
  const directory = new ProfileDirectory({
    scan: { tagging, bedrock, retry, log: jsonLogger },
    now: Date.now,
    ttlMs: (settings.profileIndexTtlSeconds ?? METER_DEFAULTS.profileIndexTtlSeconds) * 1000,
  });
  built = { settings, dynamodb, directory, retry, log: jsonLogger, now: Date.now };
  return built;
}

/** Entry point: a CloudWatch Logs subscription event of Bedrock's invocation log group. */
export async function handler(event: SubscriptionEvent): Promise<MeterSummary> {
  // EMF lines go to stdout whatever LOG_LEVEL says: they are the metrics, not logs
  return meterBatch({ ...container(), emit: (line) => process.stdout.write(`${line}\n`) }, event);
}
