// Placeholder: replaced by the page itself.
export default function Fleet() {
  return <h1>Fleet</h1>;
}
