import { auth } from "@/auth";

// Protected by the route rule in src/middleware.ts (MODERATOR and above), not by the page.
export default async function Moderation() {
  const session = await auth();
  return (
    <>
      <h1 data-testid="moderation-title">Moderation</h1>
      <p>
        Moderating as <span data-testid="moderation-role">{session?.user?.role ?? "nobody"}</span>.
      </p>
    </>
  );
}
