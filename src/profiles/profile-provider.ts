import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct, IConstruct } from 'constructs';
import { checkProfileQuota } from './profile-quota';
import { allowProfileManagement, SourcePermissions } from './source-permissions';
import { HandlerProvider } from '../util/handler-provider';
import { ProviderOptions } from '../util/provider-options';
import { StackSingleton } from '../util/stack-singleton';

const PROVIDER_ID = 'BedrockCostGovernanceProfileProvider';

/**
 * The one provider per stack behind every `ApplicationInferenceProfile` of the stack: an onEvent
 * function (the handler bundled in `assets/lambda/profile-provider`) under the
 * `custom_resources.Provider` framework.
 *
 * Call `ProfileProvider.configure(stack, options)` before the first profile of a stack to place
 * the functions in a VPC or change log retention and encryption.
 */
export class ProfileProvider extends Construct {
  /**
   * Creates the stack's provider with these options. Must be called before any profile of the
   * stack is created, and at most once per stack.
   */
  public static configure(scope: IConstruct, options: ProviderOptions): ProfileProvider {
    return StackSingleton.configure(scope, PROVIDER_ID, 'ProfileProvider.configure', (stack) => new ProfileProvider(stack, PROVIDER_ID, options));
  }

  /** The stack's provider, created with default options if it does not exist yet. */
  public static of(scope: IConstruct): ProfileProvider {
    return StackSingleton.of(scope, PROVIDER_ID, (stack) => new ProfileProvider(stack, PROVIDER_ID, {}));
  }

  /** The service token custom resources use. */
  public readonly serviceToken: string;
  /** The function that handles the lifecycle events of profiles. */
  public readonly onEventFunction: lambda.IFunction;
  /** The role of the onEvent function. */
  public readonly role: iam.IRole;
  /** The key that encrypts the provider's logs. */
  public readonly logEncryptionKey: kms.IKey;

  private readonly sources: SourcePermissions;
  private assumeStatement?: iam.PolicyStatement;

  private constructor(scope: Construct, id: string, options: ProviderOptions) {
    super(scope, id);
    // Bedrock's quota of profiles per account and Region, checked once for the whole app
    checkProfileQuota(this);
    const handler = new HandlerProvider(this, 'Handler', {
      handlerName: 'profile-provider',
      description: 'the lifecycle of Amazon Bedrock application inference profiles',
      options,
    });
    const role = handler.role;
    this.role = role;
    this.sources = new SourcePermissions(role);
    this.onEventFunction = handler.function;
    this.logEncryptionKey = handler.logEncryptionKey;
    this.serviceToken = handler.serviceToken;
    allowProfileManagement(role, { findByName: 'it is needed to find an existing profile by name (adoption, clear conflict errors)' });
  }

  /**
   * Allows the provider to create profiles that copy these model sources.
   * @internal
   */
  public _allowCopyFrom(sourceArn: string): void {
    this.sources.allowCopyFrom(sourceArn);
  }

  /**
   * Allows the provider to assume the role of a target account (exactly this ARN), in which it
   * manages profiles. What that role may do is decided in its own account.
   * @internal
   */
  public _allowAssumeRole(roleArn: string): void {
    if (this.assumeStatement) {
      if (!this.assumeStatement.resources.includes(roleArn)) this.assumeStatement.addResources(roleArn);
      return;
    }
    this.assumeStatement = new iam.PolicyStatement({ sid: 'AssumeProfileManagementRoles', actions: ['sts:AssumeRole'], resources: [roleArn] });
    this.role.addToPrincipalPolicy(this.assumeStatement);
  }

  /**
   * Allows the provider to read a system-defined (cross-Region) inference profile: adoption
   * compares the models an existing profile routes to with those of the source.
   * @internal
   */
  public _allowReadSource(sourceArn: string): void {
    this.sources.allowReadSource(sourceArn);
  }

}
