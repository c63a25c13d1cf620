import TestAgent from 'supertest/lib/agent';

/** Follows `nextCursor` from the first page to the last; returns every page's items in order. */
export async function allPages<T = Record<string, unknown>>(
  api: () => TestAgent,
  path: string,
  headers: Record<string, string>,
  limit: number,
): Promise<{ items: T[]; pages: number }> {
  const items: T[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const sep = path.includes('?') ? '&' : '?';
    const url: string = `${path}${sep}limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const res = await api().get(url).set(headers).expect(200);
    expect(res.body.items.length).toBeLessThanOrEqual(limit);
    items.push(...(res.body.items as T[]));
    cursor = res.body.nextCursor;
    pages += 1;
    if (pages > 1000) throw new Error(`pagination of ${path} does not end`);
  } while (cursor);
  return { items, pages };
}
