// Placeholder: replaced by the page itself.
export default function Approvals() {
  return <h1>Approvals</h1>;
}
