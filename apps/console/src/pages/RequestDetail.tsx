// Placeholder: replaced by the page itself.
export default function RequestDetail() {
  return <h1>RequestDetail</h1>;
}
