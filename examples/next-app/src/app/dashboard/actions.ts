"use server";

import { randomUUID } from "node:crypto";
import { AuthGuardError } from "@/auth/generated/guards";
import { actionGuards } from "@/lib/guards";

export interface PostResult {
  status: number;
  message: string;
}

/** A Server Action that needs `posts:write` (the generated `requirePermission`). */
export async function createPost(_prev: PostResult | null, form: FormData): Promise<PostResult> {
  try {
    const session = await actionGuards.requirePermission("posts:write");
    const title = String(form.get("title") ?? "").trim() || "Hello from a Server Action";
    return { status: 201, message: `created "${title}" (${randomUUID()}) by ${session.user.email}` };
  } catch (e) {
    if (e instanceof AuthGuardError) return { status: e.status, message: e.code };
    throw e;
  }
}
