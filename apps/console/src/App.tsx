import { Route, Routes } from 'react-router';
import { RequireSession } from './components/Layout';
import Audit from './pages/admin/Audit';
import Clusters from './pages/admin/Clusters';
import Fleet from './pages/admin/Fleet';
import TenantAdmin from './pages/admin/TenantAdmin';
import Tenants from './pages/admin/Tenants';
import Tiers from './pages/admin/Tiers';
import Approvals from './pages/Approvals';
import Home from './pages/Home';
import OidcCallback from './pages/OidcCallback';
import RequestDetail from './pages/RequestDetail';
import RequestForm from './pages/RequestForm';
import SignIn from './pages/SignIn';
import TenantView from './pages/TenantView';

/** Every console route; paths are below /console (the router's basename). */
export function App() {
  return (
    <Routes>
      <Route path="/sign-in" element={<SignIn />} />
      <Route path="/callback" element={<OidcCallback />} />
      <Route element={<RequireSession />}>
        <Route index element={<Home />} />
        <Route path="/approvals" element={<Approvals />} />
        <Route path="/tenants/:tenant" element={<TenantView />} />
        <Route path="/tenants/:tenant/request" element={<RequestForm />} />
        <Route path="/requests/:id" element={<RequestDetail />} />
        <Route path="/admin/tenants" element={<Tenants />} />
        <Route path="/admin/tenants/:tenant" element={<TenantAdmin />} />
        <Route path="/admin/clusters" element={<Clusters />} />
        <Route path="/admin/tiers" element={<Tiers />} />
        <Route path="/admin/fleet" element={<Fleet />} />
        <Route path="/admin/audit" element={<Audit />} />
      </Route>
    </Routes>
  );
}
