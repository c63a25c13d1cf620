import { useState, type FormEvent } from 'react';
import { Navigate, useLocation } from 'react-router';
import type { ErrorResponse } from '@berth/client';
import { asErrorResponse } from '../api';
import { ErrorView } from '../components/Status';
import { useSession } from '../session';

export default function SignIn() {
  const { me, signIn } = useSession();
  const location = useLocation();
  const [key, setKey] = useState('');
  const [error, setError] = useState<ErrorResponse>();
  const [busy, setBusy] = useState(false);
  if (me) return <Navigate to={(location.state as { from?: string } | null)?.from ?? '/'} replace />;

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

  return (
    <main id="main" className="sign-in">
      <h1>Sign in to Berth</h1>
      <form onSubmit={submit}>
        <label htmlFor="api-key">API key</label>
        <input id="api-key" type="password" autoComplete="off" value={key} onChange={(e) => setKey(e.target.value)} required />
        <button type="submit" disabled={busy || !key.trim()}>
          Sign in with API key
        </button>
      </form>
      {error && <ErrorView error={error} />}
    </main>
  );
}
