import { useCallback, useEffect, useRef, useState, type DependencyList } from 'react';
import { BerthApiError, toErrorResponse, type ErrorResponse } from '@berth/client';

export interface Loaded<T> {
  data: T | undefined;
  error: ErrorResponse | undefined;
  loading: boolean;
  reload(): void;
}

/** Any failure as the API's one error shape, so every page shows errors in the API's own words. */
export function asErrorResponse(error: unknown): ErrorResponse {
  if (error instanceof BerthApiError) return error.body;
  return toErrorResponse(0, error instanceof Error ? `Cannot reach Berth: ${error.message}` : String(error));
}

/**
 * Loads on mount and whenever deps change; a stale answer (deps changed meanwhile) is dropped. `load` is read
 * fresh on each run, so callers pass what it depends on as deps (as with useEffect).
 */
export function useLoad<T>(load: () => Promise<T>, deps: DependencyList): Loaded<T> {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<ErrorResponse>();
  const [loading, setLoading] = useState(true);
  const [tick, setTick] = useState(0);
  const generation = useRef(0);

  useEffect(() => {
    const mine = ++generation.current;
    setLoading(true);
    load().then(
      (value) => {
        if (mine !== generation.current) return;
        setData(value);
        setError(undefined);
        setLoading(false);
      },
      (failure: unknown) => {
        if (mine !== generation.current) return;
        setError(asErrorResponse(failure));
        setLoading(false);
      },
    );
  }, [...deps, tick]);

  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { data, error, loading, reload };
}

/** Every item of a cursor-paged list (at most `maxPages` pages: the console shows queues, not archives). */
export async function allPages<T>(page: (cursor: string | undefined) => Promise<{ items: T[]; nextCursor: string | null }>, maxPages = 20): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | undefined;
  for (let i = 0; i < maxPages; i++) {
    const answer = await page(cursor);
    items.push(...answer.items);
    if (!answer.nextCursor) break;
    cursor = answer.nextCursor;
  }
  return items;
}
