import { createHash } from 'crypto';
import { explain } from './errors';
import { parsePhysicalId, physicalIdOf, ProfileRef } from './physical-id';
import { createProfile, deleteProfile, findProfileByName, getProfile, OpsContext, ProfileDetails, reconcileTags } from './profile-ops';
import { parseOldProperties, parseProperties, parseTarget, ProfileSpec, TargetSpec } from './properties';
import { assumeTargetRole, roleSessionName, TargetAccess } from './target-account';
import { APPLICATION_PROFILE_ARN } from '../../src/contracts/bedrock-rules';
import { PROFILE_ATTRIBUTES, ProfileResourceAttributes } from '../../src/contracts/profile-resource';
import { CfnCreateEvent, CfnDeleteEvent, CfnEvent, CfnUpdateEvent, OnEventResponse } from '../shared/cfn-event';
import { errorName } from '../shared/log';

export interface HandlerContext extends OpsContext {
  /** the Region the client acts in, for messages */
  readonly region: string;
  /**
   * How to reach other accounts (profiles with a target role); without it such a profile fails
   * with a clear error before any call.
   */
  readonly targets?: TargetAccess;
}

/**
 * The idempotency token of a create: the first 64 hex characters of
 * sha256(StackId | LogicalResourceId | RequestId). Retries of one event, and the same event
 * delivered twice, carry the same token, so Bedrock creates one profile.
 */
export function clientRequestTokenFor(event: CfnEventLike): string {
  return createHash('sha256').update(`${event.StackId}|${event.LogicalResourceId}|${event.RequestId}`).digest('hex').slice(0, 64);
}

type CfnEventLike = Pick<CfnEvent, 'StackId' | 'LogicalResourceId' | 'RequestId'>;

/**
 * Runs `fn` with a context that acts in the account the profile lives in: the handler's own, or
 * the target's, through its role (assumed only here, when a call is about to be made, so that a
 * delete with nothing to delete needs no role). The Bedrock client's credentials are the only
 * difference: every guarantee of the operations holds in either account.
 */
async function inAccountOf<T>(target: TargetSpec | undefined, event: CfnEventLike, ctx: HandlerContext,
  fn: (c: HandlerContext) => Promise<T>): Promise<T> {
  if (!target) return fn(ctx);
  if (!ctx.targets) throw new Error(`This handler cannot assume ${target.roleArn}: it was started without an STS client`);
  const credentials = await assumeTargetRole(ctx.targets, target, roleSessionName(event.StackId, event.LogicalResourceId), ctx.retry, ctx.log);
  const bedrock = ctx.targets.bedrockWith(credentials);
  try {
    return await fn({ ...ctx, bedrock, region: `${ctx.region} of account ${target.accountId}` });
  } finally {
    bedrock.destroy();
  }
}

/** The account of an ARN (its fifth field), if it has one. */
function accountOfArn(arn: string | undefined): string | undefined {
  return /^arn:[^:]+:[^:]+:[^:]*:([0-9]{12}):/.exec(arn ?? '')?.[1];
}

/** Handles one lifecycle event of a profile resource. */
export async function onEvent(event: CfnEvent, ctx: HandlerContext): Promise<OnEventResponse> {
  ctx.log('INFO', 'event', { requestType: event.RequestType, logicalResourceId: event.LogicalResourceId, requestId: event.RequestId });
  switch (event.RequestType) {
    case 'Create':
      return onCreate(event, ctx);
    case 'Update':
      return onUpdate(event, ctx);
    case 'Delete':
      return onDelete(event, ctx);
    default:
      throw new Error(`Unknown RequestType '${(event as { RequestType?: string }).RequestType}'`);
  }
}

function response(ref: ProfileRef, profile: ProfileDetails): OnEventResponse {
  const data: ProfileResourceAttributes = {
    [PROFILE_ATTRIBUTES.profileArn]: profile.arn,
    [PROFILE_ATTRIBUTES.profileId]: profile.id,
    [PROFILE_ATTRIBUTES.profileName]: profile.name,
    [PROFILE_ATTRIBUTES.status]: profile.status,
    [PROFILE_ATTRIBUTES.modelArns]: profile.modelArns.join(','),
    [PROFILE_ATTRIBUTES.adopted]: String(ref.adopted),
  };
  return { PhysicalResourceId: physicalIdOf(ref), Data: data };
}

async function onCreate(event: CfnCreateEvent, ctx: HandlerContext): Promise<OnEventResponse> {
  const spec = parseProperties(event.ResourceProperties);
  return inAccountOf(spec.target, event, ctx, (c) => provision(spec, event, c));
}

/** Adopts (when asked and present) or creates the profile named by `spec`. */
async function provision(spec: ProfileSpec, event: CfnEventLike, ctx: HandlerContext): Promise<OnEventResponse> {
  if (spec.adoptExisting) {
    const existing = await findProfileByName(ctx, spec.name);
    if (existing) return adopt(spec, existing, ctx);
  }
  let arn: string;
  try {
    arn = await createProfile(ctx, spec, clientRequestTokenFor(event));
  } catch (error) {
    if (errorName(error) === 'ConflictException' && spec.adoptExisting) {
      // created by someone else between our lookup and our create
      const existing = await findProfileByName(ctx, spec.name);
      if (existing) return adopt(spec, existing, ctx);
    }
    throw explain(error, spec, ctx.region);
  }
  ctx.log('INFO', 'created', { arn, name: spec.name });
  try {
    return response({ arn, adopted: false }, await getProfile(ctx, arn));
  } catch (error) {
    // Never leave a half-created profile behind: CloudFormation would not know it exists.
    ctx.log('ERROR', 'reading the new profile failed; deleting it', { arn, error: errorName(error) });
    await deleteProfile(ctx, arn);
    throw error;
  }
}

async function adopt(spec: ProfileSpec, arn: string, ctx: HandlerContext): Promise<OnEventResponse> {
  const profile = await getProfile(ctx, arn);
  // The whole source must match, not only the model: the same model in another Region, or
  // through another geography (`eu.X` for `us.X`, single-Region X for `us.X`), routes requests
  // (and data) elsewhere and bills at other prices. GetInferenceProfile reports no copyFrom, only
  // the foundation-model ARNs a profile routes to; the source's own are the foundation model
  // itself, or those of the system-defined profile (read with GetInferenceProfile).
  const wanted = await sourceModelArns(ctx, spec.copyFrom);
  const actual = [...new Set(profile.modelArns)].sort();
  if (actual.length !== wanted.length || actual.some((a, i) => a !== wanted[i])) {
    throw new Error(`Cannot adopt application inference profile '${spec.name}' (${arn}): it routes to ${actual.join(', ') || 'no model'}, `
      + `but ${spec.copyFrom} routes to ${wanted.join(', ')}. `
      + 'Choose another profileName, or set the model source to the one the existing profile copies (same model, same Region or geography).');
  }
  // Tags the stack wants are set; from now on the resource manages those keys (a later removal
  // from the stack removes them from the profile). Other tags on the profile are left alone.
  await reconcileTags(ctx, arn, spec.tags, []);
  ctx.log('INFO', 'adopted', { arn, name: spec.name });
  return response({ arn, adopted: true }, profile);
}

async function onUpdate(event: CfnUpdateEvent, ctx: HandlerContext): Promise<OnEventResponse> {
  const spec = parseProperties(event.ResourceProperties);
  return inAccountOf(spec.target, event, ctx, (c) => update(event, spec, c));
}

async function update(event: CfnUpdateEvent, spec: ProfileSpec, ctx: HandlerContext): Promise<OnEventResponse> {
  const old = parseOldProperties(event.OldResourceProperties);
  const ref = parsePhysicalId(event.PhysicalResourceId);
  if (!ref) {
    // the physical ID names no profile (an earlier create failed): create it now
    return provision(spec, event, ctx);
  }
  if (old && old.name !== spec.name) {
    // a new name is a new profile; CloudFormation deletes the old one once the update succeeds
    ctx.log('INFO', 'replacing', { oldName: old.name, newName: spec.name });
    return provision(spec, event, ctx);
  }
  // The account the profile must live in: the target's, else the handler's own (that of the
  // framework function, the service token). Another account than the profile's is a new profile
  // there; CloudFormation then deletes the old one with the old properties (so in its account).
  const wantedAccount = spec.target?.accountId ?? accountOfArn(event.ServiceToken);
  const currentAccount = APPLICATION_PROFILE_ARN.exec(ref.arn)?.[3];
  const moved = wantedAccount !== undefined
    ? wantedAccount !== currentAccount
    : old !== undefined && old.target?.accountId !== spec.target?.accountId;
  if (moved) {
    ctx.log('INFO', 'replacing in another account', { oldArn: ref.arn, account: wantedAccount ?? 'the handler\'s own' });
    return provision(spec, event, ctx);
  }
  const current = await getProfile(ctx, ref.arn).catch((error) => {
    if (errorName(error) === 'ResourceNotFoundException') {
      throw new Error(`Profile ${ref.arn} ('${spec.name}') no longer exists: it was deleted outside CloudFormation. `
        + 'Give the profile a new profileName (or remove and re-add it) to create it again.');
    }
    throw error;
  });
  if (current.name !== spec.name) {
    // the old properties could not be read (another library version): the profile's own name decides
    ctx.log('INFO', 'replacing', { oldName: current.name, newName: spec.name });
    return provision(spec, event, ctx);
  }
  // Judged against the profile itself, not only the old properties: in the rollback of a refused
  // change the old properties are the refused ones, while the profile still is what is asked for.
  const changed: string[] = [];
  if (old && old.copyFrom !== spec.copyFrom && !sameModels(await sourceModelArns(ctx, spec.copyFrom), current.modelArns)) {
    changed.push(`model source (${old.copyFrom} → ${spec.copyFrom})`);
  }
  if (old && (old.description ?? '') !== (spec.description ?? '') && (current.description ?? '') !== (spec.description ?? '')) {
    changed.push('description');
  }
  if (changed.length > 0) {
    throw new Error(`Cannot change the ${changed.join(' and ')} of application inference profile '${spec.name}' in place: `
      + 'Bedrock has no update API and names are unique per Region. Give it a new profileName '
      + '(or leave profileName unset: generated names change with the model source and description) to create a new profile.');
  }
  const managed = Object.keys(old?.tags ?? {});
  const result = await reconcileTags(ctx, ref.arn, spec.tags, managed);
  ctx.log('INFO', 'tags reconciled', { arn: ref.arn, ...result });
  return response(ref, current);
}

async function onDelete(event: CfnDeleteEvent, ctx: HandlerContext): Promise<OnEventResponse> {
  const ref = parsePhysicalId(event.PhysicalResourceId);
  if (!ref) {
    ctx.log('INFO', 'nothing to delete', { physicalResourceId: event.PhysicalResourceId });
    return { PhysicalResourceId: event.PhysicalResourceId };
  }
  const spec = parseOldProperties(event.ResourceProperties);
  if (ref.adopted && !spec?.deleteAdoptedOnRemoval) {
    ctx.log('INFO', 'adopted profile retained', { arn: ref.arn });
    return { PhysicalResourceId: event.PhysicalResourceId };
  }
  // the account the profile was created in (read on its own: the rest may predate this handler)
  const target = parseTarget(event.ResourceProperties);
  const outcome = await inAccountOf(target, event, ctx, (c) => deleteProfile(c, ref.arn));
  ctx.log('INFO', outcome === 'deleted' ? 'deleted' : 'already absent', { arn: ref.arn });
  return { PhysicalResourceId: event.PhysicalResourceId };
}

/**
 * The foundation-model ARNs a model source routes to, sorted: a foundation model routes to
 * itself; a system-defined (cross-Region) profile to the models GetInferenceProfile lists.
 */
async function sourceModelArns(ctx: HandlerContext, copyFrom: string): Promise<string[]> {
  if (copyFrom.includes(':foundation-model/')) return [copyFrom];
  const source = await getProfile(ctx, copyFrom);
  return [...new Set(source.modelArns)].sort();
}

function sameModels(a: string[], b: string[]): boolean {
  const x = [...new Set(a)].sort();
  const y = [...new Set(b)].sort();
  return x.length === y.length && x.every((v, i) => v === y[i]);
}
