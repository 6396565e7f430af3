import { createHash } from 'node:crypto';
import { Annotations, Lazy, Stack, Token } from 'aws-cdk-lib';
import * as servicecatalog from 'aws-cdk-lib/aws-servicecatalog';
import { Construct } from 'constructs';
import { StackSetAssetReplication } from './stackset-asset-replication';
import { IStackSetTemplate } from './stackset-template';
import { ManagementAccount } from '../util/management-account';
import { ProviderOptions } from '../util/provider-options';
import { checkHomeRegion } from '../util/region-guard';
import { propError, REGION_NAME } from '../util/validation';

/**
 * Service Catalog's limits on what the blueprint sets:
 * - `ProductViewName` (the product name) and `ProductViewOwner` (the owner) are strings of at most
 *   8,191 characters, `ProductViewShortDescription` too; `CreateProduct` requires `Name` and `Owner`
 *   ([model] `/work/shared/aws-models/servicecatalog.json`, shapes `ProductViewName`,
 *   `ProductViewOwner`, `ProductViewShortDescription`, `CreateProductInput`);
 * - `ProvisioningArtifactName` is at most 8,192 characters, and "No spaces are allowed"
 *   ([model] `ProvisioningArtifactProperties.Name`);
 * - aws-cdk-lib 2.257's `CloudFormationProduct` holds the product name to 1–100 characters and the
 *   artifact name to 0–100 (`aws-servicecatalog/lib/product.js` `validateProductProps`), stricter
 *   than the model: the blueprint applies the stricter rule, with a message naming the prop.
 */
const LIMITS = {
  productName: { min: 1, max: 100 },
  owner: { min: 1, max: 8191 },
  description: { min: 0, max: 8191 },
  versionName: { min: 1, max: 100 },
} as const;
const LIMITS_SOURCE = 'Service Catalog API model (servicecatalog.json ProductViewName, ProductViewOwner, ProductViewShortDescription, '
  + 'ProvisioningArtifactProperties.Name) and aws-cdk-lib CloudFormationProduct';

/** The default product name, as it shows in the Account Factory blueprint list. */
const DEFAULT_PRODUCT_NAME = 'Amazon Bedrock cost governance baseline';
/** The default owner shown by Service Catalog. */
const DEFAULT_OWNER = 'cdk-bedrock-cost-governance';

/**
 * "The Service Catalog blueprint products must be created in the hub account, and in the same Region
 * as the AWS Control Tower landing zone home Region"; "AWS Control Tower supports two deployment
 * options for blueprints: deploy to the home Region only, or deploy to all Regions governed by AWS
 * Control Tower. Selection of Regions is not available."
 */
const AFC_DOC = 'https://docs.aws.amazon.com/controltower/latest/userguide/af-customization-page.html';

/** Properties of an {@link AccountFactoryBlueprint}. */
export interface AccountFactoryBlueprintProps {
  /**
   * The per-account baseline to offer: its URL becomes the product's one provisioning artifact
   * (`LoadTemplateFromURL`). The URL must be readable from the hub account when the stack deploys
   * (Service Catalog validates the template), e.g. a template published by a stack of the hub
   * account.
   */
  readonly template: IStackSetTemplate;

  /**
   * The product's name, which Account Factory lists as the blueprint. 1–100 characters
   * (Service Catalog's API allows 8,191; aws-cdk-lib's `CloudFormationProduct` 100).
   * @default 'Amazon Bedrock cost governance baseline'
   */
  readonly productName?: string;

  /**
   * The product's owner, as Service Catalog shows it. 1–8,191 characters.
   * @default 'cdk-bedrock-cost-governance'
   */
  readonly owner?: string;

  /**
   * The product's description. At most 8,191 characters.
   * @default - what the baseline is and the parameters Account Factory asks for
   */
  readonly description?: string;

  /**
   * The name of the product's provisioning artifact (the blueprint "version" that Account Factory's
   * create and update workflows offer): 1–100 characters, no whitespace. A fixed name hides template
   * changes from Control Tower's version filter: change it with every template change.
   * @default - `v-` and 12 hex digits of a SHA-256 over the template URL (which holds the template's content hash) and its asset keys
   */
  readonly versionName?: string;

  /**
   * The landing zone's home Region; when given, the stack's Region must be this one (AFC blueprints
   * live in the home Region).
   * @default - not checked; the stack's Region is taken as the home Region
   */
  readonly controlTowerHomeRegion?: string;

  /**
   * The Regions Control Tower governs, for {@link AccountFactoryBlueprint.requiredAssetRegions}
   * when the blueprint is deployed to all of them. Informational: the choice between the home
   * Region and all governed Regions is made in Account Factory, per account.
   * @default - the home Region only
   */
  readonly governedRegions?: string[];

  /**
   * A portfolio of yours to add the product to (e.g. to test-launch it in the hub account). Control
   * Tower does not need one: through `AWSControlTowerBlueprintAccess` it creates its own portfolio,
   * adds the blueprint product to it and shares it with the member account.
   * @default - none
   */
  readonly portfolio?: servicecatalog.IPortfolio;

  /**
   * Copy the template's file assets to the hub account's `<assetBucketPrefix>-<Region>` buckets of
   * {@link AccountFactoryBlueprint.requiredAssetRegions} (a `StackSetAssetReplication`, before the
   * product is created or updated). The Regions must be literal: the stack's or
   * `controlTowerHomeRegion`, and `governedRegions`.
   * @default true
   */
  readonly replicateAssets?: boolean;

  /**
   * Network, logging and encryption of the asset replication's function.
   * @default - the defaults of ProviderOptions
   */
  readonly providerOptions?: ProviderOptions;
}

/**
 * Offers a per-account baseline (an {@link IStackSetTemplate}) as an AWS Control Tower Account
 * Factory Customization (AFC) blueprint: a Service Catalog CloudFormation product, in a stack of the
 * **hub account**, in the landing zone's **home Region**
 * (https://docs.aws.amazon.com/controltower/latest/userguide/af-customization-page.html). Account
 * Factory's create, enroll and update workflows then offer it with its parameters; Control Tower
 * assumes `AWSControlTowerBlueprintAccess` (see {@link ControlTowerBlueprintAccessRole}) to share it
 * and deploys it into the account through a stack set.
 *
 * **Versions.** The product has exactly one provisioning artifact, named after the template's content
 * (`v-<hash>`) unless `versionName` is given. The CloudFormation resource matches artifacts by
 * template URL and name (`ReplaceProvisioningArtifacts` off): an unchanged template keeps its
 * artifact and ID; a changed template (a new content-hashed URL) gets a new artifact with a new name,
 * and the previous artifact is removed from the product ("The default behavior of Service Catalog is
 * to overwrite each product version upon deployment", aws-cdk-lib's `aws-servicecatalog` README).
 * Accounts keep running the stack they were given; Control Tower's "Update a blueprint" procedure
 * then deploys the new version account by account: filter the Organization page by blueprint name
 * and version, and "Update account"
 * (https://docs.aws.amazon.com/controltower/latest/userguide/update-a-blueprint.html).
 *
 * **Assets.** The template reads its file assets (Lambda code) from `<assetBucketPrefix>-<Region>` in
 * the account that deployed it: for a blueprint, buckets **of the hub account**, in every Region the
 * blueprint deploys to. AFC deploys to the home Region only or to all governed Regions ("Selection
 * of Regions is not available"), so the assets must be in the home Region's bucket, and in every
 * governed Region's bucket if any account takes the all-Regions option. {@link requiredAssetRegions}
 * lists the Regions, and the construct copies the assets there (`replicateAssets`).
 *
 * Constraints: one blueprint per Control Tower account, a single blueprint product per
 * customization, and the hub account and product can't be changed when a member account's
 * blueprint is updated (same page).
 *
 * @example
 * // a stack of the hub account, in the landing zone's home Region
 * declare const baseline: IStackSetTemplate;
 * const blueprint = new AccountFactoryBlueprint(this, 'Blueprint', {
 *   template: baseline,
 *   controlTowerHomeRegion: 'eu-west-1',
 * });
 */
export class AccountFactoryBlueprint extends Construct {
  /** The Service Catalog product (the blueprint). */
  public readonly product: servicecatalog.CloudFormationProduct;
  /** The product's ID, which Account Factory's workflow asks for (with the hub account ID). */
  public readonly productId: string;
  /**
   * The ID of the product's one provisioning artifact (the blueprint version), from the
   * resource's `ProvisioningArtifactIds` attribute (one artifact, so one ID).
   */
  public readonly provisioningArtifactId: string;
  /**
   * The copy of the template's assets to the hub account's buckets.
   * @default - none (replicateAssets false, or a template without file assets)
   */
  public readonly assetReplication?: StackSetAssetReplication;

  /** The name of the provisioning artifact: `versionName`, or the name derived from the template (`v-<hash>`, a token resolved at synth). */
  public readonly versionName: string;
  /** The prefix of the asset buckets the template reads from (`<assetBucketPrefix>-<Region>`, hub account). */
  public readonly assetBucketPrefix: string;
  /**
   * The Regions whose `<assetBucketPrefix>-<Region>` buckets in the hub account must hold the
   * template's file assets before an account gets the blueprint: the home Region, then
   * `governedRegions`. Empty when the template has no file assets.
   */
  public readonly requiredAssetRegions: string[];
  /** The template parameters Account Factory's workflow asks for. */
  public readonly parameterNames: string[];

  constructor(scope: Construct, id: string, props: AccountFactoryBlueprintProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const template = props.template;
    const productName = props.productName ?? DEFAULT_PRODUCT_NAME;
    const owner = props.owner ?? DEFAULT_OWNER;
    this.checkLength('productName', productName, LIMITS.productName);
    this.checkLength('owner', owner, LIMITS.owner);
    if (props.description !== undefined) this.checkLength('description', props.description, LIMITS.description);
    if (props.versionName !== undefined) {
      this.checkLength('versionName', props.versionName, LIMITS.versionName);
      if (!Token.isUnresolved(props.versionName) && /\s/.test(props.versionName)) {
        throw propError(this, 'versionName', `'${props.versionName}' must not contain whitespace (${LIMITS_SOURCE}: "No spaces are allowed")`);
      }
    }
    if (!Token.isUnresolved(template.templateUrl) && !/^https:\/\/\S+$/.test(template.templateUrl)) {
      throw propError(this, 'template.templateUrl', `'${template.templateUrl}' must be an https URL (LoadTemplateFromURL takes an S3 or GitHub URL)`);
    }
    const homeRegion = checkHomeRegion(this, 'controlTowerHomeRegion', props.controlTowerHomeRegion,
      `AFC blueprint products must be in the hub account in the landing zone's home Region (${AFC_DOC})`);
    const governed = props.governedRegions ?? [];
    governed.forEach((region, i) => {
      if (!Token.isUnresolved(region) && !REGION_NAME.test(region)) throw propError(this, `governedRegions[${i}]`, `'${region}' is not a Region name`);
    });
    const management = ManagementAccount.of(this);
    if (management !== undefined && !Token.isUnresolved(stack.account) && stack.account === management) {
      Annotations.of(this).addWarningV2('cdk-bedrock-cost-governance:blueprintHubIsManagementAccount',
        'The blueprint hub is the management account: Control Tower "strongly recommend[s] that you do not use the AWS Control Tower management account '
        + `as your blueprint hub account" (${AFC_DOC}).`);
    }

    this.assetBucketPrefix = template.assetBucketPrefix;
    this.parameterNames = [...template.parameterNames];
    this.requiredAssetRegions = template.assets.length === 0 ? [] : unique([homeRegion, ...governed]);
    this.versionName = props.versionName ?? contentVersionName(stack, template);

    this.product = new servicecatalog.CloudFormationProduct(this, 'Product', {
      productName,
      owner,
      description: props.description ?? defaultDescription(template),
      productVersions: [{
        productVersionName: this.versionName,
        description: `Template ${template.templateUrl}; file assets from ${template.assetBucketPrefix}-<Region> of the hub account`,
        cloudFormationTemplate: servicecatalog.CloudFormationTemplate.fromUrl(template.templateUrl),
        validateTemplate: true,
      }],
    });
    this.productId = this.product.productId;
    const cfnProduct = this.product.node.defaultChild as servicecatalog.CfnCloudFormationProduct;
    this.provisioningArtifactId = cfnProduct.attrProvisioningArtifactIds;
    props.portfolio?.addProduct(this.product);

    if ((props.replicateAssets ?? true) && this.requiredAssetRegions.length > 0) {
      if (this.requiredAssetRegions.some((r) => Token.isUnresolved(r))) {
        throw propError(this, 'replicateAssets', 'needs literal Regions to copy the assets to: give the stack an env or controlTowerHomeRegion '
          + '(or set replicateAssets to false and copy them with a StackSetAssetReplication of your own)');
      }
      this.assetReplication = new StackSetAssetReplication(this, 'Assets', {
        assets: template.assets,
        bucketPrefix: template.assetBucketPrefix,
        regions: this.requiredAssetRegions,
        providerOptions: props.providerOptions,
      });
      this.product.node.addDependency(this.assetReplication);
    }
  }

  /** Throws when a literal value breaks a length limit. */
  private checkLength(prop: string, value: string, limit: { readonly min: number; readonly max: number }): void {
    if (Token.isUnresolved(value)) return;
    if (value.length < limit.min || value.length > limit.max) {
      throw propError(this, prop, `must be ${limit.min}–${limit.max} characters long (got ${value.length}; ${LIMITS_SOURCE})`);
    }
  }
}

/**
 * `v-` and 12 hex digits of a SHA-256 over the template URL and asset keys. The URL of a
 * CDK-published template holds its content hash, so a changed template gives a new name. Tokens
 * (Region, partition, bucket names) are hashed in their resolved CloudFormation form, which is
 * deterministic. Computed when the product is synthesized: a `CostGovernanceBaseline`'s URL is
 * known only once its template is (the template stack synthesizes before its parent).
 */
function contentVersionName(stack: Stack, template: IStackSetTemplate): string {
  return Lazy.uncachedString({
    produce: (context) => {
      // while the app is prepared the template's URL may not be known yet (see StackSetTemplateStack)
      if (context.preparing) return 'v-pending';
      const material = stack.resolve({
        url: template.templateUrl,
        assets: template.assets.map(a => a.objectKey),
      });
      return `v-${createHash('sha256').update(JSON.stringify(material)).digest('hex').slice(0, 12)}`;
    },
  });
}

function defaultDescription(template: IStackSetTemplate): string {
  const parameters = template.parameterNames.length > 0
    ? ` Account Factory asks for its parameters: ${template.parameterNames.join(', ')}.`
    : '';
  const text = 'Per-account Amazon Bedrock cost governance baseline (cdk-bedrock-cost-governance), deployed by AWS Control Tower '
    + `Account Factory Customization.${parameters}`;
  return text.length <= LIMITS.description.max ? text : `${text.slice(0, LIMITS.description.max - 1)}…`;
}

function unique(values: string[]): string[] {
  return values.filter((v, i) => values.indexOf(v) === i);
}
