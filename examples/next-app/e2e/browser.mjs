// The browser half of examples/service/tests/e2e.rs: Debian's Chromium driven by playwright-core,
// against a running app (`next start`) and Rust service. Reads its settings as JSON from stdin:
//   { base, mode: "jwt" | "database", secret, database, outbox, shots, readmeShot?, redis? }
// (`redis`: the app and the service share a Redis, so a signed-out JWT is revoked.)
// For each seeded user it signs in through the real form, visits every page, clicks the Server
// Action, calls tRPC and the Rust service from the page, and checks every status; then sign-out,
// tampered, expired and (database) role-change cases. Prints one JSON line per check; exits 1
// on the first failure, after printing the page's console and network errors.
import { readFileSync, existsSync, copyFileSync, mkdirSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { chromium } from "playwright-core";
import Database from "better-sqlite3";
import { encode } from "@auth/core/jwt";
import { expected, PAGES, ROLES, USERS } from "./matrix.mjs";

const cfg = JSON.parse(readFileSync(0, "utf8"));
const COOKIE = "authjs.session-token";
const problems = [];
let checks = 0;

function check(what, actual, want) {
  checks += 1;
  const ok = JSON.stringify(actual) === JSON.stringify(want);
  console.log(JSON.stringify({ check: what, ok, actual, want }));
  if (!ok) throw new Error(`${what}: got ${JSON.stringify(actual)}, want ${JSON.stringify(want)}`);
}

function watch(page) {
  page.on("console", (m) => {
    if (m.type() === "error" || m.type() === "warning") problems.push(`console ${m.type()}: ${m.text()} (${page.url()})`);
  });
  page.on("pageerror", (e) => problems.push(`page error: ${e.message} (${page.url()})`));
  page.on("requestfailed", (r) => problems.push(`request failed: ${r.method()} ${r.url()}: ${r.failure()?.errorText}`));
  page.on("response", (r) => {
    if (r.status() >= 500) problems.push(`HTTP ${r.status()}: ${r.request().method()} ${r.url()}`);
  });
}

async function shot(page, mode, who, name) {
  const path = `${cfg.shots}/${mode}-${who}-${name}.png`;
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** Signs in through the app's own form (Credentials, or the email link from the outbox). */
async function signIn(page, user) {
  await page.goto(`${cfg.base}/signin?callbackUrl=%2Fdashboard`);
  await page.getByTestId("email").fill(user.email);
  if (cfg.mode === "jwt") {
    await page.getByTestId("password").fill(user.password);
    await page.getByTestId("sign-in").click();
  } else {
    const before = outboxLines().length;
    await page.getByTestId("sign-in").click();
    // Auth.js answers with its "check your email" page (verify-request).
    await page.waitForURL(/verify-request|check-email/);
    const link = await waitForMail(before, user.email);
    await page.goto(link);
  }
  await page.waitForURL(/\/dashboard$/);
}

function outboxLines() {
  if (!existsSync(cfg.outbox)) return [];
  return readFileSync(cfg.outbox, "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l));
}

async function waitForMail(before, email) {
  for (let i = 0; i < 100; i += 1) {
    const mail = outboxLines().slice(before).find((m) => m.to === email);
    if (mail) return mail.url;
    await sleep(100);
  }
  throw new Error(`no sign-in mail for ${email} in ${cfg.outbox}`);
}

/** Status of a same-origin call made by the page itself (the browser's cookies go along). */
async function fetchStatus(page, path, init) {
  return page.evaluate(
    async ([p, i]) => {
      const r = await fetch(p, i ?? undefined);
      return r.status;
    },
    [path, init ?? null],
  );
}

async function callTable(page, path) {
  await page.goto(`${cfg.base}${path}`);
  await page.locator('[data-testid="calls"][data-state="done"]').waitFor();
  const rows = await page.locator("[data-testid^=call-]").evaluateAll((els) =>
    Object.fromEntries(els.map((e) => [e.getAttribute("data-testid").slice(5), Number(e.getAttribute("data-status"))])),
  );
  return rows;
}

/** Every page and call as `who` ("ANON" or a role): statuses and what the pages show. */
async function visitAll(page, who) {
  const want = expected(who);
  const user = USERS.find((u) => u.role === who);
  for (const [name, path] of PAGES) {
    const res = await page.goto(`${cfg.base}${path}`);
    const final = new URL(page.url()).pathname;
    // Signed out, the middleware rule sends the browser to the sign-in page.
    const status = final === "/signin" ? "signin" : res.status();
    check(`${cfg.mode} ${who} ${path}`, status, want.pages[name]);
    await shot(page, cfg.mode, who, name);
  }
  await page.goto(`${cfg.base}/dashboard`);
  if (user) {
    check(`${cfg.mode} ${who} dashboard role`, await page.getByTestId("user-role").textContent(), who);
    check(`${cfg.mode} ${who} dashboard name`, await page.getByTestId("user-name").textContent(), user.name);
    await page.getByTestId("action-button").click();
    const result = page.getByTestId("action-result");
    await result.waitFor();
    check(`${cfg.mode} ${who} server action`, Number(await result.getAttribute("data-status")), want.action);
    await shot(page, cfg.mode, who, "dashboard-action");
  }
  check(`${cfg.mode} ${who} /api/admin/report`, await fetchStatus(page, "/api/admin/report"), want.report);
  check(`${cfg.mode} ${who} tRPC`, await callTable(page, "/trpc"), want.trpc);
  await shot(page, cfg.mode, who, "trpc");
  check(`${cfg.mode} ${who} Rust service`, await callTable(page, "/service"), want.service);
  await shot(page, cfg.mode, who, "service");
}

async function sessionCookie(context) {
  const c = (await context.cookies(cfg.base)).find((k) => k.name === COOKIE);
  return c?.value;
}

/**
 * A new page whose only session cookie is `value`. Every page of the context is closed first:
 * a response still in flight (a link prefetch) would otherwise re-set the cookie that Auth.js
 * refreshes on each request, and replace `value`.
 */
async function withCookie(context, value) {
  for (let attempt = 1; ; attempt += 1) {
    for (const p of context.pages()) await p.close();
    await context.clearCookies();
    await context.addCookies([{ name: COOKIE, value, url: cfg.base, httpOnly: true, sameSite: "Lax" }]);
    const page = await context.newPage();
    watch(page);
    // A same-origin page that Auth.js does not see (the service's health, through the rewrite):
    // an expired session row must reach the service as it is, not be deleted by Auth.js first.
    await page.goto(`${cfg.base}/svc/health`);
    // A response of a closed page that was still in flight (Auth.js clearing a tampered cookie)
    // can land after addCookies: put the cookie back again rather than test without it.
    if ((await sessionCookie(context)) === value) return page;
    if (attempt === 3) throw new Error("withCookie: the cookie put back was replaced 3 times");
  }
}

async function svcStatus(page, path) {
  return fetchStatus(page, `/svc/${path}`);
}

async function afterSignIn(browser, user) {
  const context = await browser.newContext();
  const page = await context.newPage();
  watch(page);
  await signIn(page, user);
  const value = await sessionCookie(context);
  if (!value) throw new Error("no session cookie after sign-in");
  return { context, page, value };
}

/** Sign-out, tampered and expired sessions, and (database) a role changed in the database. */
async function lifecycle(browser) {
  const mode = cfg.mode;
  const user = USERS[0];
  const { context, page, value } = await afterSignIn(browser, user);
  await page.goto(`${cfg.base}/`);
  check(`${mode} signed in: service /me`, await svcStatus(page, "me"), 200);
  // The cookie the sign-out request carries: the token whose `jti` the app revokes (Auth.js
  // refreshes the cookie as pages load, so the one read at sign-in may be an older token).
  const signOutRequest = page.waitForRequest((r) => r.method() === "POST" && r.url().startsWith(cfg.base));
  await page.getByTestId("sign-out").click();
  const signedOut = cookieValue(await (await signOutRequest).headerValue("cookie"));
  await page.getByTestId("sign-in-link").waitFor();
  check(`${mode} after sign-out: service /me`, await svcStatus(page, "me"), 401);
  if (mode === "jwt" && cfg.redis) await replaySignedOut(context, signedOut);
  if (mode === "database") {
    // The old cookie value, put back: its session row is gone.
    const again = await withCookie(context, value);
    check(`${mode} old cookie after sign-out: service /me`, await svcStatus(again, "me"), 401);
    check(`${mode} old cookie after sign-out: /dashboard`, (await again.goto(`${cfg.base}/dashboard`)).status(), 401);
  }
  const fresh = await afterSignIn(browser, user);
  const flip = fresh.value.slice(0, -2) + (fresh.value.at(-2) === "A" ? "B" : "A") + fresh.value.at(-1);
  const tampered = await withCookie(fresh.context, flip);
  check(`${mode} tampered cookie: service /me`, await svcStatus(tampered, "me"), 401);
  check(`${mode} tampered cookie: /dashboard`, (await tampered.goto(`${cfg.base}/dashboard`)).status(), 401);
  let current = await withCookie(fresh.context, fresh.value);
  check(`${mode} the untampered cookie: service /me`, await svcStatus(current, "me"), 200);
  const db = new Database(cfg.database);
  try {
    if (mode === "jwt") {
      // A token that next-auth itself minted, expired a minute ago (past its 15 s tolerance).
      const token = { sub: "x", id: "x", role: "ADMIN", permissions: [], name: "x", email: "x@example.com" };
      const expired = await encode({ token, secret: cfg.secret, salt: COOKIE, maxAge: -60 });
      current = await withCookie(fresh.context, expired);
    } else {
      for (const p of fresh.context.pages()) await p.close();
      db.prepare(`UPDATE "Session" SET "expires" = ? WHERE "sessionToken" = ?`).run(
        new Date(Date.now() - 60_000).toISOString(),
        fresh.value,
      );
      current = await withCookie(fresh.context, fresh.value);
    }
    check(`${mode} expired session: service /me`, await svcStatus(current, "me"), 401);
    check(`${mode} expired session: /dashboard`, (await current.goto(`${cfg.base}/dashboard`)).status(), 401);
    if (mode === "database") await roleChange(browser, db, user);
  } finally {
    db.close();
  }
  await context.close();
  await fresh.context.close();
}

/** The session cookie's value in a `cookie` request header. */
function cookieValue(header) {
  const pair = (header ?? "").split(/;\s*/).find((p) => p.startsWith(`${COOKIE}=`));
  if (!pair) throw new Error("the sign-out request carried no session cookie");
  return pair.slice(COOKIE.length + 1);
}

/**
 * JWT mode with Redis: the signed-out cookie, put back, is refused by the Rust service (its
 * `jti` was revoked at sign-out; without Redis it stays valid until `exp`). Polled for up to
 * 2 s, though the service hears the revocation within milliseconds.
 */
async function replaySignedOut(context, value) {
  const page = await withCookie(context, value);
  const started = Date.now();
  let status = await svcStatus(page, "me");
  while (status !== 401 && Date.now() - started < 2000) {
    await sleep(20);
    status = await svcStatus(page, "me");
  }
  console.log(JSON.stringify({ note: "signed-out cookie refused by the service", ms: Date.now() - started }));
  check("jwt signed-out cookie replayed (Redis): service /me", status, 401);
  await page.close();
}

async function roleChange(browser, db, user) {
  const { context, page } = await afterSignIn(browser, user);
  await page.goto(`${cfg.base}/`);
  check("database USER: service /admin/stats", await svcStatus(page, "admin/stats"), 403);
  db.prepare(`UPDATE "User" SET "role" = 'ADMIN' WHERE "email" = ?`).run(user.email);
  try {
    check("database role → ADMIN: service /admin/stats", await svcStatus(page, "admin/stats"), 200);
    await page.goto(`${cfg.base}/dashboard`);
    check("database role → ADMIN: dashboard role", await page.getByTestId("user-role").textContent(), "ADMIN");
    check("database role → ADMIN: /admin", (await page.goto(`${cfg.base}/admin`)).status(), 200);
  } finally {
    db.prepare(`UPDATE "User" SET "role" = 'USER' WHERE "email" = ?`).run(user.email);
  }
  await context.close();
}

async function main() {
  mkdirSync(cfg.shots, { recursive: true });
  const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", headless: true });
  try {
    const anon = await browser.newContext();
    const page = await anon.newPage();
    watch(page);
    await visitAll(page, "ANON");
    await anon.close();
    for (const user of USERS) {
      const { context, page: p } = await afterSignIn(browser, user);
      await visitAll(p, user.role);
      if (user.role === "ADMIN" && cfg.mode === "jwt") {
        await p.goto(`${cfg.base}/dashboard`);
        const path = await shot(p, cfg.mode, user.role, "readme-dashboard");
        if (cfg.readmeShot && !existsSync(cfg.readmeShot)) copyFileSync(path, cfg.readmeShot);
      }
      await context.close();
    }
    await lifecycle(browser);
  } finally {
    await browser.close();
  }
  console.log(JSON.stringify({ done: true, mode: cfg.mode, checks, roles: ROLES }));
}

main().catch((e) => {
  console.error(`FAILED: ${e.stack ?? e}`);
  console.error(`page console and network errors (${problems.length}):\n${problems.join("\n")}`);
  process.exit(1);
});
