// What every page and call answers, per visitor: signed out ("ANON") and each seeded role.
// One table for both session modes (the end-to-end test's expectations).

/** The seeded users (scripts/seed.mjs; passwords documented in README.md). */
export const USERS = [
  { role: "USER", email: "user@example.com", password: "user-password", name: "Uma User" },
  { role: "MODERATOR", email: "moderator@example.com", password: "moderator-password", name: "Mo Moderator" },
  { role: "ADMIN", email: "admin@example.com", password: "admin-password", name: "Ada Admin" },
];

export const ROLES = ["ANON", ...USERS.map((u) => u.role)];

/** [screenshot name, path] of every page. */
export const PAGES = [
  ["home", "/"],
  ["dashboard", "/dashboard"],
  ["admin", "/admin"],
  ["moderation", "/moderation"],
  ["trpc", "/trpc"],
  ["service", "/service"],
];

const rank = { ANON: -1, USER: 0, MODERATOR: 1, ADMIN: 2 };

/** 401 signed out, 403 below `need`, else `ok`. */
function gate(who, need, ok) {
  if (who === "ANON") return 401;
  return rank[who] >= rank[need] ? ok : 403;
}

/** `posts:write`: MODERATOR and ADMIN hold it (seeded permissions), USER does not. */
function writer(who, ok) {
  if (who === "ANON") return 401;
  return who === "USER" ? 403 : ok;
}

export function expected(who) {
  return {
    pages: {
      home: 200,
      dashboard: gate(who, "USER", 200),
      admin: gate(who, "ADMIN", 200),
      moderation: who === "ANON" ? "signin" : gate(who, "MODERATOR", 200),
      trpc: 200,
      service: 200,
    },
    action: writer(who, 201),
    report: gate(who, "ADMIN", 200),
    trpc: {
      hello: 200,
      me: gate(who, "USER", 200),
      adminStats: gate(who, "ADMIN", 200),
      createPost: writer(who, 200),
      "createPost-bad": writer(who, 400),
    },
    service: {
      me: gate(who, "USER", 200),
      "admin-stats": gate(who, "ADMIN", 200),
      posts: writer(who, 201),
    },
  };
}
