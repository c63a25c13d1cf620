// Placeholder: replaced by the page itself.
export default function Clusters() {
  return <h1>Clusters</h1>;
}
