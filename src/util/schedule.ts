import { Token } from 'aws-cdk-lib';

/**
 * The recurring EventBridge Scheduler expressions the library accepts for its schedules:
 * `rate(<n> minute(s)|hour(s)|day(s))` or `cron(...)` (one-time `at(...)` schedules make no sense
 * for a recurring job). https://docs.aws.amazon.com/scheduler/latest/UserGuide/schedule-types.html
 */
export const RECURRING_SCHEDULE = /^(rate\(\d+ (minute|minutes|hour|hours|day|days)\)|cron\(.+\))$/;

/** Why a schedule expression is refused, or undefined when it is a recurring expression (or a token). */
export function recurringScheduleProblem(expression: string): string | undefined {
  if (Token.isUnresolved(expression) || RECURRING_SCHEDULE.test(expression)) return undefined;
  return `'${expression}' must be an EventBridge Scheduler rate(...) or cron(...) expression`;
}
