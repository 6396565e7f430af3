import * as iam from 'aws-cdk-lib/aws-iam';
import { INVOKE_ACTIONS } from '../profiles/invoke-actions';

/** Invocation of a profile: the library's one list of invoke actions (and so Converse/ConverseStream). */
export const DENIED_ACTIONS = [...INVOKE_ACTIONS];

/**
 * Denies invocation through every application inference profile that carries the cost center's
 * tags, in any account and Region (application inference profiles support aws:ResourceTag).
 */
export function denyByTagStatement(tags: { [key: string]: string }): iam.PolicyStatement {
  return new iam.PolicyStatement({
    sid: 'DenyBedrockInvocationThroughCostCenterProfiles',
    effect: iam.Effect.DENY,
    actions: DENIED_ACTIONS,
    resources: ['arn:*:bedrock:*:*:application-inference-profile/*'],
    conditions: { StringEquals: Object.fromEntries(Object.entries(tags).map(([k, v]) => [`aws:ResourceTag/${k}`, v])) },
  });
}

