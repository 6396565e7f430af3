import * as fs from 'fs';
import * as path from 'path';

/**
 * AWS's CreateManagedAccount lifecycle event sample
 * (https://docs.aws.amazon.com/controltower/latest/userguide/lifecycle-events.html), IDs filled in.
 */
export const CREATE_MANAGED_ACCOUNT_SAMPLE = JSON.parse(
  fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'control-tower', 'create-managed-account.json'), 'utf8'),
).event;

/**
 * EventBridge's matching for the pattern forms the hook uses (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns.html):
 * an array of literals matches a field equal to one of them; an object matches field by field; a
 * field the pattern names must be present.
 */
export function matchesEventPattern(pattern: Record<string, unknown>, event: Record<string, unknown>): boolean {
  return Object.entries(pattern).every(([key, expected]) => {
    const actual = event[key];
    if (Array.isArray(expected)) return actual !== undefined && expected.some(v => v === actual);
    if (typeof expected === 'object' && expected !== null) {
      return typeof actual === 'object' && actual !== null && matchesEventPattern(expected as Record<string, unknown>, actual as Record<string, unknown>);
    }
    throw new Error(`pattern form not supported by this matcher: ${key}=${JSON.stringify(expected)}`);
  });
}

/** The sample as an UpdateManagedAccount event (a create retried after an error is reported so). */
export function asUpdateManagedAccount(event: typeof CREATE_MANAGED_ACCOUNT_SAMPLE, state = 'SUCCEEDED'): typeof CREATE_MANAGED_ACCOUNT_SAMPLE {
  const copy = JSON.parse(JSON.stringify(event));
  copy.detail.eventName = 'UpdateManagedAccount';
  copy.detail.serviceEventDetails = { updateManagedAccountStatus: { ...copy.detail.serviceEventDetails.createManagedAccountStatus, state } };
  return copy;
}
