// Placeholder: replaced by the page itself.
export default function Audit() {
  return <h1>Audit</h1>;
}
