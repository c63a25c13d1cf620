// Placeholder: replaced by the page itself.
export default function RequestForm() {
  return <h1>RequestForm</h1>;
}
