/**
 * Revocations on Redis, written for the Rust runtime's `authgen_runtime::revoke::Revocations`
 * (feature `redis`) to read: `revokeUser` (tokens of a user issued before a time: "sign out
 * everywhere", a ban), `revokeToken` (one JWT by its `jti`, until its `exp`) and
 * `revokeSession` (a database session signed out: every instance drops it from its cache).
 * Each sets its key and publishes its message in one MULTI/EXEC; a session publishes only the
 * SHA-256 of its token, never the token.
 *
 * The client is a connected node-redis 5 client (`createClient()` of the `redis` package) or
 * an ioredis 5 client (`new Redis(url)`); both are told apart by ioredis's `call` method.
 *
 * @module
 */

import { createHash } from "node:crypto";

