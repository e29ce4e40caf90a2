import Link from "next/link";
import { auth } from "@/auth";

export default async function Home() {
  const session = await auth();
  return (
    <>
      <h1>authgen example</h1>
      <p>
        A Next.js app and a Rust service sharing one model (<code>fixtures/seed/model.rs</code>): the
        types, guards, tRPC procedures and zod schemas here are generated from it, and the Rust service
        reads the same session cookie.
      </p>
      <p data-testid="home-status">{session?.user ? `Signed in as ${session.user.email}` : "Signed out"}</p>
      {!session?.user && <Link href="/signin">Sign in</Link>}
    </>
  );
}
