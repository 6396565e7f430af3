/**
 * The IAM actions that invoke a model through an application inference profile: InvokeModel and
 * InvokeModelWithResponseStream. The Converse and ConverseStream APIs are authorized by these two
 * actions (there are no bedrock:Converse* actions), so granting or denying them covers all four
 * runtime APIs.
 * https://docs.aws.amazon.com/bedrock/latest/userguide/conversation-inference-call.html
 * https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonbedrock.html
 *
 * The one list of the library: grants (`grantInvoke`), the ABAC policy and the enforcement deny
 * policies use it.
 */
export const INVOKE_ACTIONS: readonly string[] = ['bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream'];
