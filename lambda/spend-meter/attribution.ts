import { ProfileDirectory } from './profile-directory';
import { MeterRecord } from './records';
import { APPLICATION_PROFILE_ARN } from '../../src/contracts/bedrock-rules';
import { BYPASS_COST_CENTER } from '../../src/contracts/spend-meter';

/**
 * Who an invocation's spend belongs to.
 *
 * The record's `modelId` is what the caller named. An application inference profile (its ARN,
 * `arn:<partition>:bedrock:<region>:<account>:application-inference-profile/<id>`, or its bare
 * ID) is looked up in the resolver's index: its cost center is the value of the configured tag
 * key. Anything else — a foundation model ID or ARN, a system-defined cross-Region profile ID
 * (`us.…`, `global.…`) or ARN — is bypass spend: priced, totalled under `(bypass)`, and counted per
 * principal. So is a profile the index does not know (deleted, or not tagged with the key).
 *
 * The principal is `identity.arn` normalized: an assumed-role session
 * (`arn:<partition>:sts::<account>:assumed-role/<role>/<session>`) keeps its session name (a cap
 * may be set on one session) and also names its role (`arn:<partition>:iam::<account>:role/<role>`,
 * without the role's path, which the session ARN does not carry); an IAM user, a federated user
 * or root is its ARN. The record carries no unique ID of the role (`identity` has only `arn`):
 * a deny by `aws:userid` (`<role ID>:<session>`) must look the role ID up (iam:GetRole) when it
 * enforces.
 */

/** What the meter knows about a model ID. */
export type ModelTarget =
  | { readonly kind: 'application-profile'; readonly profileId: string }
  | { readonly kind: 'system-profile'; readonly geo: string; readonly modelId: string }
  | { readonly kind: 'foundation-model'; readonly modelId: string };

/** Known geography prefixes of system-defined profiles (InferenceGeo's, plus `ca`). */
const GEO_PREFIXES = new Set(['us', 'eu', 'apac', 'jp', 'au', 'us-gov', 'global', 'ca']);
const SYSTEM_PROFILE_ARN = /^arn:aws[a-z-]*:bedrock:[a-z0-9-]*:[0-9]{0,12}:inference-profile\/(.+)$/;
const FOUNDATION_MODEL_ARN = /^arn:aws[a-z-]*:bedrock:[a-z0-9-]*:[0-9]{0,12}:foundation-model\/(.+)$/;
const PROFILE_ID = /^[a-zA-Z0-9]{1,64}$/;

/** Classifies a record's modelId. */
export function modelTarget(modelId: string): ModelTarget {
  const app = APPLICATION_PROFILE_ARN.exec(modelId);
  if (app) return { kind: 'application-profile', profileId: app[4] };
  // an application profile ID has neither dot nor colon (e.g. `abcd1234efgh`); model and system profile IDs always have a dot
  if (PROFILE_ID.test(modelId)) return { kind: 'application-profile', profileId: modelId };
  const id = SYSTEM_PROFILE_ARN.exec(modelId)?.[1] ?? FOUNDATION_MODEL_ARN.exec(modelId)?.[1] ?? modelId;
  return modelIdTarget(id);
}

/** A bare model or system profile ID: `us.anthropic.…` is a system profile, `anthropic.…` a foundation model. */
export function modelIdTarget(id: string): ModelTarget {
  const dot = id.indexOf('.');
  const prefix = dot > 0 ? id.slice(0, dot) : '';
  if (GEO_PREFIXES.has(prefix)) return { kind: 'system-profile', geo: prefix, modelId: id.slice(dot + 1) };
  return { kind: 'foundation-model', modelId: id };
}

/** A normalized principal. */
export interface Principal {
  /** the ledger's and metrics' name: the session ARN for assumed roles, else the identity ARN */
  readonly name: string;
  /** the role (assumed roles) or the user: bounded, for the bypass metric */
  readonly owner: string;
  /** the role ARN of an assumed-role session */
  readonly role?: string;
  readonly session?: string;
}

const ASSUMED_ROLE = /^arn:(aws[a-z-]*):sts::([0-9]{12}):assumed-role\/([^/]+)\/(.+)$/;
/** The longest principal name kept (a session name is at most 64 characters; an IAM ARN at most 2,048). */
const MAX_PRINCIPAL_LENGTH = 512;
export const UNKNOWN_PRINCIPAL = '(unknown)';

export function normalizePrincipal(arn: string | undefined): Principal {
  if (!arn) return { name: UNKNOWN_PRINCIPAL, owner: UNKNOWN_PRINCIPAL };
  const trimmed = arn.trim().slice(0, MAX_PRINCIPAL_LENGTH);
  const assumed = ASSUMED_ROLE.exec(trimmed);
  if (assumed) {
    const [, partition, account, role, session] = assumed;
    const roleArn = `arn:${partition}:iam::${account}:role/${role}`;
    return { name: trimmed, owner: roleArn, role: roleArn, session };
  }
  return { name: trimmed, owner: trimmed };
}

/** An invocation's attribution. */
export interface Attribution {
  /** the cost center, or BYPASS_COST_CENTER */
  readonly costCenter: string;
  readonly bypass: boolean;
  /** what to price: the foundation model and, for system profiles, the geography */
  readonly model?: { readonly modelId: string; readonly geo?: string };
  readonly principal: Principal;
  /** why a profile counted as bypass (unknown to the index, or without the tag key) */
  readonly note?: 'unknown-profile' | 'untagged-profile';
}

/** Attributes one record (the index is read from memory; see ProfileDirectory). */
export async function attribute(record: MeterRecord, directory: ProfileDirectory, tagKey: string): Promise<Attribution> {
  const principal = normalizePrincipal(record.identityArn);
  const target = modelTarget(record.modelId);
  if (target.kind !== 'application-profile') {
    return { costCenter: BYPASS_COST_CENTER, bypass: true, principal, model: { modelId: target.modelId, geo: target.kind === 'system-profile' ? target.geo : undefined } };
  }
  const profile = await directory.profileById(target.profileId);
  if (!profile) return { costCenter: BYPASS_COST_CENTER, bypass: true, principal, note: 'unknown-profile' };
  const model = profileModel(profile.modelArns);
  const costCenter = profile.tags[tagKey];
  if (costCenter === undefined || costCenter === '') return { costCenter: BYPASS_COST_CENTER, bypass: true, principal, model, note: 'untagged-profile' };
  return { costCenter, bypass: false, principal, model };
}

/**
 * The model a profile routes to, from its foundation-model ARNs (all of one model). The
 * geography of a profile that copies a system-defined profile is not in them: such profiles are
 * priced at the model's price without a geography (for models whose global price is lower, the
 * regional price: the estimate errs high, the safe side for a cap).
 */
export function profileModel(modelArns: readonly string[] | undefined): { modelId: string } | undefined {
  for (const arn of modelArns ?? []) {
    const id = FOUNDATION_MODEL_ARN.exec(arn)?.[1];
    if (id) return { modelId: id };
  }
  return undefined;
}
