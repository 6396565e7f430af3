import type { AssumeRoleRequest, AssumeRoleResponse } from '@aws-sdk/client-sts';
import { randomString, UPPER_BASE32 } from '../random-id';
import { operation, ServiceDefinition } from '../service-definition';
import { AwsServiceError, serviceError } from '../service-error';

const ROLE_ARN = /^arn:(aws[a-z-]*):iam::(\d{12}):role\/(?:[\w+=,.@-]+\/)*([\w+=,.@-]{1,64})$/;
const DEFAULT_DURATION_SECONDS = 3600;

/** Options of the STS fake. */
export interface StsFakeOptions {
  /** Decides whether a caller account may assume a role. @default every role may be assumed */
  readonly canAssumeRole?: (roleArn: string, callerAccountId: string) => boolean;
}

/** The STS fake (query protocol): AssumeRole issues credentials that act in the role's account. */
export function stsService(options: StsFakeOptions = {}): ServiceDefinition {
  return {
    key: 'sts',
    modelName: 'sts',
    validationErrorCode: 'ValidationError',
    serializationErrorCode: 'ValidationError',
    throttlingErrorCode: 'Throttling',
    serverErrorCode: 'InternalFailure',
    unknownCredentialsErrorCode: 'InvalidClientTokenId',
    missingAuthErrorCode: 'MissingAuthenticationToken',
    handlers: {
      AssumeRole: operation((input: AssumeRoleRequest, ctx): AssumeRoleResponse => {
        const roleArn = input.RoleArn!;
        const role = ROLE_ARN.exec(roleArn);
        if (!role) throw serviceError('ValidationError', `${roleArn} is invalid`);
        const [, partition, roleAccount, roleName] = role;
        if (options.canAssumeRole && !options.canAssumeRole(roleArn, ctx.accountId)) {
          throw new AwsServiceError('AccessDenied',
            `User: arn:${partition}:iam::${ctx.accountId}:user/fake-caller is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`,
            { statusCode: 403 });
        }
        const creds = ctx.state.credentials.issueTemporary(roleAccount);
        ctx.state.assumedRoles.push({
          roleArn,
          roleSessionName: input.RoleSessionName!,
          externalId: input.ExternalId,
          callerAccountId: ctx.accountId,
          accountId: roleAccount,
          accessKeyId: creds.accessKeyId,
          at: ctx.now,
        });
        const roleId = `AROA${randomString(UPPER_BASE32, 17)}`;
        return {
          Credentials: {
            AccessKeyId: creds.accessKeyId,
            SecretAccessKey: creds.secretAccessKey,
            SessionToken: creds.sessionToken!,
            Expiration: new Date(ctx.now.getTime() + (input.DurationSeconds ?? DEFAULT_DURATION_SECONDS) * 1000),
          },
          AssumedRoleUser: {
            AssumedRoleId: `${roleId}:${input.RoleSessionName}`,
            Arn: `arn:${partition}:sts::${roleAccount}:assumed-role/${roleName}/${input.RoleSessionName}`,
          },
          PackedPolicySize: 0,
        };
      }),
    },
  };
}
