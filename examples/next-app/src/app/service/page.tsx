"use client";

import { CallTable, fetchCall } from "../calls";

// The Rust service through the middleware's /svc rewrite: same origin, so the browser sends the
// session cookie, and the service verifies it.
const calls = [
  ["me", () => fetchCall("me", "/svc/me")],
  ["admin-stats", () => fetchCall("admin-stats", "/svc/admin/stats")],
  [
    "posts",
    () =>
      fetchCall("posts", "/svc/posts", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ title: "Hello from the browser" }),
      }),
  ],
] as const;

export default function ServicePage() {
  return (
    <>
      <h1>Rust service</h1>
      <p>
        <code>/svc/*</code> is proxied to the Rust service&apos;s <code>/api/*</code>.
      </p>
      <CallTable calls={calls} />
    </>
  );
}
