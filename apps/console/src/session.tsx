import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from 'react';
import { createBerthClient, unwrap, type BerthClient, type Schemas } from '@berth/client';

export type Me = Schemas['MeResponse'];

interface Session {
  /** Null until someone signs in. The credential lives in this closure only: never in a URL or in storage. */
  client: BerthClient | null;
  me: Me | null;
  isAdmin: boolean;
  signIn(token: string): Promise<void>;
  signOut(): void;
}

const SessionContext = createContext<Session | null>(null);

/** The API is the console's own origin: Berth serves the console at /console. */
export const apiBase = (): string => window.location.origin;

export function SessionProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<{ client: BerthClient; me: Me } | null>(null);

  const signIn = useCallback(async (token: string) => {
    const client = createBerthClient({ baseUrl: apiBase(), token });
    const me = await unwrap(client.GET('/v1/me'));
    // A credential that stops working (an OIDC token expired, a key revoked) ends the session: back to sign-in.
    client.use({
      onResponse({ response }) {
        if (response.status === 401) setState((current) => (current?.client === client ? null : current));
      },
    });
    setState({ client, me });
  }, []);
  const signOut = useCallback(() => setState(null), []);

  const value = useMemo<Session>(
    () => ({ client: state?.client ?? null, me: state?.me ?? null, isAdmin: state?.me.platformRole === 'admin', signIn, signOut }),
    [state, signIn, signOut],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside SessionProvider');
  return session;
}

/** The signed-in client; pages behind RequireSession only. */
export function useApi(): BerthClient {
  const { client } = useSession();
  if (!client) throw new Error('useApi without a session');
  return client;
}
