import { BedrockClient } from '@aws-sdk/client-bedrock';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { isComplete as converge } from './converge';
import { onEvent as validate } from './on-event';
import { batchSettingsFromEnv } from './settings';
import { PACING_TABLE_KEY } from '../../src/contracts/profile-batch';
import { CfnEvent, IsCompleteEvent, IsCompleteResponse, OnEventResponse } from '../shared/cfn-event';
import { jsonLogger } from '../shared/log';
import { LocalSchedule, PacingSchedule, TableSchedule } from '../shared/pacing';
import { realSleep, retryOptionsFromEnv } from '../shared/retry';

// maxAttempts 1: shared/retry.ts is the one retry layer (bounded, jittered)
const bedrock = new BedrockClient({ maxAttempts: 1 });
let schedule: PacingSchedule | undefined;

/** The pacing schedule: the shared table when configured, else this warm function's own (kept between invocations). */
function pacingSchedule(settings: ReturnType<typeof batchSettingsFromEnv>): PacingSchedule {
  schedule ??= settings.pacingTable
    ? new TableSchedule({
      dynamodb: new DynamoDBClient({ maxAttempts: 1 }),
      tableName: settings.pacingTable,
      keyAttribute: PACING_TABLE_KEY,
      callsPerSecond: settings.callsPerSecond,
      retry: retryOptionsFromEnv(process.env),
    })
    : new LocalSchedule({ callsPerSecond: settings.callsPerSecond });
  return schedule;
}

/** onEvent entry point of the profile batch (custom_resources.Provider framework). */
export async function onEvent(event: CfnEvent): Promise<OnEventResponse> {
  return validate(event, { log: jsonLogger });
}

/** isComplete entry point of the profile batch (custom_resources.Provider framework). */
export async function isComplete(event: IsCompleteEvent): Promise<IsCompleteResponse> {
  const settings = batchSettingsFromEnv(process.env);
  return converge(event, {
    bedrock,
    retry: retryOptionsFromEnv(process.env),
    log: jsonLogger,
    region: process.env.AWS_REGION ?? 'unknown',
    schedule: pacingSchedule(settings),
    clock: Date.now,
    sleep: realSleep,
    workBudgetMs: settings.workBudgetMs,
  });
}

/** The onEvent entry point under the name the library's other handlers use. */
export const handler = onEvent;
