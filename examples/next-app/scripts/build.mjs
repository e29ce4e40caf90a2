// `next build`, skipped when the build in .next/ was made from the same inputs: the lock file,
// the configuration and every file under src/ (generated files included). The hash of those is
// the stamp `.next/authgen-build-stamp`, written after a successful build.
//
//   node scripts/build.mjs        (prints "next build: cached" or builds)
import { createHash } from "node:crypto";
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const STAMP = join(root, ".next", "authgen-build-stamp");

function files(dir) {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const path = join(dir, name);
      return statSync(path).isDirectory() ? files(path) : [path];
    });
}

export function inputsHash() {
  const hash = createHash("sha256");
  const inputs = ["package-lock.json", "next.config.ts", "tsconfig.json"].map((f) => join(root, f));
  for (const path of [...inputs, ...files(join(root, "src"))]) {
    hash.update(relative(root, path)).update("\0").update(readFileSync(path)).update("\0");
  }
  return hash.digest("hex");
}

const want = inputsHash();
if (existsSync(STAMP) && readFileSync(STAMP, "utf8") === want && existsSync(join(root, ".next", "BUILD_ID"))) {
  console.log("next build: cached");
  process.exit(0);
}
const started = Date.now();
const next = join(root, "node_modules", ".bin", "next");
const run = spawnSync(next, ["build"], {
  cwd: root,
  stdio: ["ignore", "inherit", "inherit"],
  env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" },
});
if (run.status !== 0) {
  console.error(`next build failed (${run.status ?? run.signal})`);
  process.exit(1);
}
writeFileSync(STAMP, want);
console.log(`next build: built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
