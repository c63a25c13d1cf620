import { Navigate } from 'react-router';
import { Empty } from '../components/Status';
import { useSession } from '../session';

/** Admins start at the approval queue; everyone else at their first tenant. */
export default function Home() {
  const { me, isAdmin } = useSession();
  if (isAdmin) return <Navigate to="/approvals" replace />;
  const first = me?.tenants[0];
  if (first) return <Navigate to={`/tenants/${first.name}`} replace />;
  return (
    <>
      <h1>Welcome to Berth</h1>
      <Empty>
        You are signed in as <code>{me?.actor}</code> but are not a member of any tenant yet. Ask a platform admin or a tenant owner to add you; then your
        tenants appear here.
      </Empty>
    </>
  );
}
