export default function Forbidden() {
  return <h1 data-testid="denied">403: your role does not allow this page</h1>;
}
