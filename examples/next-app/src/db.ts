// The SQLite database the app shares with the Rust service (examples/service): the tables
// authgen generated from the seed model with the `prisma` naming preset, which are the tables
// @auth/kysely-adapter expects ("User", "Account", "Session", "VerificationToken").
import Database from "better-sqlite3";
import { Kysely, SqliteDialect, type Generated } from "kysely";
import type { Permission, Role } from "@/auth/generated/permissions";
import { PERMISSIONS } from "@/auth/generated/permissions";

/** The `"User"` row: columns as authgen wrote them (SQLite stores lists as JSON text). */
export interface UserRow {
  id: Generated<string>;
  name: string | null;
  email: string | null;
  emailVerified: string | null;
  image: string | null;
  role: Generated<Role>;
  permissions: Generated<string>;
  createdAt: Generated<string>;
  passwordHash: string | null;
}

export interface SessionRow {
  id: Generated<string>;
  sessionToken: string;
  userId: string;
  expires: string;
}

export interface AccountRow {
  id: Generated<string>;
  userId: string;
  type: string;
  provider: string;
  providerAccountId: string;
  refresh_token: string | null;
  access_token: string | null;
  expires_at: number | null;
  token_type: string | null;
  scope: string | null;
  id_token: string | null;
  session_state: string | null;
}

export interface VerificationTokenRow {
  identifier: string;
  token: string;
  expires: string;
}

export interface DB {
  User: UserRow;
  Account: AccountRow;
  Session: SessionRow;
  VerificationToken: VerificationTokenRow;
}

/** `DATABASE_URL` as the Rust service reads it: `sqlite://PATH` (or a bare path). */
export function databasePath(url: string | undefined = process.env.DATABASE_URL): string {
  if (!url) throw new Error("DATABASE_URL is not set (sqlite://PATH)");
  const path = url.replace(/^sqlite:(\/\/)?/, "").replace(/\?.*$/, "");
  if (path === "") throw new Error("DATABASE_URL has no path");
  return path;
}

let instance: Kysely<DB> | undefined;

/**
 * The app's one Kysely instance. The file is opened on first query (never during `next build`,
 * and not when the module loads, so `AUTH_STRATEGY` and `DATABASE_URL` are read at run time).
 */
export function db(): Kysely<DB> {
  if (instance === undefined) {
    const open = async () => {
      const sqlite = new Database(databasePath());
      // Both processes write the file: wait for the other's lock instead of failing at once.
      sqlite.pragma("busy_timeout = 5000");
      // better-sqlite3 leaves foreign keys off; the generated ON DELETE CASCADE needs them.
      sqlite.pragma("foreign_keys = ON");
      return sqlite;
    };
    instance = new Kysely<DB>({ dialect: new SqliteDialect({ database: open }) });
  }
  return instance;
}

/** The permissions column (JSON text on SQLite) as the generated `Permission[]`. */
export function parsePermissions(value: unknown): Permission[] {
  let list: unknown = value;
  if (typeof value === "string") {
    try {
      list = JSON.parse(value);
    } catch {
      return [];
    }
  }
  if (!Array.isArray(list)) return [];
  return list.filter((p): p is Permission => (PERMISSIONS as readonly unknown[]).includes(p));
}
