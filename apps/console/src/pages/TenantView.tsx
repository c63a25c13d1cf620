// Placeholder: replaced by the page itself.
export default function TenantView() {
  return <h1>TenantView</h1>;
}
