import type { ReactNode } from "react";
import Link from "next/link";
import { auth, signOut, strategy } from "@/auth";
import "./style.css";

export const metadata = { title: "authgen example" };

async function SignOut() {
  return (
    <form
      action={async () => {
        "use server";
        await signOut({ redirectTo: "/" });
      }}
    >
      <button type="submit" data-testid="sign-out">
        Sign out
      </button>
    </form>
  );
}

export default async function RootLayout({ children }: { children: ReactNode }) {
  const session = await auth();
  return (
    <html lang="en">
      <body>
        <header>
          <nav>
            <Link href="/">Home</Link>
            <Link href="/dashboard">Dashboard</Link>
            <Link href="/moderation">Moderation</Link>
            <Link href="/admin">Admin</Link>
            <Link href="/trpc">tRPC</Link>
            <Link href="/service">Rust service</Link>
          </nav>
          <div className="who">
            <span data-testid="strategy">{strategy()}</span>
            {session?.user ? (
              <>
                <span data-testid="whoami">{session.user.email}</span>
                <SignOut />
              </>
            ) : (
              <Link href="/signin" data-testid="sign-in-link">
                Sign in
              </Link>
            )}
          </div>
        </header>
        <main>{children}</main>
      </body>
    </html>
  );
}
