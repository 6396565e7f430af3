import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import {
  Aws, DockerImageAssetLocation, DockerImageAssetSource, FileAssetLocation, FileAssetPackaging, FileAssetSource, Fn, ISynthesisSession,
  Lazy, NestedStack, Stack, StackSynthesizer, Token,
} from 'aws-cdk-lib';
import { Construct, IConstruct } from 'constructs';
import { StackSetAsset } from './stackset-template';
import { ASSET_BUCKET_SEPARATOR } from '../contracts/asset-replication';

/**
 * Synthesizes a template that member accounts deploy without a CDK bootstrap of their own (the
 * same idea as aws-cdk-lib's `ProductStackSynthesizer`, aws-servicecatalog/lib/private): each file
 * asset is published by `cdk deploy` with the *parent* stack (its bootstrap bucket, content-hash
 * key) and read by the template from `<prefix>-<AWS::Region>` under the same key, where the
 * parent copies it (`StackSetAssetReplication`). The template itself becomes a file asset of the
 * parent, whose URL a stack set or Service Catalog product takes.
 *
 * Why not cdklabs/cdk-stacksets' `StackSetStackSynthesizer` (docs/design/organization-rollout.md
 * §3.2): its object keys are derived from staged file names while its uploads use a fresh content
 * fingerprint (issue #895, in aws-cdk-lib 2.254–2.258, which includes ours), it is an
 * experimental 0.0.x dependency of every consumer in five languages, and it copies with a
 * Python BucketDeployment per asset and bucket. Keeping the parent's content-hash key makes the
 * key the template reads and the key copied the same by construction.
 */
class StackSetTemplateSynthesizer extends StackSynthesizer {
  public readonly assets: StackSetAsset[] = [];
  private templateLocation?: FileAssetLocation;

  constructor(private readonly parent: Stack, private readonly bucketPrefix: string) {
    super();
  }

  public get templateUrl(): string | undefined {
    return this.templateLocation?.httpUrl;
  }

  public addFileAsset(asset: FileAssetSource): FileAssetLocation {
    const published = this.parent.synthesizer.addFileAsset(asset);
    if (!this.assets.some((a) => a.objectKey === published.objectKey)) {
      this.assets.push({ sourceBucketName: published.bucketName, objectKey: published.objectKey });
    }
    // resolved in the member account's stack: its own Region's bucket of the deploying account
    const bucketName = Fn.join(ASSET_BUCKET_SEPARATOR, [this.bucketPrefix, Aws.REGION]);
    const httpUrl = Fn.join('', ['https://s3.', Aws.REGION, '.', Aws.URL_SUFFIX, '/', bucketName, '/', published.objectKey]);
    return { bucketName, objectKey: published.objectKey, httpUrl, s3ObjectUrl: `s3://${bucketName}/${published.objectKey}` };
  }

  public addDockerImageAsset(_asset: DockerImageAssetSource): DockerImageAssetLocation {
    throw new Error(`${this.boundStack.node.path}: a stack set template cannot use container image assets `
      + '(member accounts cannot pull from the deploying account\'s bootstrap repository)');
  }

  public synthesize(session: ISynthesisSession): void {
    // compact: a stack set's TemplateURL template is at most 1 MB
    const template = JSON.stringify((this.boundStack as any)._toCloudFormation());
    const problems = templateProblems(this.boundStack, this.parent, template);
    if (problems.length > 0) throw new Error(problems.join('\n'));
    const sourceHash = crypto.createHash('sha256').update(template).digest('hex');
    // the stack's own template file name (unique in the assembly; not a stack artifact of it)
    const fileName = this.boundStack.templateFile;
    fs.writeFileSync(path.join(session.assembly.outdir, fileName), template);
    this.templateLocation = this.parent.synthesizer.addFileAsset({
      packaging: FileAssetPackaging.FILE,
      sourceHash,
      fileName,
      displayName: `${this.boundStack.node.path} template`,
    });
  }
}

/** What the template URL resolves to while the app is prepared (never rendered into a template). */
const PENDING_URL = 'https://pending.invalid/stackset-template.json';

/**
 * A stack whose template member accounts deploy through a stack set, a Service Catalog product or
 * Customizations for Control Tower: defined inside the deploying (parent) stack, synthesized as a
 * file asset of it, env-agnostic (every account and Region receives the same template), without
 * nested stacks (a service-managed stack set refuses them) and with its file assets read from
 * `<assetBucketPrefix>-<Region>`.
 * @internal
 */
export class StackSetTemplateStack extends Stack {
  private readonly templateSynthesizer: StackSetTemplateSynthesizer;

  constructor(scope: Construct, id: string, props: { readonly assetBucketPrefix: string; readonly description?: string }) {
    const parent = Stack.of(scope);
    const synthesizer = new StackSetTemplateSynthesizer(parent, props.assetBucketPrefix);
    super(scope, id, { synthesizer, description: props.description, analyticsReporting: false });
    this.templateSynthesizer = synthesizer;
    this.node.addValidation({ validate: () => nestedStacksIn(this) });
  }

  /**
   * The template's https URL in the parent's asset bucket: known once the template is
   * synthesized, which happens before its parent's (children first). While the app is still
   * being prepared (CDK resolves every token once to find references) it is a placeholder;
   * rendering it before the template was synthesized — from a stack synthesized earlier — fails.
   */
  public get templateUrl(): string {
    return Lazy.uncachedString({
      produce: (context) => {
        const url = this.templateSynthesizer.templateUrl;
        if (url !== undefined) return url;
        if (context.preparing) return PENDING_URL;
        throw new Error(`${this.node.path}: the template URL is read before the template was synthesized `
          + '(use it in the stack that defines the template, or in a stack synthesized after it)');
      },
    });
  }

  /** The file assets the template reads, as published with the parent. */
  public get assets(): StackSetAsset[] {
    return [...this.templateSynthesizer.assets];
  }
}

/**
 * What every member account's stack would fail on, found in the rendered template:
 * - an `Fn::ImportValue`: a reference to a resource of another stack (e.g. the deploying stack),
 *   whose export exists in the deploying account only;
 * - the deploying stack's literal account ID: e.g. a role imported in the deploying stack
 *   (`Role.fromRoleName(parentStack, …)`) names the deploying account's role, not the member's;
 * - more than 1 MB: `TemplateURL` of CreateStackSet/UpdateStackSet takes a template of at most
 *   1 MB (CloudFormation API model, CreateStackSetInput.TemplateURL).
 */
function templateProblems(stack: Stack, parent: Stack, template: string): string[] {
  const problems: string[] = [];
  const at = `${stack.node.path}:`;
  if (template.includes('"Fn::ImportValue"')) {
    problems.push(`${at} the template imports a value of another stack (Fn::ImportValue), whose export exists only in the deploying account: `
      + 'define what the template uses inside it (a member account deploys it alone)');
  }
  if (!Token.isUnresolved(parent.account) && template.includes(parent.account)) {
    problems.push(`${at} the template holds the deploying account's ID ${parent.account}, so every member account would use the deploying `
      + 'account\'s resources: import roles and other resources with the member\'s own account, e.g. '
      + '`iam.Role.fromRoleArn(scope, id, `arn:${Aws.PARTITION}:iam::${Aws.ACCOUNT_ID}:role/<name>`)`, or name them in the cost-center table');
  }
  const bytes = Buffer.byteLength(template);
  if (bytes > TEMPLATE_URL_MAX_BYTES) {
    problems.push(`${at} the template is ${bytes.toLocaleString('en-US')} bytes; a stack set takes at most ${TEMPLATE_URL_MAX_BYTES.toLocaleString('en-US')} `
      + '(CreateStackSetInput.TemplateURL): split the cost centers over two baselines');
  }
  return problems;
}

/** 1 MB, as the CloudFormation API model gives TemplateURL's limit ("up to 1 MB"). */
const TEMPLATE_URL_MAX_BYTES = 1_048_576;

/**
 * A service-managed `AWS::CloudFormation::StackSet` refuses a template with
 * `AWS::CloudFormation::Stack` ("Nested AWS::CloudFormation::Stack is not supported in service
 * managed AWS::CloudFormation::StackSet": aws-cloudformation-resource-providers-cloudformation,
 * aws-cloudformation-stackset/.../util/Validator.java).
 */
function nestedStacksIn(stack: Stack): string[] {
  const nested = stack.node.findAll().filter((c: IConstruct) => NestedStack.isNestedStack(c) && c.nestedStackParent === stack);
  return nested.map((n) => `nested stack ${n.node.path}: a template deployed by a service-managed stack set cannot hold nested stacks `
    + '(CloudFormation refuses them); keep its constructs in the template (e.g. nestedStacks: false)');
}
