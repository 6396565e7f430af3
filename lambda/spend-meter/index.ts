import { BedrockClient } from '@aws-sdk/client-bedrock';
import { CostExplorerClient, GetCostAndUsageCommand } from '@aws-sdk/client-cost-explorer';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { IAMClient } from '@aws-sdk/client-iam';
import { ResourceGroupsTaggingAPIClient } from '@aws-sdk/client-resource-groups-tagging-api';
import { SNSClient } from '@aws-sdk/client-sns';
import { CapReader } from './caps';
import { iamWriterOf, RoleIds } from './enforcement-iam';
import { liftDenies, LiftSummary } from './enforcement-lift';
import { ProfileDirectory } from './profile-directory';
import { reconcile, ReconcileSummary } from './reconcile';
import { SubscriptionEvent } from './records';
import { enforcementContext, meterBatch, MeterContext, MeterSummary } from './run';
import { meterSettingsFromEnv } from './settings';
import { METER_DEFAULTS, MeterControlEvent } from '../../src/contracts/spend-meter';
import { jsonLogger } from '../shared/log';
import { retryOptionsFromEnv } from '../shared/retry';

// maxAttempts 1: shared/retry.ts is the one retry layer (bounded, jittered)
const dynamodb = new DynamoDBClient({ maxAttempts: 1 });
const bedrock = new BedrockClient({ maxAttempts: 1 });
const tagging = new ResourceGroupsTaggingAPIClient({ maxAttempts: 1 });
const sns = new SNSClient({ maxAttempts: 1 });
// IAM is a global service: the SDK's endpoint rules send every Region's requests to iam.amazonaws.com (aws partition)
const iam = iamWriterOf(new IAMClient({ maxAttempts: 1 }));
// Cost Explorer has one endpoint per partition: the SDK's endpoint rules send the request there whatever AWS_REGION is
const ce = new CostExplorerClient({ maxAttempts: 1 });
const retry = retryOptionsFromEnv(process.env);

/** The container's settings, profile index, cap cache and role IDs (they live as long as the container), built at the first invocation. */
let built: Omit<MeterContext, 'emit'> | undefined;

function container(): Omit<MeterContext, 'emit'> {
  if (built) return built;
  const settings = meterSettingsFromEnv(process.env);
  const directory = new ProfileDirectory({
    scan: { tagging, bedrock, retry, log: jsonLogger },
    now: Date.now,
    ttlMs: (settings.profileIndexTtlSeconds ?? METER_DEFAULTS.profileIndexTtlSeconds) * 1000,
  });
  const caps = new CapReader({ client: dynamodb, tableName: settings.tableName, retry, log: jsonLogger }, Date.now,
    (settings.enforcement?.capCacheSeconds ?? METER_DEFAULTS.capCacheSeconds) * 1000);
  const enforcement = { caps, sns, iam, roles: new RoleIds(iam, retry, jsonLogger) };
  built = { settings, dynamodb, directory, retry, log: jsonLogger, now: Date.now, enforcement };
  return built;
}

// EMF lines go to stdout whatever LOG_LEVEL says: they are the metrics, not logs
const emit = (line: string) => void process.stdout.write(`${line}\n`);

/**
 * Entry point: a CloudWatch Logs subscription event of Bedrock's invocation log group, or a
 * control event from the construct's schedules: `{ "action": "lift" }` (hourly),
 * `{ "action": "liftAll" }` (stack deletion), `{ "action": "reconcile" }` (daily).
 */
export async function handler(event: SubscriptionEvent | MeterControlEvent): Promise<MeterSummary | LiftSummary | ReconcileSummary> {
  const ctx = { ...container(), emit };
  if ('action' in event) {
    switch (event.action) {
      case 'lift':
      case 'liftAll':
        return liftDenies(enforcementContext(ctx, ctx.enforcement!), event.action === 'liftAll');
      case 'reconcile':
        return reconcile({ ...ctx, ce: { getCostAndUsage: (input) => ce.send(new GetCostAndUsageCommand(input)) } }, event.day);
      default:
        throw new Error(`unknown action ${JSON.stringify((event as { action: unknown }).action)}`);
    }
  }
  return meterBatch(ctx, event);
}
