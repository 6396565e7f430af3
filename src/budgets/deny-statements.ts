import * as iam from 'aws-cdk-lib/aws-iam';
import { denyInvocationStatement, INVOKE_ACTIONS } from '../contracts/deny-invocation';

/** Invocation of a profile: the library's one list of invoke actions (and so Converse/ConverseStream). */
export const DENIED_ACTIONS = [...INVOKE_ACTIONS];

/**
 * Denies invocation through every application inference profile that carries the cost center's
 * tags, in any account and Region (application inference profiles support aws:ResourceTag): the
 * library's one deny-invocation statement (src/contracts/deny-invocation.ts) with a tag condition.
 */
export function denyByTagStatement(tags: { [key: string]: string }): iam.PolicyStatement {
  return iam.PolicyStatement.fromJson(denyInvocationStatement(['arn:*:bedrock:*:*:application-inference-profile/*'], {
    condition: { StringEquals: Object.fromEntries(Object.entries(tags).map(([k, v]) => [`aws:ResourceTag/${k}`, v])) },
  }));
}
