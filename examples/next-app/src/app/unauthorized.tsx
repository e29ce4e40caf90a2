import Link from "next/link";

export default function Unauthorized() {
  return (
    <>
      <h1 data-testid="denied">401: sign in first</h1>
      <Link href="/signin">Sign in</Link>
    </>
  );
}
