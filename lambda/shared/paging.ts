/** One page of a paged AWS list: its items and the token of the next page ('' or absent on the last). */
export interface Page<T> {
  readonly items?: readonly T[];
  readonly next?: string;
}

/** A list that has not ended after this many pages is taken to loop (at 100 a page, 1,000,000 items: a paging bug, not an account). */
const MAX_PAGES = 10_000;

/**
 * Reads every page of a paged AWS list, in order. A token seen twice, or a list that does not end,
 * is an error rather than an endless loop (the empty token of a last page ends it: some services
 * answer '' where their model says null).
 * @param fetch reads the page of `token` (undefined for the first)
 */
export async function collectPages<T>(operation: string,
  fetch: (token: string | undefined) => Promise<Page<T>>): Promise<{ items: T[]; pages: number }> {
  const items: T[] = [];
  const seen = new Set<string>();
  let pages = 0;
  let token: string | undefined;
  do {
    const page = await fetch(token);
    pages++;
    items.push(...(page.items ?? []));
    token = page.next || undefined;
    if (token !== undefined) {
      if (seen.has(token)) throw new Error(`${operation} returned the same pagination token twice`);
      if (pages >= MAX_PAGES) throw new Error(`${operation} did not end after ${MAX_PAGES} pages`);
      seen.add(token);
    }
  } while (token);
  return { items, pages };
}
