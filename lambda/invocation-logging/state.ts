import { LoggingConfig } from '@aws-sdk/client-bedrock';
import { DeleteParameterCommand, GetParameterCommand, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { STATE_PARAMETER_NAME } from '../../src/contracts/invocation-logging';
import { errorName, Logger } from '../shared/log';
import { RetryOptions, withLoggedRetry } from '../shared/retry';

/** The resource that owns the configuration: a logical ID in a stack. */
export interface Owner {
  readonly stackId: string;
  readonly logicalResourceId: string;
}

/** What the handler records in {@link STATE_PARAMETER_NAME}. */
export interface LoggingState {
  readonly owner: Owner;
  /** the configuration the owner replaced, restored on delete; absent: there was none (delete it then) */
  readonly previous?: LoggingConfig;
  readonly updatedAt: string;
}

export interface StateContext {
  readonly ssm: SSMClient;
  readonly retry: RetryOptions;
  readonly log: Logger;
}

export async function readState(ctx: StateContext): Promise<LoggingState | undefined> {
  try {
    const out = await withLoggedRetry(() => ctx.ssm.send(new GetParameterCommand({ Name: STATE_PARAMETER_NAME })), 'GetParameter', ctx.retry, ctx.log);
    return JSON.parse(out.Parameter?.Value ?? 'null') ?? undefined;
  } catch (error) {
    if (errorName(error) === 'ParameterNotFound') return undefined;
    throw error;
  }
}

/**
 * Writes the state. Intelligent-Tiering keeps it a standard parameter (4 KB) unless the previous
 * configuration makes it larger, and then an advanced one (8 KB), which holds the largest
 * configuration Bedrock accepts.
 */
export async function writeState(ctx: StateContext, state: LoggingState): Promise<void> {
  await withLoggedRetry(() => ctx.ssm.send(new PutParameterCommand({
    Name: STATE_PARAMETER_NAME,
    Value: JSON.stringify(state),
    Type: 'String',
    Tier: 'Intelligent-Tiering',
    Overwrite: true,
    Description: 'cdk-bedrock-cost-governance: owner of the model invocation logging configuration and the configuration it replaced',
  })), 'PutParameter', ctx.retry, ctx.log);
}

export async function deleteState(ctx: StateContext): Promise<void> {
  try {
    await withLoggedRetry(() => ctx.ssm.send(new DeleteParameterCommand({ Name: STATE_PARAMETER_NAME })), 'DeleteParameter', ctx.retry, ctx.log);
  } catch (error) {
    if (errorName(error) !== 'ParameterNotFound') throw error;
  }
}

export function sameOwner(a: Owner, b: Owner): boolean {
  return a.stackId === b.stackId && a.logicalResourceId === b.logicalResourceId;
}
