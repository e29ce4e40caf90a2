// The app's own tRPC root, with the generated procedures (src/auth/generated/trpc.ts) attached
// by `unstable_concat`: the app keeps its context; the procedures narrow `ctx.session`.
import { initTRPC } from "@trpc/server";
import type { Session } from "next-auth";
import * as z from "zod";
import { authedProcedure, permissionProcedure, roleProcedure } from "@/auth/generated/trpc";
import { db } from "@/db";

export interface Context {
  session: Session | null;
}

const t = initTRPC.context<Context>().create();

export const appRouter = t.router({
  /** Anyone: whether a session came along. */
  hello: t.procedure.query(({ ctx }) => ({ signedIn: ctx.session?.user != null })),
  /** Signed in: the typed session user. */
  me: t.procedure.unstable_concat(authedProcedure).query(({ ctx }) => ({
    id: ctx.session.user.id,
    role: ctx.session.user.role,
    permissions: ctx.session.user.permissions,
  })),
  /** ADMIN only: `ctx.session.user.role` is `"ADMIN"` here. */
  adminStats: t.procedure.unstable_concat(roleProcedure("ADMIN")).query(async ({ ctx }) => {
    const row = await db().selectFrom("User").select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirst();
    return { viewer: ctx.session.user.id, role: ctx.session.user.role, users: Number(row?.n ?? 0) };
  }),
  /** `posts:write`: checked before the input is validated (a bad title is 400 only after). */
  createPost: t.procedure
    .unstable_concat(permissionProcedure("posts:write"))
    .input(z.object({ title: z.string().min(1) }))
    .mutation(({ ctx, input }) => ({ title: input.title, authorId: ctx.session.user.id })),
});

export type AppRouter = typeof appRouter;
