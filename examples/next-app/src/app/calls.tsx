"use client";

import { useEffect, useState } from "react";

/** One call made from the browser and what came back. */
export interface CallResult {
  name: string;
  status: number;
  body: string;
}

/** Runs `calls` once after the page loads and shows each status and body (data-testid per row). */
export function CallTable({ calls }: { calls: ReadonlyArray<readonly [string, () => Promise<CallResult>]> }) {
  const [results, setResults] = useState<CallResult[] | null>(null);
  useEffect(() => {
    let live = true;
    void (async () => {
      const out: CallResult[] = [];
      for (const [name, call] of calls) {
        try {
          out.push(await call());
        } catch (e) {
          out.push({ name, status: -1, body: String(e) });
        }
      }
      if (live) setResults(out);
    })();
    return () => {
      live = false;
    };
  }, [calls]);
  return (
    <table data-testid="calls" data-state={results ? "done" : "pending"}>
      <thead>
        <tr>
          <th>call</th>
          <th>status</th>
          <th>body</th>
        </tr>
      </thead>
      <tbody>
        {(results ?? []).map((r) => (
          <tr key={r.name} data-testid={`call-${r.name}`} data-status={r.status}>
            <td>{r.name}</td>
            <td data-testid={`status-${r.name}`}>{r.status}</td>
            <td>
              <code data-testid={`body-${r.name}`}>{r.body}</code>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** `fetch` as a `CallResult`. */
export async function fetchCall(name: string, url: string, init?: RequestInit): Promise<CallResult> {
  const res = await fetch(url, { cache: "no-store", ...init });
  return { name, status: res.status, body: await res.text() };
}
