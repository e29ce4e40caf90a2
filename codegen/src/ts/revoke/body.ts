
/** The Redis key holding the revocation cutoff of `userId` (the token's `sub`). */
export function userKey(userId: string): string {
  return USER_KEY_PREFIX + userId;
}

/** The Redis key marking the token id `jti` revoked. */
export function tokenKey(jti: string): string {
  return TOKEN_KEY_PREFIX + jti;
}

/** A message on `CHANNEL`, as the Rust runtime's `RevocationMessage` writes and reads it. */
export type RevocationMessage =
  | { readonly type: "user"; readonly id: string; readonly at: number }
  | { readonly type: "token"; readonly jti: string; readonly exp: number }
  | { readonly type: "session"; readonly sha256: string };

/** The transaction (`client.multi()`) of a node-redis 5 client, as far as revoke.ts uses it. */
export interface NodeRedisMulti {
  set(
    key: string,
    value: string,
    options: { expiration: { type: "EXAT"; value: number } },
  ): NodeRedisMulti;
  publish(channel: string, message: string): NodeRedisMulti;
  exec(): Promise<unknown>;
}

/** A connected node-redis 5 client (`createClient()` of the `redis` package). */
export interface NodeRedisClient {
  multi(): NodeRedisMulti;
  publish(channel: string, message: string): Promise<unknown>;
}

/** The transaction (`client.multi()`) of an ioredis 5 client, as far as revoke.ts uses it. */
export interface IoRedisMulti {
  set(key: string, value: string, token: "EXAT", unixTimeSeconds: number): IoRedisMulti;
  publish(channel: string, message: string): IoRedisMulti;
  exec(): Promise<[error: Error | null, result: unknown][] | null>;
}

/** An ioredis 5 client (`new Redis(url)` of the `ioredis` package). */
export interface IoRedisClient {
  call(command: string, ...args: (string | number)[]): Promise<unknown>;
  multi(): IoRedisMulti;
  publish(channel: string, message: string): Promise<unknown>;
}

/** Either client. */
export type RedisClient = NodeRedisClient | IoRedisClient;

function isIoRedis(client: RedisClient): client is IoRedisClient {
  return typeof (client as { call?: unknown }).call === "function";
}

function unixNow(): number {
  return Math.floor(Date.now() / 1000);
}

function seconds(name: string, value: unknown): number {
  if (typeof value !== "number" || !Number.isSafeInteger(value)) {
    const what = typeof value === "number" ? String(value) : typeof value;
    throw new RangeError(`revoke.ts: ${name} must be whole unix seconds, not ${what}`);
  }
  return value;
}

function nonEmpty(name: string, value: unknown): string {
  if (typeof value !== "string" || value === "") {
    const what = value === "" ? "empty" : typeof value;
    throw new TypeError(`revoke.ts: ${name} must be a non-empty string, not ${what}`);
  }
  return value;
}

/** `SET key value EXAT expireAt` then `PUBLISH CHANNEL message`, in one MULTI/EXEC. */
async function setAndPublish(
  client: RedisClient,
  key: string,
  value: number,
  expireAt: number,
  message: RevocationMessage,
): Promise<void> {
  const json = JSON.stringify(message);
  if (isIoRedis(client)) {
    const multi = client.multi().set(key, String(value), "EXAT", expireAt);
    const results = await multi.publish(CHANNEL, json).exec();
    if (results === null) throw new Error("revoke.ts: the MULTI was aborted");
    for (const [error] of results) if (error) throw error;
  } else {
    const expiration = { type: "EXAT", value: expireAt } as const;
    await client.multi().set(key, String(value), { expiration }).publish(CHANNEL, json).exec();
  }
}

/** Options of {@link revokeUser}. */
export interface RevokeUserOptions {
  /**
   * The cutoff, unix seconds: the user's tokens with an `iat` before it are refused. Default:
   * now + 1, so that a token issued in the current second is refused too.
   */
  readonly at?: number;
  /** How long the key lives after the cutoff, seconds: the app's session `maxAge` (30 days). */
  readonly maxAge?: number;
}

/**
 * Revokes the tokens of `userId` (the token's `sub`) issued before `options.at` ("sign out
 * everywhere", a ban): sets `userKey(userId)` to the cutoff, expiring `maxAge` after it, and
 * publishes `{"type":"user","id":…,"at":…}`. A later call replaces the cutoff. Throws on a
 * Redis error, an empty `userId` or a cutoff that is not whole seconds.
 *
 * ```ts
 * await revokeUser(redis, session.user.id);
 * ```
 */
export async function revokeUser(
  client: RedisClient,
  userId: string,
  options: RevokeUserOptions = {},
): Promise<void> {
  const id = nonEmpty("userId", userId);
  const at = seconds("at", options.at ?? unixNow() + 1);
  const maxAge = seconds("maxAge", options.maxAge ?? DEFAULT_USER_KEY_TTL_SECONDS);
  if (maxAge < 0) throw new RangeError(`revoke.ts: maxAge must not be negative, not ${maxAge}`);
  const expireAt = Math.max(at + maxAge, unixNow() + 1);
  await setAndPublish(client, userKey(id), at, expireAt, { type: "user", id, at });
}

/**
 * Revokes the JWT whose `jti` claim is `jti` until its `exp` (unix seconds): sets
 * `tokenKey(jti)` to `exp`, expiring `TOKEN_KEY_GRACE_SECONDS` after it, and publishes
 * `{"type":"token","jti":…,"exp":…}`. Returns `false` (and writes nothing) when the token
 * expired longer ago than the grace. Throws on a Redis error or bad arguments.
 *
 * ```ts
 * await revokeToken(redis, token.jti, token.exp);
 * ```
 */
export async function revokeToken(client: RedisClient, jti: string, exp: number): Promise<boolean> {
  const id = nonEmpty("jti", jti);
  const expires = seconds("exp", exp);
  const expireAt = expires + TOKEN_KEY_GRACE_SECONDS;
  if (expireAt <= unixNow()) return false;
  await setAndPublish(client, tokenKey(id), expires, expireAt, { type: "token", jti: id, exp: expires });
  return true;
}

/** The lower-case hex SHA-256 of a session token: what `revokeSession` publishes. */
export function sessionDigest(sessionToken: string): string {
  return createHash("sha256").update(sessionToken, "utf8").digest("hex");
}

/**
 * Tells every instance that the database session `sessionToken` is signed out: publishes
 * `{"type":"session","sha256":…}` with its SHA-256 (never the token), so that each drops it
 * from its session cache. Nothing is stored: the adapter deletes the session row.
 *
 * ```ts
 * await revokeSession(redis, session.sessionToken);
 * ```
 */
export async function revokeSession(client: RedisClient, sessionToken: string): Promise<void> {
  const sha256 = sessionDigest(nonEmpty("sessionToken", sessionToken));
  const message: RevocationMessage = { type: "session", sha256 };
  await client.publish(CHANNEL, JSON.stringify(message));
}
