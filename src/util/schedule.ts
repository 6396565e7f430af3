import { Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import { Construct } from 'constructs';

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

/** A recurring invocation of a function by EventBridge Scheduler. */
export interface ScheduledInvocationProps {
  /** The function to invoke. */
  readonly function: lambda.IFunction;
  /** A recurring EventBridge Scheduler expression (checked by the caller with recurringScheduleProblem). */
  readonly expression: string;
  /** The event the function receives. */
  readonly input: object;
  /** What the schedule does (the schedule's description, at most 512 characters). */
  readonly description: string;
  /** What the role lets Scheduler do (the role's description). */
  readonly roleDescription: string;
  /** The window Scheduler may start the invocation in. @default 15 minutes */
  readonly flexibleWindowMinutes?: number;
}

/**
 * Invokes a function on a schedule: an `AWS::Scheduler::Schedule` (`<id>`) and the role Scheduler
 * assumes (`<id>Role`), trusted by scheduler.amazonaws.com of this account only (aws:SourceAccount,
 * https://docs.aws.amazon.com/scheduler/latest/UserGuide/setting-up.html#setting-up-execution-role)
 * and allowed to invoke that one function. Retries three times within an hour (Scheduler's
 * RetryPolicy), so a throttled or failed start is tried again.
 */
export function scheduleInvocation(scope: Construct, id: string, props: ScheduledInvocationProps): scheduler.CfnSchedule {
  const role = new iam.Role(scope, `${id}Role`, {
    assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
      conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(scope).account } },
    }),
    description: props.roleDescription,
  });
  role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [props.function.functionArn] }));
  return new scheduler.CfnSchedule(scope, id, {
    description: props.description.slice(0, 512),
    scheduleExpression: props.expression,
    flexibleTimeWindow: { mode: 'FLEXIBLE', maximumWindowInMinutes: props.flexibleWindowMinutes ?? 15 },
    target: {
      arn: props.function.functionArn,
      roleArn: role.roleArn,
      input: JSON.stringify(props.input),
      retryPolicy: { maximumRetryAttempts: 3, maximumEventAgeInSeconds: 3600 },
    },
  });
}
