import { parseReplicationProperties } from './properties';
import { replicateAssets, ReplicationContext } from './replicate';
import { CfnEvent, OnEventResponse } from '../shared/cfn-event';

/**
 * Custom resource lifecycle of a stack-set asset replication. Create and Update copy every asset
 * to every Region's asset bucket (what is there already is skipped). Delete does nothing: the
 * objects are content-addressed copies that other versions of the stack set, a rollback of this
 * one, or another replication with the same prefix may still need; the bucket's owner removes them.
 */
export async function onEvent(event: CfnEvent, ctx: ReplicationContext): Promise<OnEventResponse> {
  const physicalId = event.RequestType === 'Create' ? undefined : event.PhysicalResourceId;
  if (event.RequestType === 'Delete') {
    ctx.log('INFO', 'event', { requestType: event.RequestType, logicalResourceId: event.LogicalResourceId, physicalResourceId: physicalId });
    return { PhysicalResourceId: event.PhysicalResourceId };
  }
  const spec = parseReplicationProperties(event.ResourceProperties);
  const result = await replicateAssets(spec, ctx);
  ctx.log('INFO', 'event', {
    requestType: event.RequestType,
    logicalResourceId: event.LogicalResourceId,
    bucketPrefix: spec.bucketPrefix,
    regions: spec.regions,
    assets: spec.assets.length,
    copied: result.copied.length,
    skipped: result.skipped.length,
  });
  return {
    // stable: the prefix names the buckets; a new prefix is a new set of copies (the old resource's Delete does nothing)
    PhysicalResourceId: physicalId ?? `stackset-assets:${spec.bucketPrefix}`,
    Data: { Copied: String(result.copied.length), Skipped: String(result.skipped.length) },
  };
}
