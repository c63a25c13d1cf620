import { useEffect, useRef, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import type { ErrorResponse } from '@berth/client';
import { ErrorView, Loading } from '../components/Status';
import { completeOidcSignIn, loadConsoleConfig, signInError } from '../oidc';
import { useSession } from '../session';

/** /console/callback: the identity provider sends the browser here with ?code&state; exchange it, then go back. */
export default function OidcCallback() {
  const { signIn } = useSession();
  const navigate = useNavigate();
  const [error, setError] = useState<ErrorResponse>();
  const started = useRef(false);

  useEffect(() => {
    if (started.current) return; // the code is single-use
    started.current = true;
    const params = new URLSearchParams(window.location.search);
    (async () => {
      const config = await loadConsoleConfig();
      if (!config.oidc) throw new Error('OIDC sign-in is not configured on this Berth server');
      const { accessToken, returnTo } = await completeOidcSignIn(config.oidc, params);
      await signIn(accessToken);
      // replace: the code and state leave the address bar and the history.
      navigate(returnTo, { replace: true });
    })().catch((failure: unknown) => {
      window.history.replaceState(null, '', '/console/callback');
      setError(signInError(failure));
    });
  }, [signIn, navigate]);

  return (
    <main id="main" className="sign-in">
      <h1>Signing in</h1>
      {error ? (
        <>
          <ErrorView error={error} />
          <p>
            <Link to="/sign-in">Back to sign-in</Link>
          </p>
        </>
      ) : (
        <Loading what="your session" />
      )}
    </main>
  );
}
