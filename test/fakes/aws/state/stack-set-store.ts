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
}

/** One stack set operation. */
export interface StoredStackSetOperation {
  readonly id: string;
  readonly action: 'CREATE' | 'UPDATE';
  /** The request it came from, to tell a retry from a reuse of the ID. */
  readonly fingerprint: string;
  status: 'RUNNING' | 'SUCCEEDED';
  /** Applies the operation's changes (run at once, or when a held operation finishes). */
  apply?: () => void;
}

/** A stack set with its instances and operations. */
export class StoredStackSet {
  public readonly id: string;
  public readonly arn: string;
  public readonly instances = new Map<string, StoredStackInstance>();
  public readonly operations = new Map<string, StoredStackSetOperation>();
  /** While true, new operations stay RUNNING until `finishOperations()`. */
  public holdOperations = false;

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
      op.apply?.();
      op.apply = undefined;
      op.status = 'SUCCEEDED';
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
