// Placeholder: replaced by the page itself.
export default function Tenants() {
  return <h1>Tenants</h1>;
}
