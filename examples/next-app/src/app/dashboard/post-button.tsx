"use client";

import { useActionState } from "react";
import { createPost, type PostResult } from "./actions";

export function PostButton() {
  const [result, action, pending] = useActionState<PostResult | null, FormData>(createPost, null);
  return (
    <form action={action}>
      <input name="title" defaultValue="Hello from a Server Action" aria-label="Post title" />{" "}
      <button type="submit" data-testid="action-button" disabled={pending}>
        Create post (Server Action, needs posts:write)
      </button>
      {result && (
        <p data-testid="action-result" data-status={result.status}>
          {result.status} {result.message}
        </p>
      )}
    </form>
  );
}
