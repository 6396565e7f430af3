/**
 * The isComplete handler of a profile batch: brings Bedrock, idempotently, to the state the
 * properties describe, within a work budget, and says whether it got there. Nothing is kept
 * between invocations: the state is read from Bedrock each time (the account's application
 * profiles by name; a member is the batch's own only if its profile carries the owner tag with
 * the batch's owner id), so a replayed or repeated call does no more than what is left to do.
 *
 * Order of work, so that a failure at any point leaves nothing CloudFormation cannot clean up:
 * conflicts and impossible changes are refused before any write; tags of present members are
 * reconciled; missing members are created (each with the owner tag, so a Delete finds them);
 * members removed or renamed are deleted last (a rename is a replacement: new before old).
 * Every create and delete first waits for a slot of the shared pacing schedule.
 */
import { createHash } from 'crypto';
import { conflictError, explainMember } from './errors';
import { boundedList, MAX_PROBLEMS_IN_MESSAGE, memberNamesOf, MemberSpec, parseBatchProperties, parseBatchPropertiesLeniently } from './properties';
import { assertResponseFits } from './response-size';
import {
  memberAttribute, PROFILE_BATCH_COUNT_ATTRIBUTE, PROFILE_BATCH_OWNER_TAG, PROFILE_BATCH_PHYSICAL_ID_PREFIX, pacingKey,
} from '../../src/contracts/profile-batch';
import {
  createProfile, deleteProfile, getProfile, listApplicationProfiles, listTags, OpsContext, ProfileSummary, reconcileTags,
} from '../profile-provider/profile-ops';
import { CfnUpdateEvent, IsCompleteEvent, IsCompleteResponse } from '../shared/cfn-event';
import { errorName } from '../shared/log';
import { Clock, PacingSchedule, waitForSlot } from '../shared/pacing';
import { isThrottling, Sleep } from '../shared/retry';

export interface BatchContext extends OpsContext {
  /** the Region the client acts in (pacing key, messages) */
  readonly region: string;
  /** the pacing schedule every create and delete reserves a slot in */
  readonly schedule: PacingSchedule;
  readonly clock: Clock;
  readonly sleep: Sleep;
  /** how long one invocation may work before it hands over to the next, in ms */
  readonly workBudgetMs: number;
}

const INCOMPLETE: IsCompleteResponse = { IsComplete: false };

/** The owner id a batch's physical id carries, or undefined for another physical id (a failed create's). */
export function ownerOfPhysicalId(physicalId: string | undefined): string | undefined {
  return physicalId?.startsWith(PROFILE_BATCH_PHYSICAL_ID_PREFIX) ? physicalId.slice(PROFILE_BATCH_PHYSICAL_ID_PREFIX.length) : undefined;
}

/** The account of a stack ID (`arn:<partition>:cloudformation:<region>:<account>:stack/<name>/<uuid>`). */
export function accountOfStackId(stackId: string): string {
  const account = stackId.split(':')[4];
  if (!account || !/^\d{12}$/.test(account)) throw new Error(`StackId '${stackId}' names no account`);
  return account;
}

/**
 * The idempotency token of a member's create: the first 64 hex characters of
 * sha256(StackId | LogicalResourceId | RequestId | Key). Retries of one call and repeated
 * isComplete invocations for one request carry the same token, so Bedrock creates one profile.
 */
export function memberRequestToken(event: Pick<IsCompleteEvent, 'StackId' | 'LogicalResourceId' | 'RequestId'>, key: string): string {
  return createHash('sha256').update(`${event.StackId}|${event.LogicalResourceId}|${event.RequestId}|${key}`).digest('hex').slice(0, 64);
}

/** The profile ID at the end of an application inference profile ARN. */
export function profileIdOfArn(arn: string): string {
  return arn.slice(arn.lastIndexOf('/') + 1);
}

/** The work of one invocation: its deadline and its pacing. */
/** Backoff after a throttled paced call (ms): the first ceiling and the largest. */
const THROTTLE_BASE_DELAY_MS = 200;
const THROTTLE_MAX_DELAY_MS = 20_000;

/** No pacing slot was left within the invocation's budget. */
const NO_SLOT = Symbol('no slot');

class Work {
  /** Throttled attempts so far in this invocation. */
  public throttled = 0;

  constructor(private readonly ctx: BatchContext, private readonly key: string, private readonly deadline: number) {}

  /** Waits for a pacing slot; false when none is left within the budget. */
  public slot(): Promise<boolean> {
    return waitForSlot(this.ctx.schedule, this.key, this.deadline, this.ctx.clock, this.ctx.sleep);
  }

  /**
   * A mutating call at the pace: every attempt takes a slot of the schedule, and a throttled
   * attempt is tried again in a new slot (not by the retry layer's backoff, which would add calls
   * beyond the pace) for as long as the budget lasts. Other retryable errors are retried as usual.
   * NO_SLOT when the budget ends first (the caller hands over to the next isComplete call).
   */
  public async paced<T>(call: (ctx: OpsContext) => Promise<T>): Promise<T | typeof NO_SLOT> {
    const ctx: OpsContext = { ...this.ctx, retry: { ...this.ctx.retry, retryThrottling: false } };
    for (let attempt = 1; ; attempt++) {
      if (!(await this.slot())) return NO_SLOT;
      try {
        return await call(ctx);
      } catch (error) {
        if (!isThrottling(error)) throw error;
        this.throttled++;
        // full-jitter backoff before the next slot, so that a pace set above what Bedrock admits
        // does not turn into a stream of immediate retries
        const ceiling = Math.min(THROTTLE_MAX_DELAY_MS, THROTTLE_BASE_DELAY_MS * 2 ** (attempt - 1));
        const delayMs = Math.floor((this.ctx.retry.random ?? Math.random)() * ceiling);
        this.ctx.log('WARN', 'throttled: tried again in a later slot', { error: errorName(error), attempt, delayMs, throttled: this.throttled });
        await this.ctx.sleep(delayMs);
      }
    }
  }


  public get expired(): boolean {
    return this.ctx.clock() > this.deadline;
  }
}

/** Handles one isComplete invocation of the Provider framework. */
export async function isComplete(event: IsCompleteEvent, ctx: BatchContext): Promise<IsCompleteResponse> {
  const work = new Work(ctx, pacingKey(accountOfStackId(event.StackId), ctx.region), ctx.clock() + ctx.workBudgetMs);
  const owner = ownerOfPhysicalId(event.PhysicalResourceId);
  ctx.log('INFO', 'isComplete', { requestType: event.RequestType, logicalResourceId: event.LogicalResourceId, requestId: event.RequestId });
  if (event.RequestType === 'Delete') {
    if (!owner) {
      ctx.log('INFO', 'nothing to delete', { physicalResourceId: event.PhysicalResourceId });
      return { IsComplete: true };
    }
    return removeMembers(event, owner, work, ctx);
  }
  if (!owner) throw new Error(`Physical ID '${event.PhysicalResourceId}' is not a profile batch's (${PROFILE_BATCH_PHYSICAL_ID_PREFIX}<owner id>)`);
  return converge(event, owner, work, ctx);
}

/** The tags of each named profile that exists; a profile gone between list and read is dropped from `profiles`. */
async function readTags(names: string[], profiles: Map<string, ProfileSummary>, work: Work, ctx: BatchContext)
  : Promise<Map<string, Record<string, string>> | undefined> {
  const tags = new Map<string, Record<string, string>>();
  for (const name of names) {
    const profile = profiles.get(name);
    if (!profile || tags.has(name)) continue;
    if (work.expired) return undefined;
    try {
      tags.set(name, await listTags(ctx, profile.arn));
    } catch (error) {
      if (errorName(error) !== 'ResourceNotFoundException') throw error;
      profiles.delete(name);
    }
  }
  return tags;
}

async function converge(event: IsCompleteEvent, owner: string, work: Work, ctx: BatchContext): Promise<IsCompleteResponse> {
  const { members } = parseBatchProperties(event.ResourceProperties);
  const oldProps = event.RequestType === 'Update' ? (event as CfnUpdateEvent).OldResourceProperties : undefined;
  const old = parseBatchPropertiesLeniently(oldProps);
  const wanted = new Set(members.map((m) => m.name));
  const profiles = await listApplicationProfiles(ctx);
  const retiring = memberNamesOf(oldProps).filter((name) => !wanted.has(name));
  const tags = await readTags([...members.map((m) => m.name), ...retiring], profiles, work, ctx);
  if (!tags) return INCOMPLETE;
  const owned = (name: string) => profiles.has(name) && tags.get(name)?.[PROFILE_BATCH_OWNER_TAG] === owner;

  const conflicts = members.filter((m) => profiles.has(m.name) && !owned(m.name)).map((m) => m.name);
  if (conflicts.length > 0) throw conflictError(conflicts, ctx.region);
  const present = members.filter((m) => owned(m.name));
  await refuseChangesInPlace(present, profiles, old?.members ?? [], ctx);

  const ids: Record<string, string> = {};
  for (const member of present) {
    if (work.expired) return INCOMPLETE;
    const profile = profiles.get(member.name)!;
    const previous = old?.members.find((o) => o.name === member.name);
    try {
      const result = await reconcileTags(ctx, profile.arn, { ...member.tags, [PROFILE_BATCH_OWNER_TAG]: owner }, Object.keys(previous?.tags ?? {}),
        tags.get(member.name));
      if (result.added + result.removed > 0) ctx.log('INFO', 'tags reconciled', { key: member.key, arn: profile.arn, ...result });
    } catch (error) {
      throw explainMember(error, member, ctx.region);
    }
    ids[member.key] = profile.id;
  }

  for (const member of members.filter((m) => !profiles.has(m.name))) {
    let arn: string | typeof NO_SLOT;
    try {
      const spec = { ...member, tags: { ...member.tags, [PROFILE_BATCH_OWNER_TAG]: owner }, adoptExisting: false, deleteAdoptedOnRemoval: false };
      arn = await work.paced((paced) => createProfile(paced, spec, memberRequestToken(event, member.key)));
    } catch (error) {
      throw explainMember(error, member, ctx.region);
    }
    if (arn === NO_SLOT) return incomplete(ctx, 'create', members.length - Object.keys(ids).length);
    ctx.log('INFO', 'created', { key: member.key, name: member.name, arn });
    ids[member.key] = profileIdOfArn(arn);
  }

  for (const name of retiring.filter((n) => profiles.has(n))) {
    const profile = profiles.get(name)!;
    if (!owned(name)) {
      ctx.log('INFO', 'not this batch\'s profile: left alone', { name, arn: profile.arn });
      continue;
    }
    const outcome = await work.paced((paced) => deleteProfile(paced, profile.arn));
    if (outcome === NO_SLOT) return incomplete(ctx, 'delete', 1);
    ctx.log('INFO', outcome === 'deleted' ? 'deleted' : 'already absent', { name, arn: profile.arn });
  }

  const data: Record<string, string> = { [PROFILE_BATCH_COUNT_ATTRIBUTE]: String(members.length) };
  for (const member of members) data[memberAttribute(member.key)] = ids[member.key];
  assertResponseFits(event, data, members.length);
  ctx.log('INFO', 'complete', { members: members.length });
  return { IsComplete: true, Data: data };
}

function incomplete(ctx: BatchContext, step: string, left: number): IsCompleteResponse {
  ctx.log('INFO', 'work budget used up; continuing in the next invocation', { step, left });
  return INCOMPLETE;
}

/**
 * Refuses members whose model source or description would change under the same name: Bedrock
 * has no update API. Judged against the profile itself (its description, the models it routes to)
 * where the old properties say the source changed, so that the rollback of a refused update (old
 * and new properties swapped) is not refused in turn.
 */
async function refuseChangesInPlace(present: MemberSpec[], profiles: Map<string, ProfileSummary>, oldMembers: MemberSpec[], ctx: BatchContext)
  : Promise<void> {
  const changes: string[] = [];
  const sources = new Map<string, string[]>();
  for (const member of present) {
    const profile = profiles.get(member.name)!;
    const what: string[] = [];
    const previous = oldMembers.find((o) => o.name === member.name);
    if (previous && previous.copyFrom !== member.copyFrom && !sameSet(await sourceModels(member.copyFrom, sources, ctx), profile.modelArns)) {
      what.push(`model source (${previous.copyFrom} → ${member.copyFrom})`);
    }
    if ((profile.description ?? '') !== (member.description ?? '')) what.push('description');
    if (what.length > 0) changes.push(`'${member.name}' (Key '${member.key}'): ${what.join(' and ')}`);
  }
  if (changes.length > 0) {
    throw new Error(`Cannot change application inference profiles in place: ${boundedList(changes, MAX_PROBLEMS_IN_MESSAGE).join('; ')}. `
      + 'Bedrock has no update API and names are unique per Region: give each such member a new ProfileName '
      + '(the batch creates the new profile, then deletes the old one).');
  }
}

/** The foundation-model ARNs a model source routes to (a system-defined profile's, read once per source). */
async function sourceModels(copyFrom: string, cache: Map<string, string[]>, ctx: BatchContext): Promise<string[]> {
  if (copyFrom.includes(':foundation-model/')) return [copyFrom];
  if (!cache.has(copyFrom)) cache.set(copyFrom, (await getProfile(ctx, copyFrom)).modelArns);
  return cache.get(copyFrom)!;
}

function sameSet(a: string[], b: string[]): boolean {
  const x = [...new Set(a)].sort();
  const y = [...new Set(b)].sort();
  return x.length === y.length && x.every((v, i) => v === y[i]);
}

async function removeMembers(event: IsCompleteEvent, owner: string, work: Work, ctx: BatchContext): Promise<IsCompleteResponse> {
  const names = memberNamesOf(event.ResourceProperties);
  const profiles = await listApplicationProfiles(ctx);
  let deleted = 0;
  for (const name of names) {
    const profile = profiles.get(name);
    if (!profile) continue;
    let tags: Record<string, string>;
    try {
      tags = await listTags(ctx, profile.arn);
    } catch (error) {
      if (errorName(error) === 'ResourceNotFoundException') continue;
      throw error;
    }
    if (tags[PROFILE_BATCH_OWNER_TAG] !== owner) {
      ctx.log('INFO', 'not this batch\'s profile: left alone', { name, arn: profile.arn });
      continue;
    }
    if ((await work.paced((paced) => deleteProfile(paced, profile.arn))) === NO_SLOT) return incomplete(ctx, 'delete', names.length - deleted);
    deleted++;
    ctx.log('INFO', 'deleted', { name, arn: profile.arn });
  }
  ctx.log('INFO', 'complete', { deleted });
  return { IsComplete: true };
}
