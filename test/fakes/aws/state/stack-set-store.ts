import { randomUUID } from 'node:crypto';

/** How a stack set is seeded (`fake.state.createStackSet`). */
export interface CreateStackSetOptions {
  readonly name: string;
  /** @default 'SERVICE_MANAGED' */
  readonly permissionModel?: 'SERVICE_MANAGED' | 'SELF_MANAGED';
  /** The OUs (or root) the stack set targets, as DescribeStackSet lists them. @default none */
  readonly organizationalUnitIds?: readonly string[];
  /** The template's parameters and their stack set values; overrides may only name these. @default none */
  readonly parameters?: Readonly<Record<string, string>>;
  /** The organization: account ID → the OU it is in (targets of service-managed operations). @default none */
  readonly organization?: Readonly<Record<string, string>>;
  /** The organization's management account, which is never a target. @default the administrator account */
  readonly managementAccountId?: string;
  /** @default the fake's Region */
  readonly region?: string;
  /** The administrator account. @default the fake's account */
  readonly accountId?: string;
}

/** One stack instance. */
export interface StoredStackInstance {
  readonly account: string;
  readonly region: string;
  readonly organizationalUnitId?: string;
  readonly stackId: string;
  overrides: Record<string, string>;
  lastOperationId: string;
  /** CURRENT | OUTDATED | INOPERABLE ([model] cloudformation.json `StackInstanceStatus`). */
  status: 'CURRENT' | 'OUTDATED' | 'INOPERABLE';
  /** [model] cloudformation.json `StackInstanceDetailedStatus` (the values the fake produces or tests seed). */
  detailedStatus: 'PENDING' | 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'CANCELLED' | 'INOPERABLE' | 'SKIPPED_SUSPENDED_ACCOUNT' | 'FAILED_IMPORT';
}

/** One stack set operation. */
export interface StoredStackSetOperation {
  readonly id: string;
  readonly action: 'CREATE' | 'UPDATE';
  /** The request it came from, to tell a retry from a reuse of the ID. */
  readonly fingerprint: string;
  status: 'RUNNING' | 'SUCCEEDED' | 'FAILED';
  /** Applies the operation's changes (run at once, or when a held operation finishes); true when an instance failed. */
  apply?: () => boolean;
}

/** A stack set with its instances and operations. */
export class StoredStackSet {
  public readonly id: string;
  public readonly arn: string;
  public readonly instances = new Map<string, StoredStackInstance>();
  public readonly operations = new Map<string, StoredStackSetOperation>();
  /** While true, new operations stay RUNNING until `finishOperations()`. */
  public holdOperations = false;
  /**
   * Accounts whose stack operations fail: their instances are left OUTDATED with DetailedStatus FAILED
   * (the instance exists, its overrides are recorded; the stack did not deploy), and the operation is FAILED.
   */
  public readonly failingAccounts = new Set<string>();

  constructor(public readonly options: CreateStackSetOptions & { region: string; accountId: string; partition: string }) {
    this.id = `${options.name}:${randomUUID()}`;
    this.arn = `arn:${options.partition}:cloudformation:${options.region}:${options.accountId}:stackset/${this.id}`;
  }

  /** The operation that is running, if any. */
  public running(): StoredStackSetOperation | undefined {
    return [...this.operations.values()].find(o => o.status === 'RUNNING');
  }

  /** Completes every running operation, applying its changes. */
  public finishOperations(): void {
    for (const op of this.operations.values()) {
      if (op.status !== 'RUNNING') continue;
      const failed = op.apply?.() ?? false;
      op.apply = undefined;
      op.status = failed ? 'FAILED' : 'SUCCEEDED';
    }
  }

  /** Instances in creation order. */
  public list(): StoredStackInstance[] {
    return [...this.instances.values()];
  }
}

/** The stack sets of one administrator account in one Region. */
export class StackSetStore {
  private readonly sets = new Map<string, StoredStackSet>();

  public add(set: StoredStackSet): StoredStackSet {
    this.sets.set(set.options.name, set);
    return set;
  }

  /** By name or ID (`name:uuid`), as the API takes either. */
  public get(nameOrId: string): StoredStackSet | undefined {
    return this.sets.get(nameOrId) ?? [...this.sets.values()].find(s => s.id === nameOrId);
  }
}

/** The key of an instance in its stack set. */
export function instanceKey(account: string, region: string): string {
  return `${account}/${region}`;
}
