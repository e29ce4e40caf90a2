// The no-browser status table (issue #16): plain HTTP requests to the built app under
// `next start` with session cookies minted by `authgen encode` (passed in). Reads
// { base, cookies: { ANON: "", USER: "...", ... } } from stdin; prints
// { WHO: { route: status } } as JSON. Redirects are not followed (a redirect shows as 307).
import { readFileSync } from "node:fs";

const { base, cookies } = JSON.parse(readFileSync(0, "utf8"));
const ROUTES = {
  "/api/me": { path: "/api/me" },
  "/admin": { path: "/admin" },
  "/api/admin/report": { path: "/api/admin/report" },
  "/moderation": { path: "/moderation" },
  "trpc adminStats": { path: "/api/trpc/adminStats" },
  "trpc createPost": {
    path: "/api/trpc/createPost",
    method: "POST",
    body: JSON.stringify({ title: "over HTTP" }),
  },
};

const table = {};
for (const [who, cookie] of Object.entries(cookies)) {
  table[who] = {};
  for (const [name, r] of Object.entries(ROUTES)) {
    const headers = { "content-type": "application/json" };
    if (cookie) headers.cookie = `authjs.session-token=${cookie}`;
    const res = await fetch(`${base}${r.path}`, { method: r.method ?? "GET", headers, body: r.body, redirect: "manual" });
    table[who][name] = res.status;
  }
}
console.log(JSON.stringify(table));
