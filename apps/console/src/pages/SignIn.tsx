import { useEffect, useState, type FormEvent } from 'react';
import { Navigate, useLocation } from 'react-router';
import type { ErrorResponse } from '@berth/client';
import { asErrorResponse } from '../api';
import { ErrorView } from '../components/Status';
import { beginOidcSignIn, loadConsoleConfig, signInError, type ConsoleConfig } from '../oidc';
import { useSession } from '../session';

export default function SignIn() {
  const { me, signIn } = useSession();
  const location = useLocation();
  const [key, setKey] = useState('');
  const [error, setError] = useState<ErrorResponse>();
  const [busy, setBusy] = useState(false);
  const [config, setConfig] = useState<ConsoleConfig>();
  const from = (location.state as { from?: string } | null)?.from ?? '/';

  useEffect(() => {
    loadConsoleConfig().then(setConfig, (failure: unknown) => setError(asErrorResponse(failure)));
  }, []);

  if (me) return <Navigate to={from} replace />;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    try {
      await signIn(key.trim());
    } catch (failure) {
      setError(asErrorResponse(failure));
    } finally {
      setBusy(false);
    }
  };

  const oidc = async () => {
    if (!config?.oidc) return;
    setBusy(true);
    try {
      await beginOidcSignIn(config.oidc, from);
    } catch (failure) {
      setError(signInError(failure));
      setBusy(false);
    }
  };

  return (
    <main id="main" className="sign-in">
      <h1>Sign in to Berth</h1>
      {config?.oidc && (
        <section aria-labelledby="oidc-heading" className="sign-in-oidc">
          <h2 id="oidc-heading">Single sign-on</h2>
          <button type="button" onClick={oidc} disabled={busy}>
            Sign in with {new URL(config.oidc.issuer).host}
          </button>
        </section>
      )}
      <section aria-labelledby="key-heading">
        <h2 id="key-heading">{config?.oidc ? 'Or with an API key' : 'With an API key'}</h2>
        <form onSubmit={submit}>
          <label htmlFor="api-key">API key</label>
          <p id="api-key-help" className="hint">
            A Berth API key (<code>berth_…</code>), such as the admin key printed when Berth first started. It stays in this tab&apos;s memory only.
          </p>
          <input
            id="api-key"
            type="password"
            autoComplete="off"
            aria-describedby="api-key-help"
            value={key}
            onChange={(e) => setKey(e.target.value)}
            required
          />
          <button type="submit" disabled={busy || !key.trim()}>
            Sign in with API key
          </button>
        </form>
      </section>
      {error && <ErrorView error={error} />}
    </main>
  );
}
