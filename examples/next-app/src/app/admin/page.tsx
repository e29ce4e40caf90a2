import { pageGuards } from "@/lib/guards";

export default async function Admin() {
  // 401 signed out, 403 below ADMIN; after it `session.user.role` is typed `"ADMIN"`.
  const session = await pageGuards.requireRole("ADMIN");
  const role: "ADMIN" = session.user.role;
  return (
    <>
      <h1 data-testid="admin-title">Admin</h1>
      <p>
        Welcome, <span data-testid="admin-role">{role}</span> {session.user.name}.
      </p>
    </>
  );
}
