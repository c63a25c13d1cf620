import type { ErrorResponse } from '@berth/client';

/** An API error in the API's words: message, each reason with its field, and the request id for support. */
export function ErrorView({ error }: { error: ErrorResponse }) {
  return (
    <div role="alert" className="error">
      <p className="error-message">
        <strong>{error.error}:</strong> {error.message}
      </p>
      {error.details.length > 0 && (
        <ul className="reasons">
          {error.details.map((d, i) => (
            <li key={i}>
              {d.field && <code>{d.field}</code>} <span className="code">{d.code}</span> {d.message}
              {d.limit && <span className="limit"> (limit {d.limit})</span>}
            </li>
          ))}
        </ul>
      )}
      {error.requestId && <p className="request-id">Request id: {error.requestId}</p>}
    </div>
  );
}

export function Loading({ what }: { what: string }) {
  return (
    <p role="status" aria-live="polite" className="loading">
      Loading {what}…
    </p>
  );
}

export function Empty({ children }: { children: React.ReactNode }) {
  return <p className="empty">{children}</p>;
}
