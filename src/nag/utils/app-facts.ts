/**
 * What the rules know about the whole app beyond one resource: the governance facts the library's
 * constructs record (src/util/governance-metadata.ts), read in one walk of the construct tree and
 * indexed, so that a rule checks a resource in constant time whatever the size of the app.
 *
 * The pack computes the facts once per root per validation run (`CostAttributionChecks` keeps
 * them in a cache it clears when `validateScope` starts; see {@link AppFactsCache}), so a tree
 * changed between two runs is read again.
 */
import { CfnResource, Stack, Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { CostCenterFact, governanceFactsOf, GovernanceFact } from '../../util/governance-metadata';
import { ManagementAccount } from '../../util/management-account';

/** The cost centers the library recorded on a profile resource (a profile, or a batch's members). */
export function costCentersOn(node: CfnResource): CostCenterFact[] {
  const out = new Map<string, CostCenterFact>();
  for (const fact of governanceFactsOf(node)) {
    if ((fact.kind === 'profile' || fact.kind === 'batch-member') && fact.costCenter) out.set(fact.costCenter.name, fact.costCenter);
  }
  return [...out.values()];
}

/** An account or Region as an index key: the literal, or `*` when unknown at synth (a token). */
const ANY = '*';
function key(value: string): string {
  return Token.isUnresolved(value) ? ANY : value;
}

/** Where budgets that count a cost center (by name, or a tag filter) are. */
class BudgetAccounts {
  /** some budget is in the management account, or in an account unknown at synth: it counts for every account */
  private everywhere = false;
  private readonly accounts = new Set<string>();

  public add(account: string, inManagementAccount: boolean): void {
    if (inManagementAccount || account === ANY) this.everywhere = true;
    else this.accounts.add(account);
  }

  /** Whether a budget counts the spend of `account` (`*`: unknown at synth, so any budget may). */
  public counts(account: string): boolean {
    return this.everywhere || (account === ANY ? this.accounts.size > 0 : this.accounts.has(account));
  }
}

/** Facts of the whole app, indexed for the rules. */
export class AppFacts {
  /** How many times facts were computed (a full walk of a construct tree each): for tests. @internal */
  public static walks = 0;

  /** One walk of the tree under `root` (the app). */
  public static compute(root: IConstruct): AppFacts {
    AppFacts.walks++;
    const facts = new AppFacts();
    for (const construct of root.node.findAll()) {
      if (!CfnResource.isCfnResource(construct)) continue;
      for (const fact of governanceFactsOf(construct)) facts.add(construct, fact);
    }
    return facts;
  }

  /** budgets by the name of a cost center they were made for */
  private readonly budgetsByCostCenter = new Map<string, BudgetAccounts>();
  /** tag-filter budgets by one `key=value` of their filter (the first in key order), with the whole filter */
  private readonly tagBudgetsByPair = new Map<string, Array<{ tags: { readonly [key: string]: string }; accounts: BudgetAccounts }>>();
  /** answers of budgetCovers, by account and cost center (a cost center recurs on many profiles) */
  private readonly coverage = new Map<string, boolean>();
  /** `account|region` of every ModelInvocationLogging (each `*` when unknown at synth) */
  private readonly loggingEnvironments = new Set<string>();
  private readonly loggingAccounts = new Set<string>();
  private readonly loggingRegions = new Set<string>();
  /** construct paths of the log groups ModelInvocationLogging writes to */
  public readonly loggedGroupPaths = new Set<string>();

  private constructor() {}

  /**
   * Whether a budget of the app counts a cost center's spend in the account of `node`: it was made
   * for the cost center (or for profiles of it), or it filters by tags that the cost center
   * carries, every one; and it sees that account's spend — the same account, the management
   * account (`ManagementAccount.of`), whose budgets count the whole organization's spend, or an
   * account unknown at synth (either side). A member account's budget counts only its own spend.
   */
  public budgetCovers(node: CfnResource, costCenter: CostCenterFact): boolean {
    const account = key(Stack.of(node).account);
    const memo = `${account}\u0000${costCenter.name}\u0000${JSON.stringify(Object.entries(costCenter.tags).sort())}`;
    const known = this.coverage.get(memo);
    if (known !== undefined) return known;
    const covered = (this.budgetsByCostCenter.get(costCenter.name)?.counts(account) ?? false)
      || Object.entries(costCenter.tags).some(([k, v]) => (this.tagBudgetsByPair.get(`${k}=${v}`) ?? []).some((b) =>
        b.accounts.counts(account) && Object.entries(b.tags).every(([tk, tv]) => costCenter.tags[tk] === tv)));
    this.coverage.set(memo, covered);
    return covered;
  }

  /** Whether the app has a `ModelInvocationLogging` that may cover the account and Region of `node` (equal, or either unknown at synth). */
  public invocationLoggingCovers(node: CfnResource): boolean {
    const stack = Stack.of(node);
    const account = key(stack.account);
    const region = key(stack.region);
    if (account === ANY && region === ANY) return this.loggingEnvironments.size > 0;
    if (account === ANY) return this.loggingRegions.has(region) || this.loggingRegions.has(ANY);
    if (region === ANY) return this.loggingAccounts.has(account) || this.loggingAccounts.has(ANY);
    return [`${account}|${region}`, `${ANY}|${region}`, `${account}|${ANY}`, `${ANY}|${ANY}`].some((e) => this.loggingEnvironments.has(e));
  }

  private add(resource: CfnResource, fact: GovernanceFact): void {
    if (fact.kind === 'budget') {
      const stack = Stack.of(resource);
      const account = key(stack.account);
      const management = ManagementAccount.of(resource);
      const inManagementAccount = management !== undefined && !Token.isUnresolved(management) && management === account;
      for (const c of fact.costCenters) this.accountsOf(this.budgetsByCostCenter, c.name).add(account, inManagementAccount);
      const pairs = Object.entries(fact.tags ?? {}).sort(([a], [b]) => a.localeCompare(b));
      if (pairs.length > 0) {
        const [k, v] = pairs[0];
        const list = this.tagBudgetsByPair.get(`${k}=${v}`) ?? [];
        const accounts = new BudgetAccounts();
        accounts.add(account, inManagementAccount);
        list.push({ tags: fact.tags!, accounts });
        this.tagBudgetsByPair.set(`${k}=${v}`, list);
      }
    } else if (fact.kind === 'invocation-logging') {
      const stack = Stack.of(resource);
      const account = key(stack.account);
      const region = key(stack.region);
      this.loggingEnvironments.add(`${account}|${region}`);
      this.loggingAccounts.add(account);
      this.loggingRegions.add(region);
      this.loggedGroupPaths.add(fact.logGroupPath);
    }
  }

  private accountsOf(map: Map<string, BudgetAccounts>, name: string): BudgetAccounts {
    let accounts = map.get(name);
    if (!accounts) map.set(name, accounts = new BudgetAccounts());
    return accounts;
  }
}

/** The facts of each root, computed on first use; cleared by the pack when a validation run starts. */
export class AppFactsCache {
  private facts = new WeakMap<IConstruct, AppFacts>();

  /** Forgets every root's facts (the tree may have changed since the last run). */
  public clear(): void {
    this.facts = new WeakMap();
  }

  /** The facts of the app `node` belongs to. */
  public of(node: IConstruct): AppFacts {
    const root = node.node.root;
    let facts = this.facts.get(root);
    if (!facts) this.facts.set(root, facts = AppFacts.compute(root));
    return facts;
  }
}
