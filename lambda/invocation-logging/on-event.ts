import { LoggingConfig } from '@aws-sdk/client-bedrock';
import {
  BedrockContext, BedrockLoggingError, deleteConfig, describeConfig, desiredConfig, getConfig, putConfig, sameConfig,
} from './logging-config';
import { LoggingSpec, parseLoggingProperties } from './properties';
import { deleteState, LoggingState, Owner, readState, sameOwner, StateContext, writeState } from './state';
import {
  INVOCATION_LOGGING_ATTRIBUTES, INVOCATION_LOGGING_PHYSICAL_ID, InvocationLoggingAttributes, STATE_PARAMETER_NAME,
} from '../../src/contracts/invocation-logging';
import { CfnEvent, OnEventResponse } from '../shared/cfn-event';
import { errorMessage } from '../shared/log';

export interface LoggingContext extends BedrockContext, StateContext {
  readonly now: () => Date;
}

/** Another resource (of another stack, or one not made by this library) holds the configuration. */
export class ConfigurationConflictError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigurationConflictError';
  }
}

/**
 * Custom resource lifecycle of the account's and Region's invocation logging configuration.
 *
 * - Create / Update: put the configuration the properties describe. The first time, record in
 *   the state parameter who owns it and what it replaces; refuse to replace a configuration this
 *   resource did not create unless AdoptExisting, and refuse always when another resource of the
 *   library (another stack) owns it.
 * - Delete: restore what the owner replaced, or delete the configuration when there was none;
 *   leave alone a configuration another resource owns.
 *
 * Put is one call, so a failure leaves the previous configuration in place.
 */
export async function onEvent(event: CfnEvent, ctx: LoggingContext): Promise<OnEventResponse> {
  ctx.log('INFO', 'event', { requestType: event.RequestType, logicalResourceId: event.LogicalResourceId });
  const owner: Owner = { stackId: event.StackId, logicalResourceId: event.LogicalResourceId };
  if (event.RequestType === 'Delete') {
    await onDelete(ctx, owner, safeParse(event.ResourceProperties));
    return { PhysicalResourceId: event.PhysicalResourceId };
  }
  const spec = parseLoggingProperties(event.ResourceProperties);
  const old = event.RequestType === 'Update' ? safeParse(event.OldResourceProperties) : undefined;
  const desired = desiredConfig(spec);
  const state = await readState(ctx);
  let fresh = false;
  let next: LoggingState;
  if (state) {
    if (!sameOwner(state.owner, owner)) {
      if (state.owner.stackId !== owner.stackId) {
        throw new ConfigurationConflictError(`The model invocation logging configuration of ${ctx.region} is managed by resource `
          + `${state.owner.logicalResourceId} of stack ${state.owner.stackId} (${STATE_PARAMETER_NAME}): Bedrock has one configuration `
          + 'per account and Region, so deploy ModelInvocationLogging in one stack of the account and Region only.');
      }
      // the resource moved within its stack (a new logical ID): the new one takes over, the old one's delete leaves it alone
      ctx.log('INFO', 'taking over the configuration from a resource of the same stack', { from: state.owner.logicalResourceId });
    }
    next = { ...state, owner, updatedAt: ctx.now().toISOString() };
  } else {
    const current = await getConfig(ctx);
    const ours = current !== undefined && old !== undefined && sameConfig(current, desiredConfig(old));
    if (current && !ours && !sameConfig(current, desired) && !spec.adoptExisting) {
      throw new ConfigurationConflictError(`Amazon Bedrock model invocation logging is already configured in ${ctx.region} `
        + `(${describeConfig(current)}), and this resource did not create it. Set adoptExisting: true to replace it `
        + '(it is restored when the resource is deleted), or delete the existing configuration first.');
    }
    if (current && ours) ctx.log('WARN', 'no state parameter; the configuration is the one this resource put', { parameter: STATE_PARAMETER_NAME });
    fresh = true;
    next = { owner, previous: current && !ours && !sameConfig(current, desired) ? current : undefined, updatedAt: ctx.now().toISOString() };
  }
  await writeState(ctx, next);
  try {
    await putConfig(ctx, desired);
  } catch (error) {
    // a failed Create is never deleted by the Provider framework: leave no state behind
    if (fresh && event.RequestType === 'Create') await deleteState(ctx).catch((e) => ctx.log('WARN', 'state not removed', { error: errorMessage(e) }));
    throw error;
  }
  ctx.log('INFO', 'configuration put', { configuration: describeConfig(desired), replaced: next.previous ? describeConfig(next.previous) : undefined });
  const data: InvocationLoggingAttributes = { [INVOCATION_LOGGING_ATTRIBUTES.adopted]: String(next.previous !== undefined) };
  return { PhysicalResourceId: INVOCATION_LOGGING_PHYSICAL_ID, Data: data };
}

async function onDelete(ctx: LoggingContext, owner: Owner, spec: LoggingSpec | undefined): Promise<void> {
  const state = await readState(ctx);
  if (state && !sameOwner(state.owner, owner)) {
    ctx.log('INFO', 'the configuration belongs to another resource; left as it is', { owner: state.owner });
    return;
  }
  if (!state) {
    // no record (removed by hand): delete only a configuration that is exactly this resource's
    const current = await getConfig(ctx);
    if (current && spec && sameConfig(current, desiredConfig(spec))) await deleteConfig(ctx);
    else if (current) ctx.log('WARN', 'no state parameter and the configuration is not this resource\'s; left as it is', { configuration: describeConfig(current) });
    return;
  }
  if (state.previous) await restore(ctx, state.previous);
  else await deleteConfig(ctx);
  await deleteState(ctx);
}

async function restore(ctx: LoggingContext, previous: LoggingConfig): Promise<void> {
  try {
    await putConfig(ctx, previous);
    ctx.log('INFO', 'previous configuration restored', { configuration: describeConfig(previous) });
  } catch (error) {
    if (!(error instanceof BedrockLoggingError) || error.code !== 'ValidationException') throw error;
    throw new BedrockLoggingError(`The configuration this resource replaced could not be restored (${describeConfig(previous)}): ${error.message} `
      + `It is kept in ${STATE_PARAMETER_NAME}; make its destinations writable again (or put another configuration and delete the parameter), `
      + 'then retry the deletion.', error.code);
  }
}

function safeParse(props: Record<string, unknown> | undefined): LoggingSpec | undefined {
  try {
    return props ? parseLoggingProperties(props) : undefined;
  } catch {
    return undefined;
  }
}
