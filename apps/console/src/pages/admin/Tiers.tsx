// Placeholder: replaced by the page itself.
export default function Tiers() {
  return <h1>Tiers</h1>;
}
