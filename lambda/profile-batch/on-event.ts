/**
 * The onEvent handler of a profile batch: validates the properties (an invalid Create fails before
 * any call) and names the resource; the work is left to isComplete (converge.ts), which the
 * Provider framework calls until it reports completion.
 */
import { BatchSpec, InvalidBatchPropertiesError, parseBatchProperties } from './properties';
import { assertResponseFits } from './response-size';
import {
  batchOwnerId, memberAttribute, PROFILE_BATCH_COUNT_ATTRIBUTE, PROFILE_BATCH_PHYSICAL_ID_PREFIX,
} from '../../src/contracts/profile-batch';
import { CfnEvent, OnEventResponse } from '../shared/cfn-event';
import { Logger } from '../shared/log';

/** A Bedrock application inference profile ID has 12 characters (e.g. `5dews3o6kky6`): used to predict the response size. */
export const PROFILE_ID_LENGTH = 12;

/** The physical ID of a batch: stable for the life of the resource (an update keeps it). */
export function batchPhysicalId(event: Pick<CfnEvent, 'StackId' | 'LogicalResourceId'>): string {
  return PROFILE_BATCH_PHYSICAL_ID_PREFIX + batchOwnerId(event.StackId, event.LogicalResourceId);
}

/** Handles one lifecycle event of a batch resource. */
export async function onEvent(event: CfnEvent, ctx: { readonly log: Logger }): Promise<OnEventResponse> {
  ctx.log('INFO', 'event', { requestType: event.RequestType, logicalResourceId: event.LogicalResourceId, requestId: event.RequestId });
  switch (event.RequestType) {
    case 'Create':
    case 'Update': {
      const spec = parse(event.ResourceProperties, ctx);
      const physicalId = batchPhysicalId(event);
      if (event.RequestType === 'Update' && event.PhysicalResourceId !== physicalId) {
        ctx.log('WARN', 'physical id differs from the batch\'s own', { previous: event.PhysicalResourceId, physicalId });
      }
      // fail now, before any profile exists, when even the expected response would not fit
      const predicted: Record<string, string> = { [PROFILE_BATCH_COUNT_ATTRIBUTE]: String(spec.members.length) };
      for (const m of spec.members) predicted[memberAttribute(m.key)] = 'x'.repeat(PROFILE_ID_LENGTH);
      assertResponseFits({ ...event, PhysicalResourceId: physicalId }, predicted, spec.members.length);
      return { PhysicalResourceId: physicalId };
    }
    case 'Delete':
      return { PhysicalResourceId: event.PhysicalResourceId };
    default:
      throw new Error(`Unknown RequestType '${(event as { RequestType?: string }).RequestType}'`);
  }
}

function parse(properties: Record<string, unknown>, ctx: { readonly log: Logger }): BatchSpec {
  try {
    return parseBatchProperties(properties);
  } catch (error) {
    if (error instanceof InvalidBatchPropertiesError) ctx.log('ERROR', 'invalid properties', { problems: error.problems });
    throw error;
  }
}
