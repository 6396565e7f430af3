import { collectPages } from '../../../lambda/shared/paging';

describe('collectPages', () => {
  test('reads every page in order; an empty token ends the list as an absent one does', async () => {
    const pages: Record<string, { items: number[]; next?: string }> = {
      first: { items: [1, 2], next: 'b' },
      b: { items: [], next: 'c' }, // a short, empty page that still carries a token
      c: { items: [3], next: '' },
    };
    const asked: Array<string | undefined> = [];
    const out = await collectPages('List', async (token) => {
      asked.push(token);
      return pages[token ?? 'first'];
    });
    expect(out).toEqual({ items: [1, 2, 3], pages: 3 });
    expect(asked).toEqual([undefined, 'b', 'c']);
  });

  test('a token that comes back is an error, not an endless loop', async () => {
    await expect(collectPages('GetResources', async () => ({ items: [1], next: 'same' })))
      .rejects.toThrow('GetResources returned the same pagination token twice');
  });

  test('a list that never ends stops after 10,000 pages', async () => {
    let n = 0;
    await expect(collectPages('List', async () => ({ items: [], next: `t${n++}` }))).rejects.toThrow('List did not end after 10000 pages');
    expect(n).toBe(10_000);
  });
});
