// Placeholder: replaced by the page itself.
export default function TenantAdmin() {
  return <h1>TenantAdmin</h1>;
}
