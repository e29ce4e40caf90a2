// Auth.js (next-auth v5) for the example, in one of two modes chosen at run time by
// `AUTH_STRATEGY` (one `next build` serves both):
//
// - `jwt` (default): the Credentials provider checks an email and password against the "User"
//   table (bcrypt hash in `passwordHash`, the seed model's `#[serde(skip)]` column); the
//   session is an encrypted JWT cookie that the Rust service decrypts with the same secret.
// - `database`: @auth/kysely-adapter sessions in the same SQLite file. Auth.js v5 refuses
//   Credentials with database sessions (its callback always mints a JWT cookie), so this mode
//   signs in with an email link: `sendVerificationRequest` appends the link to the file named by
//   `MAIL_OUTBOX` (a local mail sink that the README and the end-to-end test read).
//
// With `REDIS_URL` set, signing out also revokes on Redis (the generated `revoke.ts`, read by
// the Rust service's `revoke::Revocations`): the JWT by its `jti` until its `exp` (`events.signOut`),
// or the database session by the SHA-256 of its token (the adapter's `deleteSession`). Without
// it there is no Redis client at all.
import { appendFile } from "node:fs/promises";
import NextAuth, { type NextAuthConfig, type Session, type User } from "next-auth";
import type { Provider } from "next-auth/providers";
import Credentials from "next-auth/providers/credentials";
import type { Adapter, AdapterSession, AdapterUser } from "next-auth/adapters";
import { KyselyAdapter, type Database } from "@auth/kysely-adapter";
import type { Kysely } from "kysely";
import bcrypt from "bcryptjs";
import { db, parsePermissions } from "@/db";
import { RoleSchema } from "@/auth/generated/schemas";
import { revokeSession, revokeToken, type RedisClient } from "@/auth/generated/revoke";

export type Strategy = "jwt" | "database";

/** The mode this process runs in. */
export function strategy(): Strategy {
  return process.env.AUTH_STRATEGY === "database" ? "database" : "jwt";
}

/** Email + password against the "User" table; `null` for an unknown user or a wrong password. */
async function authorize(credentials: Partial<Record<string, unknown>>): Promise<User | null> {
  const email = typeof credentials.email === "string" ? credentials.email.trim().toLowerCase() : "";
  const password = typeof credentials.password === "string" ? credentials.password : "";
  if (email === "" || password === "") return null;
  const row = await db().selectFrom("User").selectAll().where("email", "=", email).executeTakeFirst();
  // Compare against a fixed hash when the user is unknown, so timing does not tell.
  const hash = row?.passwordHash ?? "$2b$10$Co0E.4M66jEMzNuMhIvci.Gk8s9HNllJOSKw3ugNRqRVaigZ2rhEG";
  const ok = await bcrypt.compare(password, hash);
  if (!row || !ok) return null;
  return {
    id: row.id,
    name: row.name,
    email: row.email,
    image: row.image,
    role: RoleSchema.parse(row.role),
    permissions: parsePermissions(row.permissions),
  };
}

/** The database mode's mail sink: one JSON line per message in `MAIL_OUTBOX`. */
const outbox: Provider = {
  id: "email",
  type: "email",
  name: "Email",
  from: "authgen-example@localhost",
  maxAge: 60 * 60,
  options: {},
  async sendVerificationRequest({ identifier, url }) {
    const file = process.env.MAIL_OUTBOX;
    if (!file) throw new Error("MAIL_OUTBOX is not set (the file the sign-in links go to)");
    await appendFile(file, `${JSON.stringify({ to: identifier, url, at: new Date().toISOString() })}\n`);
  },
};

/** `session.user` from the database row (database mode): never the password hash. */
function userFromRow(user: AdapterUser): Session["user"] {
  return {
    id: user.id,
    name: user.name ?? null,
    email: user.email ?? null,
    image: user.image ?? null,
    role: RoleSchema.parse(user.role),
    permissions: parsePermissions(user.permissions),
  };
}

/** The origin the browser uses: `AUTH_URL` when set (run.sh and the tests set it). */
export function publicOrigin(fallback: string): string {
  const env = process.env.AUTH_URL;
  return env ? new URL(env).origin : new URL(fallback).origin;
}

/**
 * Same-site redirects only, answered as paths: behind `next start -H 127.0.0.1` Next reports
 * the request's host as `localhost`, so an absolute URL built from it would move the browser to
 * another host (and away from its cookies).
 */
function redirect({ url, baseUrl }: { url: string; baseUrl: string }): string {
  const target = new URL(url, baseUrl);
  const allowed = [new URL(baseUrl).origin, publicOrigin(baseUrl)];
  return allowed.includes(target.origin) ? `${target.pathname}${target.search}${target.hash}` : "/";
}

/** The revocations client, connected on first use; none unless `REDIS_URL` is set. */
let redis: Promise<RedisClient> | undefined;

function revocations(): Promise<RedisClient> | undefined {
  const url = process.env.REDIS_URL;
  if (!url) return undefined;
  redis ??= import("redis")
    .then(({ createClient }) => {
      const client = createClient({ url });
      // node-redis reconnects by itself; an unhandled "error" event would end the process.
      client.on("error", (e: Error) => console.error(`revocations: redis: ${e.message}`));
      return client.connect();
    })
    .catch((e: unknown) => {
      redis = undefined; // try again at the next sign-out
      throw e;
    });
  return redis;
}

/** What Auth.js passes to `events.signOut`: `{ token }` (JWT sessions) or `{ session }`. */
type SignOutMessage = Parameters<NonNullable<NonNullable<NextAuthConfig["events"]>["signOut"]>>[0];

/**
 * `events.signOut` (JWT mode): revokes the signed-out token by its `jti` until its `exp`, so that
 * the Rust service refuses it at once instead of at `exp`. Auth.js logs an error thrown here and
 * clears the cookie all the same.
 */
async function revokeOnSignOut(message: SignOutMessage): Promise<void> {
  const client = revocations();
  if (!client || !("token" in message)) return;
  const token = message.token; // the decoded JWT: Auth.js sets `jti` and `exp` on every one
  if (typeof token?.jti === "string" && typeof token.exp === "number") {
    await revokeToken(await client, token.jti, token.exp);
  }
}

/**
 * The adapter with a `deleteSession` that also publishes the session's revocation (database
 * mode), so that the service drops it from its session cache at once. It is done here rather
 * than in `events.signOut` because @auth/kysely-adapter's `deleteSession` returns nothing, so
 * the event's `session` is always `undefined`.
 */
function revokingAdapter(adapter: Adapter): Adapter {
  const { deleteSession } = adapter;
  if (!deleteSession) return adapter;
  return {
    ...adapter,
    async deleteSession(sessionToken): Promise<AdapterSession | null> {
      const deleted = (await deleteSession(sessionToken)) ?? null;
      const client = revocations();
      if (client) await revokeSession(await client, sessionToken);
      return deleted;
    },
  };
}

function config(): NextAuthConfig {
  const mode = strategy();
  const base: Omit<NextAuthConfig, "providers"> = {
    trustHost: true,
    pages: { signIn: "/signin", verifyRequest: "/signin/check-email" },
    session: { strategy: mode },
    events: { signOut: revokeOnSignOut },
  };
  if (mode === "database") {
    return {
      ...base,
      adapter: revokingAdapter(KyselyAdapter(db() as unknown as Kysely<Database>)),
      providers: [outbox],
      callbacks: {
        redirect,
        session({ session, user }) {
          return { ...session, user: userFromRow(user) };
        },
      },
    };
  }
  return {
    ...base,
    providers: [Credentials({ credentials: { email: {}, password: {} }, authorize })],
    callbacks: {
      redirect,
      jwt({ token, user }) {
        if (user) {
          // Sign-in: copy what the seed model's `Jwt` carries (typed by next-auth.d.ts).
          token.id = user.id;
          token.role = user.role;
          token.permissions = user.permissions;
        }
        return token;
      },
      session({ session, token }) {
        const user = { ...session.user, id: token.id, role: token.role, permissions: token.permissions };
        return { ...session, user };
      },
    },
  };
}

export const { handlers, auth, signIn, signOut } = NextAuth(config());
