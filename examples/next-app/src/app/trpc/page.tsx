"use client";

import { createTRPCClient, httpLink, TRPCClientError } from "@trpc/client";
import type { AppRouter } from "@/server/trpc";
import { CallTable, type CallResult } from "../calls";

const client = createTRPCClient<AppRouter>({ links: [httpLink({ url: "/api/trpc" })] });

async function call(name: string, run: () => Promise<unknown>): Promise<CallResult> {
  try {
    return { name, status: 200, body: JSON.stringify(await run()) };
  } catch (e) {
    if (e instanceof TRPCClientError) {
      const data = e.data as { httpStatus?: number; code?: string } | undefined;
      return { name, status: data?.httpStatus ?? -1, body: `${data?.code ?? "?"}: ${e.message}` };
    }
    throw e;
  }
}

const calls = [
  ["hello", () => call("hello", () => client.hello.query())],
  ["me", () => call("me", () => client.me.query())],
  ["adminStats", () => call("adminStats", () => client.adminStats.query())],
  ["createPost", () => call("createPost", () => client.createPost.mutate({ title: "Hello from tRPC" }))],
  ["createPost-bad", () => call("createPost-bad", () => client.createPost.mutate({ title: "" }))],
] as const;

export default function TrpcPage() {
  return (
    <>
      <h1>tRPC</h1>
      <p>
        Procedures built on the generated <code>authedProcedure</code>, <code>roleProcedure(&quot;ADMIN&quot;)</code> and{" "}
        <code>permissionProcedure(&quot;posts:write&quot;)</code>, called from the browser.
      </p>
      <CallTable calls={calls} />
    </>
  );
}
