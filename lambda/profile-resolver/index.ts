import { BedrockClient } from '@aws-sdk/client-bedrock';
import { ResourceGroupsTaggingAPIClient } from '@aws-sdk/client-resource-groups-tagging-api';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { SSMClient } from '@aws-sdk/client-ssm';
import { resolverConfigFromEnv } from './config';
import { dispatch, DispatchContext, ResolverEvent, SyncOutcome } from './dispatch';
import { misconfigured } from './errors';
import { ProfileResolver } from './resolver';
import { S3SnapshotStore } from './snapshot';
import { syncCatalog, syncConfigFromEnv } from './sync';
import { ResolveResponse } from '../../src/contracts/profile-resolver';
import { errorMessage, jsonLogger } from '../shared/log';
import { retryOptionsFromEnv } from '../shared/retry';

// maxAttempts 1: shared/retry.ts is the one retry layer (bounded, jittered)
const bedrock = new BedrockClient({ maxAttempts: 1 });
const tagging = new ResourceGroupsTaggingAPIClient({ maxAttempts: 1 });
const ssm = new SSMClient({ maxAttempts: 1 });
const s3 = new S3Client({ maxAttempts: 1 });
const retry = retryOptionsFromEnv(process.env);

/** Time left for the catalog sync's writes after it starts: it stops starting writes this long before the function's timeout. */
const SYNC_DEADLINE_MARGIN_MS = 15_000;

/** The container's resolver (its index lives as long as the container), built at the first invocation. */
let built: { resolver: ProfileResolver; syncConfig: ReturnType<typeof syncConfigFromEnv> } | undefined;

function container(): NonNullable<typeof built> {
  if (built) return built;
  const config = resolverConfigFromEnv(process.env);
  let syncConfig: ReturnType<typeof syncConfigFromEnv>;
  try {
    syncConfig = syncConfigFromEnv(process.env);
  } catch (error) {
    throw misconfigured(errorMessage(error));
  }
  const snapshot = config.snapshot && new S3SnapshotStore({
    client: {
      getObject: (input) => s3.send(new GetObjectCommand(input)),
      putObject: (input) => s3.send(new PutObjectCommand(input)),
    },
    bucket: config.snapshot.bucket,
    key: config.snapshot.key,
    retry,
    log: jsonLogger,
  });
  const resolver = new ProfileResolver({ bedrock, tagging, ssm, retry, log: jsonLogger, now: Date.now, snapshot: snapshot || undefined }, config);
  built = { resolver, syncConfig };
  return built;
}

/** Entry point: ResolveRequest → ResolveResponse; `{ action: 'sync' }` and EventBridge events → index refresh and catalog sync. */
export async function handler(event: ResolverEvent, context?: { getRemainingTimeInMillis?: () => number }): Promise<ResolveResponse | SyncOutcome> {
  const { resolver, syncConfig } = container();
  const remaining = context?.getRemainingTimeInMillis?.();
  const ctx: DispatchContext = {
    resolver,
    log: jsonLogger,
    sync: syncConfig && ((entries) => syncCatalog({
      ssm, retry, log: jsonLogger, deadline: remaining === undefined ? undefined : Date.now() + remaining - SYNC_DEADLINE_MARGIN_MS,
    }, entries, syncConfig)),
  };
  return dispatch(event, ctx);
}
