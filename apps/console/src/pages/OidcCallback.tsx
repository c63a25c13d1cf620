// Placeholder: replaced by the page itself.
export default function OidcCallback() {
  return <h1>OidcCallback</h1>;
}
