import { NavLink, Navigate, Outlet, useLocation } from 'react-router';
import { useSession } from '../session';

/** Pages behind sign-in: anyone without a session goes to the sign-in page, and comes back after. */
export function RequireSession() {
  const { me } = useSession();
  const location = useLocation();
  if (!me) return <Navigate to="/sign-in" replace state={{ from: location.pathname }} />;
  return <Layout />;
}

function Layout() {
  const { me, isAdmin, signOut } = useSession();
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="top">
        <span className="brand">Berth</span>
        <nav aria-label="Main">
          <ul>
            {isAdmin && (
              <li>
                <NavLink to="/approvals">Approvals</NavLink>
              </li>
            )}
            {me?.tenants.map((t) => (
              <li key={t.name}>
                <NavLink to={`/tenants/${t.name}`}>{t.name}</NavLink>
              </li>
            ))}
            {isAdmin && (
              <>
                <li>
                  <NavLink to="/admin/tenants">Tenants</NavLink>
                </li>
                <li>
                  <NavLink to="/admin/clusters">Clusters</NavLink>
                </li>
                <li>
                  <NavLink to="/admin/tiers">Tiers</NavLink>
                </li>
                <li>
                  <NavLink to="/admin/fleet">Fleet</NavLink>
                </li>
                <li>
                  <NavLink to="/admin/audit">Audit log</NavLink>
                </li>
              </>
            )}
          </ul>
        </nav>
        <span className="who">
          {me?.actor}
          <button type="button" onClick={signOut}>
            Sign out
          </button>
        </span>
      </header>
      <main id="main" tabIndex={-1}>
        <Outlet />
      </main>
    </>
  );
}
