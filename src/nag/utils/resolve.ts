/**
 * Reading a CfnResource as the template will hold it, with references marked by what they point at.
 *
 * The rules judge ARNs that are often tokens: a profile's ARN is `Fn::GetAtt` of its custom
 * resource, a batch member's an `Fn::Join` around one, a profile of another stack an
 * `Fn::ImportValue` once synthesized. A template alone cannot tell an application inference
 * profile's ARN from a foundation model's. The construct tree can: a reference token knows its
 * target. So properties are resolved with a resolver that writes each reference to a
 * CloudFormation resource as a placeholder `<LogicalId.Attribute@kind>`, where kind is
 * `profile` (an application inference profile: the library's custom resources or the L1),
 * `other` (an AWS resource type outside Amazon Bedrock, whose attributes are no model ARNs) or
 * `unknown` (parameters, custom resources, other Bedrock types). Every other intrinsic becomes a
 * placeholder too (`<AWS::Region>`, `<ImportValue ...>`, `<?>`), the way cdk-nag flattens them
 * for finding IDs.
 */
import {
  CfnElement, CfnParameter, CfnResource, DefaultTokenResolver, IFragmentConcatenator, IPostProcessor, IResolvable, IResolveContext,
  Reference, Stack, Tokenization,
} from 'aws-cdk-lib';
import { PROFILE_BATCH_RESOURCE_TYPE } from '../../contracts/profile-batch';
import { PROFILE_RESOURCE_TYPE } from '../../contracts/profile-resource';

/** The CloudFormation type of the L1 application inference profile (also under `@aws-cdk/aws-bedrock-alpha`). */
export const L1_PROFILE_TYPE = 'AWS::Bedrock::ApplicationInferenceProfile';

/** Resource types whose references are application inference profiles. */
export const PROFILE_TYPES: ReadonlySet<string> = new Set([PROFILE_RESOURCE_TYPE, PROFILE_BATCH_RESOURCE_TYPE, L1_PROFILE_TYPE]);

/** What a reference points at. */
export type ReferenceKind = 'profile' | 'other' | 'unknown';

/** Joins string fragments the way CloudFormation would (`Fn::Join`), keeping intrinsics as objects. */
class JoinConcat implements IFragmentConcatenator {
  public join(left: unknown, right: unknown): unknown {
    if (left === undefined) return right;
    if (right === undefined) return left;
    if (typeof left === 'string' && typeof right === 'string') return left + right;
    return { 'Fn::Join': ['', [left, right]] };
  }
}

/** Resolves tokens as Stack.resolve does, but writes references to resources as marked placeholders. */
class ReferenceMarkingResolver extends DefaultTokenResolver {
  constructor() {
    super(new JoinConcat());
  }

  public resolveToken(t: IResolvable, context: IResolveContext, postProcessor: IPostProcessor): unknown {
    if (Reference.isReference(t) && CfnElement.isCfnElement(t.target)) {
      const target = t.target;
      const logicalId = Stack.of(target).resolve(target.logicalId) as string;
      const attribute = t.displayName === 'Ref' ? '' : `.${t.displayName}`;
      return `<${logicalId}${attribute}@${referenceKind(target)}>`;
    }
    return super.resolveToken(t, context, postProcessor);
  }
}

function referenceKind(target: CfnElement): ReferenceKind {
  if (target instanceof CfnParameter || !CfnResource.isCfnResource(target)) return 'unknown';
  const type = target.cfnResourceType;
  if (PROFILE_TYPES.has(type)) return 'profile';
  return type.startsWith('AWS::') && !type.startsWith('AWS::Bedrock::') ? 'other' : 'unknown';
}

/** Resolves a value in the context of `scope`, references marked (see the file comment). */
export function resolveMarked(scope: CfnResource, value: unknown): unknown {
  return Tokenization.resolve(value, { scope, resolver: new ReferenceMarkingResolver(), preparing: false });
}

/** What `CfnResource._toCloudFormation()` resolves to. */
interface RenderedTemplate {
  readonly Resources?: Record<string, { readonly Properties?: Record<string, unknown> }>;
}

/**
 * The `Properties` of a resource as the template will hold them: property overrides and
 * `Tags.of()` included, keys in CloudFormation's casing, references marked. Read through
 * `CfnResource._toCloudFormation()` (public in aws-cdk-lib's typings, documented internal),
 * because a custom resource has no typed property accessors; cdk-nag's own rules read the
 * internal `_cfnProperties` for the same reason.
 * @param markReferences write references as marked placeholders (strings); false: as CloudFormation
 *   intrinsics (objects), where a rule must tell every token from a literal (tag values)
 */
export function cfnProperties(node: CfnResource, markReferences = true): Record<string, unknown> {
  const template = node._toCloudFormation();
  const rendered = (markReferences ? resolveMarked(node, template) : Stack.of(node).resolve(template)) as RenderedTemplate;
  const resource = Object.values(rendered.Resources ?? {})[0];
  return resource?.Properties ?? {};
}

/**
 * A resolved value as one string: literals as they are, `Fn::Join` joined, `Fn::Sub` with
 * `${x}` as `<x>`, `Ref`/`Fn::GetAtt` as `<name>`/`<name.attribute>`, `Fn::ImportValue` as
 * `<ImportValue name>`, anything else as `<?>`.
 */
export function flatten(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value.replace(/\$\{/g, '<').replace(/}/g, '>');
  if (typeof value !== 'object') return String(value);
  const obj = value as Record<string, unknown>;
  if (Array.isArray(obj['Fn::Join'])) {
    const [delimiter, items] = obj['Fn::Join'] as [string, unknown];
    return Array.isArray(items) ? items.map(flatten).join(delimiter) : '<?>';
  }
  if (obj['Fn::Sub'] !== undefined) return flatten(Array.isArray(obj['Fn::Sub']) ? obj['Fn::Sub'][0] : obj['Fn::Sub']);
  if (Array.isArray(obj['Fn::GetAtt'])) return `<${(obj['Fn::GetAtt'] as unknown[]).map(flatten).join('.')}>`;
  if (typeof obj.Ref === 'string') return `<${obj.Ref}>`;
  if (obj['Fn::ImportValue'] !== undefined) return `<ImportValue ${flatten(obj['Fn::ImportValue'])}>`;
  return '<?>';
}

/** A flattened value without the `@kind` marks (as cdk-nag shows references in finding IDs). */
export function unmarked(flat: string): string {
  return flat.replace(/@(profile|other|unknown)>/g, '>');
}

/** A value as an array (IAM accepts a string or a list). */
export function asArray(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}
