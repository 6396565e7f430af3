import { ArnFormat, Stack, Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { InferenceGeo } from './inference-geo';
import { modelIdProblem } from './model-id';

/** What kind of model an application inference profile copies. */
export enum ModelSourceKind {
  /** a foundation model in one Region */
  FOUNDATION_MODEL = 'FOUNDATION_MODEL',
  /** a system-defined cross-Region inference profile (`us.`, `eu.`, `global.` …) */
  CROSS_REGION_PROFILE = 'CROSS_REGION_PROFILE',
  /** an ARN given as is, whose model may be unknown at synth (a token) */
  ARN = 'ARN',
}

/** Options of {@link ModelSource.foundationModel}. */
export interface FoundationModelSourceOptions {
  /**
   * The Region of the foundation model. Application inference profiles are created in the
   * stack's Region and copy a model of that Region.
   * @default - the Region of the stack the profile belongs to
   */
  readonly region?: string;
}

/** The model source resolved in the context of a construct (partition, Region, account). */
export interface ModelSourceConfig {
  /** The ARN the profile copies (`modelSource.copyFrom` of CreateInferenceProfile). */
  readonly copyFromArn: string;
  /**
   * The ARNs that a grantee must be allowed to invoke, under the `bedrock:InferenceProfileArn`
   * condition, for calls through the profile to succeed: the foundation model in every Region
   * the source may route to and, for cross-Region sources, the system-defined profile.
   */
  readonly invokeResourceArns: string[];
  /** True when `invokeResourceArns` holds a wildcard (Region or model), which grants acknowledge in cdk-nag. */
  readonly invokeResourcesUseWildcard: boolean;
}

/**
 * What an application inference profile copies: a foundation model in one Region, a
 * system-defined cross-Region inference profile, or any model source ARN.
 */
export abstract class ModelSource {
  /**
   * A foundation model in one Region.
   * @param modelId the foundation model ID, e.g. `meta.llama3-3-70b-instruct-v1:0`
   */
  public static foundationModel(modelId: string, options: FoundationModelSourceOptions = {}): ModelSource {
    checkModelId('ModelSource.foundationModel', modelId);
    return new FoundationModelSource(modelId, options.region);
  }

  /**
   * A system-defined cross-Region inference profile, `<geo>.<modelId>`.
   * @param geo the geography, e.g. `InferenceGeo.US`
   * @param modelId the foundation model ID without the geography prefix, e.g. `anthropic.claude-sonnet-4-5-20250929-v1:0`
   */
  public static crossRegion(geo: InferenceGeo, modelId: string): ModelSource {
    checkModelId('ModelSource.crossRegion', modelId);
    return new CrossRegionSource(geo, modelId);
  }

  /**
   * Any model source ARN (escape hatch): a foundation model or system-defined inference
   * profile ARN. When the ARN is a literal, its model is recognised for grants; when it is a
   * token, grants allow every foundation model, still only through the profile.
   */
  public static fromArn(arn: string): ModelSource {
    if (Token.isUnresolved(arn)) return new ArnSource(arn);
    const match = ModelSource.ARN_PATTERN.exec(arn);
    if (!match) {
      throw new Error(`ModelSource.fromArn: '${arn}' must match ${ModelSource.ARN_PATTERN.source} (a foundation-model or inference-profile ARN)`);
    }
    const [, , region, , type, id] = match;
    if (type === 'foundation-model') {
      checkModelId('ModelSource.fromArn', id);
      return new FoundationModelSource(id, region || undefined, arn);
    }
    const dot = id.indexOf('.');
    const geo = dot > 0 ? id.slice(0, dot) : '';
    if (!InferenceGeo.isKnownPrefix(geo)) {
      return new ArnSource(arn);
    }
    const modelId = id.slice(dot + 1);
    checkModelId('ModelSource.fromArn', modelId);
    return new CrossRegionSource(InferenceGeo.of(geo), modelId, arn);
  }

  /**
   * A model source written as a string, as platform teams write it in a cost-center table:
   *
   * - `<geo>.<provider>.<model>` with a geography prefix that `InferenceGeo` knows (`us.`, `eu.`,
   *   `apac.`, `jp.`, `au.`, `us-gov.`, `global.`, `ca.`): `ModelSource.crossRegion`;
   * - `<provider>.<model>`: `ModelSource.foundationModel` (in the stack's Region);
   * - `arn:…`: `ModelSource.fromArn` (the escape hatch, e.g. for a geography this version of
   *   the library does not know yet).
   *
   * The string must be a literal without white space; a geography-like prefix that is not known
   * (`xx.anthropic.claude-…`) is refused rather than read as a provider.
   *
   * @example
   * ModelSource.fromString('us.anthropic.claude-sonnet-4-5-20250929-v1:0'); // crossRegion(InferenceGeo.US, …)
   * ModelSource.fromString('amazon.nova-pro-v1:0'); // foundationModel('amazon.nova-pro-v1:0')
   * ModelSource.fromString('arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-pro-v1:0'); // fromArn(…)
   * @param text the model source, e.g. `us.anthropic.claude-sonnet-4-5-20250929-v1:0`
   */
  public static fromString(text: string): ModelSource {
    const where = 'ModelSource.fromString';
    if (Token.isUnresolved(text)) {
      throw new Error(`${where}: the model source must be a literal string, not a token (use ModelSource.fromArn for an ARN known at deploy time only)`);
    }
    if (typeof text !== 'string' || text.length === 0) {
      throw new Error(`${where}: the model source must be a non-empty string such as 'us.anthropic.claude-sonnet-4-5-20250929-v1:0' (got ${JSON.stringify(text)})`);
    }
    if (/\s/.test(text)) {
      throw new Error(`${where}: '${text}' must not contain white space`);
    }
    if (text.startsWith('arn:')) {
      return ModelSource.fromArn(text);
    }
    const segments = text.split(':')[0].split('.');
    const first = segments[0];
    if (InferenceGeo.isKnownPrefix(first)) {
      const modelId = text.slice(first.length + 1);
      const problem = modelIdProblem(modelId);
      if (problem) throw new Error(`${where}: '${text}' is a cross-Region inference profile ID ('${first}.' prefix), and its model ID ${problem}`);
      return new CrossRegionSource(knownGeo(first), modelId);
    }
    // `<geo>.<provider>.<model>` with a geography this library does not know: refused, since read
    // as a foundation model it would name a provider that does not exist.
    if (segments.length >= 3 && GEO_LIKE.test(first) && MODEL_ID_LIKE.test(text.slice(first.length + 1))) {
      throw new Error(`${where}: '${text}' starts with '${first}.', which is not a geography prefix this library knows `
        + `(${KNOWN_GEOS.map((g) => `'${g.prefix}.'`).join(', ')}, 'ca.'): for a newer geography use its inference-profile ARN `
        + `(arn:<partition>:bedrock:<region>:<account>:inference-profile/${text}) or ModelSource.crossRegion(InferenceGeo.of('${first}'), …)`);
    }
    const problem = modelIdProblem(text);
    if (problem) throw new Error(`${where}: ${problem}, or a cross-Region profile ID '<geo>.<provider>.<model>', or an ARN`);
    return new FoundationModelSource(text);
  }

  /** Bedrock's pattern for a model source ARN (InferenceProfileModelSourceArn), anchored. */
  private static readonly ARN_PATTERN =
    /^arn:(aws|aws-us-gov|aws-cn|aws-iso|aws-iso-b):bedrock:([0-9a-z-]{0,20}):([0-9]{12}|):(inference-profile|foundation-model)\/([a-zA-Z0-9-:.]+)$/;

  /** The kind of source. */
  public abstract readonly kind: ModelSourceKind;

  /**
   * The foundation model it reaches, e.g. `anthropic.claude-sonnet-4-5-20250929-v1:0`.
   * @default - undefined when the source is an ARN token
   */
  public abstract readonly modelId?: string;

  /**
   * The geography of a cross-Region source.
   * @default - undefined for single-Region sources
   */
  public abstract readonly geo?: InferenceGeo;

  /**
   * A stable description of the source that does not depend on tokens, used in generated
   * profile names so that a change of model yields a new name.
   */
  public abstract readonly identity: string;

  /** Resolves the source for a construct: the ARN to copy and the ARNs grants need. */
  public abstract bind(scope: IConstruct): ModelSourceConfig;
}

/** The geographies with a static instance, so that a parsed source carries `InferenceGeo.US` itself. */
const KNOWN_GEOS = [InferenceGeo.US, InferenceGeo.EU, InferenceGeo.APAC, InferenceGeo.JP, InferenceGeo.AU, InferenceGeo.US_GOV, InferenceGeo.GLOBAL];

/** A prefix shaped like a geography (`xx`, `xx-yy`): lowercase letters and '-', at most 16 characters. */
const GEO_LIKE = /^[a-z][a-z-]{0,15}$/;

/** What follows a geography prefix: `<provider>.<model>`. */
const MODEL_ID_LIKE = /^[a-z0-9-]{1,63}\.[a-zA-Z0-9-:.]{1,190}$/;

function knownGeo(prefix: string): InferenceGeo {
  return KNOWN_GEOS.find((g) => g.prefix === prefix) ?? InferenceGeo.of(prefix);
}

function checkModelId(where: string, modelId: string): void {
  if (Token.isUnresolved(modelId)) return;
  const problem = modelIdProblem(modelId);
  if (problem) throw new Error(`${where}: modelId ${problem}`);
}

function foundationModelArn(stack: Stack, modelId: string, region: string): string {
  return stack.formatArn({
    service: 'bedrock',
    region,
    account: '',
    resource: 'foundation-model',
    resourceName: modelId,
    arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
  });
}

class FoundationModelSource extends ModelSource {
  public readonly kind = ModelSourceKind.FOUNDATION_MODEL;
  public readonly geo = undefined;
  public readonly identity: string;

  constructor(public readonly modelId: string, private readonly region?: string, private readonly arn?: string) {
    super();
    // a token's text depends on creation order: never hash it into a name
    const where = region === undefined ? '' : `@${Token.isUnresolved(region) ? '<token>' : region}`;
    this.identity = `foundation-model/${Token.isUnresolved(modelId) ? '<token>' : modelId}${where}`;
  }

  public bind(scope: IConstruct): ModelSourceConfig {
    const stack = Stack.of(scope);
    const copyFromArn = this.arn ?? foundationModelArn(stack, this.modelId, this.region ?? stack.region);
    return { copyFromArn, invokeResourceArns: [copyFromArn], invokeResourcesUseWildcard: false };
  }
}

class CrossRegionSource extends ModelSource {
  public readonly kind = ModelSourceKind.CROSS_REGION_PROFILE;
  public readonly identity: string;

  constructor(public readonly geo: InferenceGeo, public readonly modelId: string, private readonly arn?: string) {
    super();
    this.identity = `inference-profile/${geo.prefix}.${Token.isUnresolved(modelId) ? '<token>' : modelId}`;
  }

  public bind(scope: IConstruct): ModelSourceConfig {
    const stack = Stack.of(scope);
    const profileId = `${this.geo.prefix}.${this.modelId}`;
    const copyFromArn = this.arn ?? stack.formatArn({
      service: 'bedrock',
      resource: 'inference-profile',
      resourceName: profileId,
      arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
    });
    // The destination Regions of a system-defined profile change over time and may be tokens,
    // so the foundation model is allowed in any Region; the grant's bedrock:InferenceProfileArn
    // condition is what confines it (DESIGN.md, key decision 2). GLOBAL profiles also route to
    // the Region-less foundation-model ARN.
    const invokeResourceArns = [copyFromArn, foundationModelArn(stack, this.modelId, '*')];
    if (this.geo.isGlobal) invokeResourceArns.push(foundationModelArn(stack, this.modelId, ''));
    return { copyFromArn, invokeResourceArns, invokeResourcesUseWildcard: true };
  }
}

class ArnSource extends ModelSource {
  public readonly kind = ModelSourceKind.ARN;
  public readonly modelId = undefined;
  public readonly geo = undefined;
  public readonly identity: string;

  constructor(private readonly arn: string) {
    super();
    this.identity = Token.isUnresolved(arn) ? 'arn/token' : `arn/${arn}`;
  }

  public bind(scope: IConstruct): ModelSourceConfig {
    const stack = Stack.of(scope);
    // The model behind the ARN is unknown at synth: every foundation model, only through the profile.
    return {
      copyFromArn: this.arn,
      invokeResourceArns: [this.arn, foundationModelArn(stack, '*', '*'), stack.formatArn({
        service: 'bedrock', region: '*', account: '*', resource: 'inference-profile', resourceName: '*', arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
      })],
      invokeResourcesUseWildcard: true,
    };
  }
}
