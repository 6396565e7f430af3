import {
  DeleteParameterCommand, DescribeParametersCommand, GetParametersByPathCommand, ParameterStringFilter, PutParameterCommand, SSMClient,
} from '@aws-sdk/client-ssm';
import { SYNC_OWNER_TAG } from '../../src/contracts/profile-resolver';
import { collectPages } from '../shared/paging';
import { RetryOptions, withRetry } from '../shared/retry';

/**
 * The profile catalog in Parameter Store as the catalog sync reads and writes it: every call
 * retried on throttling (shared/retry), every list paged to its end.
 *
 * Facts it relies on (SSM API model, ../shared/aws-models/ssm.json):
 * - GetParametersByPath pages by at most 10 (GetParametersByPathMaxResults 1–10) and
 *   DescribeParameters by at most 50 (MaxResults 1–50). Both answer "on a best-effort basis": a
 *   page may hold fewer items than asked, even none, with a NextToken — so paging goes on while a
 *   NextToken comes back, never while pages are full.
 * - GetParametersByPath cannot filter by tag ("The following Key values aren't supported for
 *   GetParametersByPath: tag, DataType, Name, Path, and Tier"); DescribeParameters can
 *   (ParameterStringFilter keys `tag:<key>` and `Path` with the options `Recursive`/`OneLevel`).
 * - PutParameter without Overwrite on an existing name fails with ParameterAlreadyExists; Tags are
 *   accepted only when creating ("To add tags to an existing Systems Manager parameter, use the
 *   AddTagsToResource operation"; the service refuses Tags together with Overwrite).
 */

/** The largest GetParametersByPath page (GetParametersByPathMaxResults). */
export const BY_PATH_PAGE_SIZE = 10;
/** The largest DescribeParameters page (MaxResults). */
export const DESCRIBE_PAGE_SIZE = 50;

/** An entry of the catalog: parameter name → value (a profile ARN). */
export type CatalogEntries = Map<string, string>;

/** Every parameter below `prefix` (at any depth), with its value. */
export async function readEntries(ssm: SSMClient, prefix: string, retry: RetryOptions): Promise<CatalogEntries> {
  const { items } = await collectPages('GetParametersByPath', async (token) => {
    const page = await withRetry(() => ssm.send(new GetParametersByPathCommand({
      Path: prefix, Recursive: true, MaxResults: BY_PATH_PAGE_SIZE, NextToken: token,
    })), retry);
    return { items: page.Parameters, next: page.NextToken };
  });
  const entries: CatalogEntries = new Map();
  for (const p of items) if (p.Name !== undefined) entries.set(p.Name, p.Value ?? '');
  return entries;
}

/** The names below `prefix` that carry the sync owner tag with this owner's value. */
export async function readOwnedNames(ssm: SSMClient, prefix: string, owner: string, retry: RetryOptions): Promise<Set<string>> {
  const filters: ParameterStringFilter[] = [
    { Key: 'Path', Option: 'Recursive', Values: [prefix] },
    { Key: `tag:${SYNC_OWNER_TAG}`, Option: 'Equals', Values: [owner] },
  ];
  const { items } = await collectPages('DescribeParameters', async (token) => {
    const page = await withRetry(() => ssm.send(new DescribeParametersCommand({
      ParameterFilters: filters, MaxResults: DESCRIBE_PAGE_SIZE, NextToken: token,
    })), retry);
    return { items: page.Parameters, next: page.NextToken };
  });
  return new Set(items.flatMap((p) => (p.Name === undefined ? [] : [p.Name])));
}

/** What creating an entry came to. */
export type CreateOutcome = 'created' | 'exists';

/**
 * Creates an entry marked as this owner's (tags are set in the same call, so an entry is never
 * left unmarked); `exists` when the name is taken — by CloudFormation, another owner, a person or
 * a concurrent run — and then nothing is changed.
 */
export async function createEntry(ssm: SSMClient, name: string, value: string, owner: string, description: string,
  retry: RetryOptions): Promise<CreateOutcome> {
  try {
    await withRetry(() => ssm.send(new PutParameterCommand({
      Name: name,
      Value: value,
      Type: 'String',
      Tier: 'Standard',
      Description: description,
      Tags: [{ Key: SYNC_OWNER_TAG, Value: owner }],
    })), retry);
    return 'created';
  } catch (error) {
    if ((error as { name?: string }).name === 'ParameterAlreadyExists') return 'exists';
    throw error;
  }
}

/** Overwrites the value of an entry this owner made (its tags stay; Tags cannot go with Overwrite). */
export async function updateEntry(ssm: SSMClient, name: string, value: string, retry: RetryOptions): Promise<void> {
  await withRetry(() => ssm.send(new PutParameterCommand({ Name: name, Value: value, Overwrite: true })), retry);
}

/** What deleting an entry came to. */
export type DeleteOutcome = 'deleted' | 'gone';

/** Deletes an entry this owner made; `gone` when it no longer exists (deleted meanwhile). */
export async function deleteEntry(ssm: SSMClient, name: string, retry: RetryOptions): Promise<DeleteOutcome> {
  try {
    await withRetry(() => ssm.send(new DeleteParameterCommand({ Name: name })), retry);
    return 'deleted';
  } catch (error) {
    if ((error as { name?: string }).name === 'ParameterNotFound') return 'gone';
    throw error;
  }
}
