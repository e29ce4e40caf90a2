// Seeds the three example users into the SQLite file at DATABASE_URL (sqlite://PATH), after the
// migrations ran. Idempotent: a user that exists is updated to these values (its id is kept).
//
//   DATABASE_URL=sqlite://data/app.db node scripts/seed.mjs
//
// Passwords (documented in README.md; for this local example only):
//   user@example.com       user-password        USER       no extra permissions
//   moderator@example.com  moderator-password   MODERATOR  posts:read, posts:write
//   admin@example.com      admin-password       ADMIN      posts:read, posts:write, users:manage
import Database from "better-sqlite3";
import bcrypt from "bcryptjs";

export const USERS = [
  { email: "user@example.com", name: "Uma User", password: "user-password", role: "USER", permissions: [] },
  {
    email: "moderator@example.com",
    name: "Mo Moderator",
    password: "moderator-password",
    role: "MODERATOR",
    permissions: ["posts:read", "posts:write"],
  },
  {
    email: "admin@example.com",
    name: "Ada Admin",
    password: "admin-password",
    role: "ADMIN",
    permissions: ["posts:read", "posts:write", "users:manage"],
  },
];

function databasePath(url) {
  if (!url) throw new Error("DATABASE_URL is not set (sqlite://PATH)");
  return url.replace(/^sqlite:(\/\/)?/, "").replace(/\?.*$/, "");
}

const db = new Database(databasePath(process.env.DATABASE_URL));
db.pragma("busy_timeout = 5000");
const find = db.prepare(`SELECT "id", "passwordHash" FROM "User" WHERE "email" = ?`);
const insert = db.prepare(
  `INSERT INTO "User" ("name", "email", "emailVerified", "role", "permissions", "passwordHash")
   VALUES (@name, @email, @verified, @role, @permissions, @hash)`,
);
const update = db.prepare(
  `UPDATE "User" SET "name" = @name, "role" = @role, "permissions" = @permissions, "passwordHash" = @hash
   WHERE "email" = @email`,
);

const seed = db.transaction((rows) => {
  for (const row of rows) (find.get(row.email) ? update : insert).run(row);
});

const rows = USERS.map((u) => {
  const existing = find.get(u.email);
  // Keep a hash that still matches, so a second run changes nothing.
  const hash =
    existing?.passwordHash && bcrypt.compareSync(u.password, existing.passwordHash)
      ? existing.passwordHash
      : bcrypt.hashSync(u.password, 10);
  return {
    name: u.name,
    email: u.email,
    verified: new Date().toISOString(),
    role: u.role,
    permissions: JSON.stringify(u.permissions),
    hash,
  };
});
seed(rows);
for (const u of USERS) console.log(`seeded ${u.role.padEnd(9)} ${u.email}`);
db.close();
