import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { errorName } from '../shared/log';
import { RetryOptions, withRetry } from '../shared/retry';

export interface CatalogReadContext {
  readonly ssm: SSMClient;
  readonly retry: RetryOptions;
}

/**
 * The value of one catalog entry (a profile ARN), or undefined when the parameter does not exist
 * (GetParameter's ParameterNotFound, SSM API Reference). Other errors are retried (throttling:
 * ThrottlingException, 5xx: InternalServerError) and then thrown.
 */
export async function readCatalogEntry(ctx: CatalogReadContext, name: string): Promise<string | undefined> {
  try {
    const out = await withRetry(() => ctx.ssm.send(new GetParameterCommand({ Name: name })), ctx.retry);
    return out.Parameter?.Value;
  } catch (error) {
    if (errorName(error) === 'ParameterNotFound') return undefined;
    throw error;
  }
}
