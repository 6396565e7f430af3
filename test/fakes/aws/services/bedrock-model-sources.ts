import { serviceError } from '../service-error';

/**
 * Destination Regions of system-defined (cross-Region) inference profiles by geography prefix.
 * A small, fixed table (at most 5 Regions each, the size of InferenceProfileModels in the model);
 * the real sets grow over time.
 */
export const GEO_REGIONS: Readonly<Record<string, readonly string[]>> = {
  'us': ['us-east-1', 'us-east-2', 'us-west-2'],
  'eu': ['eu-central-1', 'eu-west-1', 'eu-west-3', 'eu-north-1', 'eu-south-1'],
  'apac': ['ap-northeast-1', 'ap-northeast-2', 'ap-south-1', 'ap-southeast-1', 'ap-southeast-2'],
  'jp': ['ap-northeast-1', 'ap-northeast-3'],
  'au': ['ap-southeast-2', 'ap-southeast-4'],
  'ca': ['ca-central-1', 'ca-west-1'],
  'us-gov': ['us-gov-east-1', 'us-gov-west-1'],
};

/** The geography of global profiles: any commercial Region can be a source or a destination. */
export const GLOBAL_GEO = 'global';

/** System-defined profiles listed by ListInferenceProfiles when the fake is given no other catalog. */
export const DEFAULT_SYSTEM_PROFILES: readonly string[] = [
  'us.anthropic.claude-3-5-haiku-20241022-v1:0',
  'us.anthropic.claude-sonnet-4-20250514-v1:0',
  'us.amazon.nova-pro-v1:0',
  'eu.anthropic.claude-sonnet-4-20250514-v1:0',
  'eu.amazon.nova-pro-v1:0',
  'apac.anthropic.claude-sonnet-4-20250514-v1:0',
  'global.anthropic.claude-sonnet-4-20250514-v1:0',
];

/** A system-defined inference profile id split into geography and model id. */
export interface SystemProfileId {
  readonly id: string;
  readonly geo: string;
  readonly modelId: string;
}

/** Splits `us.anthropic.claude…` into geo and model id; undefined when the prefix is no known geography. */
export function parseSystemProfileId(id: string): SystemProfileId | undefined {
  const dot = id.indexOf('.');
  if (dot <= 0) return undefined;
  const geo = id.slice(0, dot);
  if (geo !== GLOBAL_GEO && !GEO_REGIONS[geo]) return undefined;
  return { id, geo, modelId: id.slice(dot + 1) };
}

/** Whether a system-defined profile can be used from (is listed in) a Region. */
export function systemProfileAvailableIn(profile: SystemProfileId, region: string): boolean {
  return profile.geo === GLOBAL_GEO ? !region.startsWith('us-gov-') && !region.startsWith('cn-') : GEO_REGIONS[profile.geo].includes(region);
}

/** The foundation-model ARNs a system-defined profile routes to, seen from `region`. */
export function systemProfileModels(partition: string, profile: SystemProfileId, region: string): string[] {
  if (profile.geo === GLOBAL_GEO) {
    // Global profiles route anywhere; the Region-less ARN stands for "any Region".
    return [`arn:${partition}:bedrock:${region}::foundation-model/${profile.modelId}`, `arn:${partition}:bedrock:::foundation-model/${profile.modelId}`];
  }
  return GEO_REGIONS[profile.geo].map(r => `arn:${partition}:bedrock:${r}::foundation-model/${profile.modelId}`);
}

const FOUNDATION_MODEL_ARN = /^arn:(aws[a-z-]*):bedrock:([a-z0-9-]*):(\d{12})?:foundation-model\/(.+)$/;
const SYSTEM_PROFILE_ARN = /^arn:(aws[a-z-]*):bedrock:([a-z0-9-]*):(\d{12})?:inference-profile\/(.+)$/;

/**
 * Resolves a CreateInferenceProfile `modelSource.copyFrom` (already checked against the model's
 * pattern) to the foundation-model ARNs the new profile routes to. The source must be in the
 * caller's Region (and, for a system profile, its account) and exist there.
 */
export function resolveModelSource(copyFrom: string, region: string, accountId: string, isFoundationModelArn: (arn: string) => boolean): string[] {
  const fm = FOUNDATION_MODEL_ARN.exec(copyFrom);
  if (fm) {
    const [, , arnRegion, arnAccount] = fm;
    if (arnAccount || !isFoundationModelArn(copyFrom)) throw serviceError('ValidationException', `The provided model identifier is invalid: ${copyFrom}`);
    if (arnRegion !== region) throw serviceError('ValidationException', `The model source ${copyFrom} is not in Region ${region}.`);
    return [copyFrom];
  }
  const sp = SYSTEM_PROFILE_ARN.exec(copyFrom);
  if (sp) {
    const [, partition, arnRegion, arnAccount, id] = sp;
    if (arnRegion !== region) throw serviceError('ValidationException', `The model source ${copyFrom} is not in Region ${region}.`);
    const profile = parseSystemProfileId(id);
    if (arnAccount !== accountId || !profile || !systemProfileAvailableIn(profile, region)) {
      throw serviceError('ResourceNotFoundException', `The inference profile ${copyFrom} was not found.`);
    }
    return systemProfileModels(partition, profile, region);
  }
  throw serviceError('ValidationException', `The model source ${copyFrom} is neither a foundation model nor a system-defined inference profile.`);
}
