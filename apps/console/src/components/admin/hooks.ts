import { useCallback, useEffect, useState, type DependencyList } from 'react';
import type { ErrorResponse } from '@berth/client';
import { asErrorResponse, useLoad } from '../../api';

/** A mistake caught in the form before anything is sent (a label line without `=`), shown like the API's reasons. */
export class FormError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

const asError = (failure: unknown): ErrorResponse =>
  failure instanceof FormError
    ? { statusCode: 0, error: 'Invalid input', message: failure.message, details: [{ field: failure.field, code: 'format', message: failure.message }] }
    : asErrorResponse(failure);

export interface Action {
  /** True while the write is in flight: its buttons are disabled meanwhile. */
  busy: boolean;
  /** The last failure, in the API's words. */
  error: ErrorResponse | undefined;
  /** What the last successful write did, for a live region ("Cluster x registered."). */
  notice: string | undefined;
  /** Runs one write; resolves true when it succeeded, and then shows `done` (if given) as the notice. */
  run(work: () => Promise<void>, done?: string): Promise<boolean>;
  clear(): void;
}

/** One write at a time, with its in-flight state and its error. */
export function useAction(): Action {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ErrorResponse>();
  const [notice, setNotice] = useState<string>();
  const run = useCallback(async (work: () => Promise<void>, done?: string) => {
    setBusy(true);
    setError(undefined);
    setNotice(undefined);
    try {
      await work();
      setNotice(done);
      return true;
    } catch (failure) {
      setError(asError(failure));
      return false;
    } finally {
      setBusy(false);
    }
  }, []);
  const clear = useCallback(() => {
    setError(undefined);
    setNotice(undefined);
  }, []);
  return { busy, error, notice, run, clear };
}

export interface Page<T> {
  items: T[];
  nextCursor?: string | null;
}

export interface Paged<T> {
  items: T[] | undefined;
  error: ErrorResponse | undefined;
  loading: boolean;
  /** Null when the last page is shown. */
  nextCursor: string | null;
  loadingMore: boolean;
  moreError: ErrorResponse | undefined;
  loadMore(): void;
  /** Back to the first page (after a write). */
  reload(): void;
}

/** A cursor-paged list: the first page on mount (and when deps change), later pages appended by loadMore. */
export function usePaged<T>(load: (cursor: string | undefined) => Promise<Page<T>>, deps: DependencyList): Paged<T> {
  const first = useLoad(() => load(undefined), deps);
  const [more, setMore] = useState<{ items: T[]; next: string | null }>();
  const [loadingMore, setLoadingMore] = useState(false);
  const [moreError, setMoreError] = useState<ErrorResponse>();

  useEffect(() => {
    setMore(undefined);
    setMoreError(undefined);
  }, [first.data]);

  const nextCursor = more ? more.next : (first.data?.nextCursor ?? null);
  const loadMore = useCallback(() => {
    if (!nextCursor) return;
    setLoadingMore(true);
    setMoreError(undefined);
    load(nextCursor).then(
      (page) => {
        setMore((prev) => ({ items: [...(prev?.items ?? []), ...page.items], next: page.nextCursor ?? null }));
        setLoadingMore(false);
      },
      (failure: unknown) => {
        setMoreError(asErrorResponse(failure));
        setLoadingMore(false);
      },
    );
  }, [nextCursor, ...deps]);

  const items = first.data ? [...first.data.items, ...(more?.items ?? [])] : undefined;
  return { items, error: first.error, loading: first.loading, nextCursor, loadingMore, moreError, loadMore, reload: first.reload };
}
