/**
 * The IAM actions that invoke a model through an application inference profile (InvokeModel and
 * InvokeModelWithResponseStream, which also authorize Converse and ConverseStream). Defined once
 * in src/contracts/deny-invocation.ts, where the spend meter's handler can import it too.
 */
export { INVOKE_ACTIONS } from '../contracts/deny-invocation';
