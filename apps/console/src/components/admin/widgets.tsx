import { useEffect, useRef, useState, type ReactNode } from 'react';
import type { ErrorResponse } from '@berth/client';
import { Empty, ErrorView, Loading } from '../Status';
import { formatTime } from './forms';
import type { Action, Paged } from './hooks';

/**
 * A destructive button that asks first, inline (keyboard reachable, no window.confirm): Confirm takes the focus,
 * Escape or Cancel puts it back on the button.
 */
export function ConfirmButton({
  children,
  label,
  question,
  busy,
  onConfirm,
}: {
  children: ReactNode;
  /** Accessible name of the first button, e.g. "Delete cluster prod-eu-1". */
  label: string;
  question: string;
  busy?: boolean;
  onConfirm(): unknown;
}) {
  const [asking, setAsking] = useState(false);
  const [refocus, setRefocus] = useState(false);
  const button = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (!asking && refocus) {
      button.current?.focus();
      setRefocus(false);
    }
  }, [asking, refocus]);
  const cancel = () => {
    setAsking(false);
    setRefocus(true);
  };

  if (!asking)
    return (
      <button ref={button} type="button" className="secondary danger" aria-label={label} disabled={busy} onClick={() => setAsking(true)}>
        {children}
      </button>
    );
  return (
    <span
      role="group"
      aria-label={question}
      className="confirm"
      onKeyDown={(e) => {
        if (e.key === 'Escape') cancel();
      }}
    >
      <span>{question}</span>
      <button
        type="button"
        className="danger"
        autoFocus
        disabled={busy}
        onClick={() => {
          setAsking(false);
          setRefocus(true);
          void onConfirm();
        }}
      >
        Confirm
      </button>
      <button type="button" className="secondary" onClick={cancel}>
        Cancel
      </button>
    </span>
  );
}

/** Loading, error and empty states of a paged list, the list itself, and its "Load more" button. */
export function PagedView<T>({ list, what, empty, children }: { list: Paged<T>; what: string; empty: ReactNode; children(items: T[]): ReactNode }) {
  if (list.error) return <ErrorView error={list.error} />;
  if (!list.items) return <Loading what={what} />;
  if (list.items.length === 0) return <Empty>{empty}</Empty>;
  return (
    <>
      {list.loading && <Loading what={what} />}
      {children(list.items)}
      {list.moreError && <ErrorView error={list.moreError} />}
      {list.nextCursor && (
        <button type="button" className="secondary" onClick={list.loadMore} disabled={list.loadingMore}>
          {list.loadingMore ? 'Loading…' : `Load more ${what}`}
        </button>
      )}
    </>
  );
}

/**
 * The error of a write, if any, right where the write was started. With `onStale`, a 412 (someone changed the
 * row since it was read) offers to load the current version.
 */
export function ActionError({ error, onStale }: { error: ErrorResponse | undefined; onStale?(): void }) {
  if (!error) return null;
  return (
    <>
      <ErrorView error={error} />
      {onStale && error.statusCode === 412 && (
        <button type="button" className="secondary" onClick={onStale}>
          Load the current version (drops these edits)
        </button>
      )}
    </>
  );
}

/** A write's outcome where it was started: a polite live region for its notice, and its error (see ActionError). */
export function ActionResult({ action, onStale }: { action: Action; onStale?(): void }) {
  return (
    <>
      <p role="status" className="notice">
        {action.notice}
      </p>
      <ActionError error={action.error} onStale={onStale} />
    </>
  );
}

export const Time = ({ at }: { at: string | null | undefined }) => (at ? <time dateTime={at}>{formatTime(at)}</time> : <>—</>);

/** A map as a compact list of `key=value` chips. */
export function KeyValues({ map }: { map: Record<string, string | number> | null | undefined }) {
  const entries = Object.entries(map ?? {});
  if (entries.length === 0) return <span className="muted">none</span>;
  return (
    <ul className="kv">
      {entries.map(([k, v]) => (
        <li key={k}>
          <code>
            {k}={String(v)}
          </code>
        </li>
      ))}
    </ul>
  );
}
