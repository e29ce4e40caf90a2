import { redirect } from "next/navigation";
import { AuthError } from "next-auth";
import { signIn, strategy } from "@/auth";

/** Only same-site paths: an open redirect is not an example to copy. */
function safeTarget(value: unknown): string {
  if (typeof value !== "string") return "/dashboard";
  try {
    const url = new URL(value, "http://localhost");
    return url.pathname.startsWith("/") && !url.pathname.startsWith("//") ? `${url.pathname}${url.search}` : "/dashboard";
  } catch {
    return "/dashboard";
  }
}

async function signInAction(form: FormData) {
  "use server";
  const redirectTo = safeTarget(form.get("callbackUrl"));
  const email = String(form.get("email") ?? "");
  try {
    if (strategy() === "database") {
      await signIn("email", { email, redirectTo });
    } else {
      await signIn("credentials", { email, password: String(form.get("password") ?? ""), redirectTo });
    }
  } catch (e) {
    // signIn redirects by throwing; only Auth.js's own errors are a failed sign-in.
    if (e instanceof AuthError) redirect(`/signin?error=${encodeURIComponent(e.type)}`);
    throw e;
  }
}

export default async function SignIn({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const params = await searchParams;
  const mode = strategy();
  return (
    <>
      <h1>Sign in</h1>
      {params.error && (
        <p data-testid="signin-error" role="alert">
          {params.error === "CredentialsSignin" ? "Wrong email or password." : `Sign-in failed (${String(params.error)}).`}
        </p>
      )}
      <form action={signInAction}>
        <input type="hidden" name="callbackUrl" value={safeTarget(params.callbackUrl)} />
        <label>
          Email <input name="email" type="email" required autoComplete="username" data-testid="email" />
        </label>
        {mode === "jwt" ? (
          <label>
            Password{" "}
            <input name="password" type="password" required autoComplete="current-password" data-testid="password" />
          </label>
        ) : (
          <p>Database sessions: we send you a sign-in link (to the outbox file, <code>MAIL_OUTBOX</code>).</p>
        )}
        <button type="submit" data-testid="sign-in">
          {mode === "jwt" ? "Sign in" : "Email me a link"}
        </button>
      </form>
    </>
  );
}
