import { CfnResource, Lazy, TagManager } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { iamRoleTagProblems } from './iam-tag-rules';
import { ICostAllocationTagged } from '../tags/cost-allocation-tagged';

const TAGGER_ID = 'CostAllocationPrincipalTags';

/**
 * Tags an IAM role with a profile's cost allocation tags, so that Bedrock's IAM-principal cost
 * attribution (billing keys `iamPrincipal/<key>`, April 2026) carries the same cost center as
 * the profile. The tags are merged when the template is rendered (so `Tags.of()` on the
 * profile's scope counts); a value already on the role that differs is a synth error, not an
 * overwrite.
 * @see https://docs.aws.amazon.com/awsaccountbilling/latest/aboutv2/iam-principal-cost-allocation.html
 */
export function tagPrincipalWith(grantee: iam.IGrantable, source: ICostAllocationTagged): void {
  const role = grantee.grantPrincipal;
  if (!(role instanceof iam.Role)) {
    const kind = (role as object).constructor?.name ?? typeof role;
    throw new Error(`${source.node.path}: grantInvoke with tagPrincipal needs a grantee whose principal is an iam.Role created in this app `
      + `(got ${kind}): imported roles, users and service principals cannot be tagged by this app. Tag that principal where it is defined.`);
  }
  const tagger = (role.node.tryFindChild(TAGGER_ID) as PrincipalTagger | undefined) ?? new PrincipalTagger(role);
  tagger.sources.push(source);
}

/**
 * One per role: merges the tags of every profile granted to the role into the role's tags when
 * the template is rendered (after every aspect, so `Tags.of()` on either side counts), and
 * reports conflicts at validation.
 */
class PrincipalTagger extends Construct {
  public readonly sources: ICostAllocationTagged[] = [];
  private readonly tags: TagManager;

  constructor(private readonly role: iam.Role) {
    super(role, TAGGER_ID);
    const cfnRole = role.node.defaultChild as CfnResource;
    this.tags = (cfnRole as unknown as { tags: TagManager }).tags;
    cfnRole.addPropertyOverride('Tags', Lazy.any({ produce: () => this.render() }));
    role.node.addValidation({
      validate: () => {
        const { tags, conflicts, from } = this.merge();
        return [...conflicts, ...iamRoleTagProblems(tags, (key) => from.get(key) ?? `already on ${this.role.node.path}`)]
          .map((c) => `cost allocation tags of the role (tagPrincipal): ${c}`);
      },
    });
  }

  private render(): Array<{ Key: string; Value: string }> | undefined {
    const merged = this.merge().tags;
    const keys = Object.keys(merged).sort();
    return keys.length > 0 ? keys.map((Key) => ({ Key, Value: merged[Key] })) : undefined;
  }

  private merge(): { tags: Record<string, string>; conflicts: string[]; from: Map<string, string> } {
    const tags = { ...this.tags.tagValues() };
    const conflicts: string[] = [];
    const from = new Map<string, string>();
    for (const source of this.sources) {
      for (const [key, value] of Object.entries(source.costAllocationTags)) {
        if (!(key in tags)) {
          tags[key] = value;
          from.set(key, source.node.path);
        } else if (tags[key] !== value) {
          conflicts.push(from.has(key)
            ? `tag '${key}' would be '${tags[key]}' (from ${from.get(key)}) and '${value}' (from ${source.node.path})`
            : `tag '${key}' is already '${tags[key]}' on ${this.role.node.path}, but ${source.node.path} needs '${value}'`);
        }
      }
    }
    return { tags, conflicts, from: new Map([...from].map(([k, path]) => [k, `from ${path}`])) };
  }
}
