import type { LoggingConfig, PutModelInvocationLoggingConfigurationRequest } from '@aws-sdk/client-bedrock';
import { operation, OperationHandler, RequestContext } from '../service-definition';
import { serviceError } from '../service-error';

/**
 * Bedrock's model invocation logging (one configuration per account and Region, kept in
 * `RegionState.invocationLogging`): Put replaces it whole, Get returns it (no `loggingConfig` when
 * there is none), Delete removes it (and succeeds when there is none). Requests are validated against
 * the model before these run (CloudWatchConfig needs logGroupName and roleArn, S3Config bucketName, …).
 *
 * IAM (when `fake.state.access()` is configured): `bedrock:<Operation>` on `*` (the actions have no
 * resource type), and for Put with a CloudWatch destination `iam:PassRole` on its role, as IAM answers
 * a caller without it. Bedrock checks the destinations when the configuration is put; the fake refuses
 * the roles and log groups `fake.state.rejectLoggingDestination(...)` names, in the words reported for
 * the service ("Failed to validate permissions for log group: <name>, with role: <arn>. Verify the IAM
 * role permissions are correct.").
 */
function authorize(ctx: RequestContext, action: string, resource = '*'): void {
  const denial = ctx.state.access(ctx.accountId).authorize(action, resource);
  if (denial) throw serviceError('AccessDeniedException', denial.message);
}

function checkDestinations(config: LoggingConfig, ctx: RequestContext): void {
  const cw = config.cloudWatchConfig;
  const rejected = ctx.state.rejectedLoggingDestinations;
  if (cw && (rejected.has(cw.roleArn!) || rejected.has(cw.logGroupName!))) {
    throw serviceError('ValidationException', `Failed to validate permissions for log group: ${cw.logGroupName}, with role: ${cw.roleArn}. `
      + 'Verify the IAM role permissions are correct.');
  }
  const bucket = config.s3Config?.bucketName;
  if (bucket && rejected.has(bucket)) {
    throw serviceError('ValidationException', `Failed to validate permissions for s3 bucket: ${bucket}. Verify the bucket policy is correct.`);
  }
}

/** A deep copy without undefined members, as the service would store the JSON it received. */
function stored(config: LoggingConfig): LoggingConfig {
  return JSON.parse(JSON.stringify(config)) as LoggingConfig;
}

export function invocationLoggingHandlers(): Record<string, OperationHandler> {
  return {
    PutModelInvocationLoggingConfiguration: operation((input: PutModelInvocationLoggingConfigurationRequest, ctx) => {
      authorize(ctx, 'bedrock:PutModelInvocationLoggingConfiguration');
      const config = input.loggingConfig!;
      if (config.cloudWatchConfig) authorize(ctx, 'iam:PassRole', config.cloudWatchConfig.roleArn!);
      checkDestinations(config, ctx);
      ctx.regionState.invocationLogging = stored(config);
      return {};
    }),
    GetModelInvocationLoggingConfiguration: operation((_input: Record<string, never>, ctx) => {
      authorize(ctx, 'bedrock:GetModelInvocationLoggingConfiguration');
      const config = ctx.regionState.invocationLogging;
      return config ? { loggingConfig: stored(config) } : {};
    }),
    DeleteModelInvocationLoggingConfiguration: operation((_input: Record<string, never>, ctx) => {
      authorize(ctx, 'bedrock:DeleteModelInvocationLoggingConfiguration');
      ctx.regionState.invocationLogging = undefined;
      return {};
    }),
  };
}
