import { pageGuards } from "@/lib/guards";
import { PostButton } from "./post-button";

export default async function Dashboard() {
  const session = await pageGuards.requireSession();
  const { user } = session;
  return (
    <>
      <h1>Dashboard</h1>
      <table>
        <tbody>
          <tr>
            <th>Name</th>
            <td data-testid="user-name">{user.name}</td>
          </tr>
          <tr>
            <th>Email</th>
            <td data-testid="user-email">{user.email}</td>
          </tr>
          <tr>
            <th>Role</th>
            <td>
              <span className="badge" data-testid="user-role">
                {user.role}
              </span>
            </td>
          </tr>
          <tr>
            <th>Permissions</th>
            <td data-testid="user-permissions">{user.permissions.join(", ") || "none"}</td>
          </tr>
        </tbody>
      </table>
      <h2>Server Action</h2>
      <PostButton />
    </>
  );
}
