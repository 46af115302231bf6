import "server-only";
import { getServerSession } from "next-auth";
import { redirect } from "next/navigation";
import { cache } from "react";
import { db } from "../db";
import { AppError, forbidden } from "../errors";
import type { Role } from "../generated/prisma/enums";
import { authOptions } from "./options";
import { can, type Scope } from "./permissions";

export interface SessionUser {
  id: string;
  name: string;
  email: string;
}

export interface MembershipView {
  merchantId: string;
  merchantName: string;
  timeZone: string;
  role: Role;
}

export interface Access {
  user: SessionUser;
  role: Role;
  merchant: { id: string; name: string; timeZone: string };
}

export const currentUser = cache(async (): Promise<SessionUser | null> => {
  const session = await getServerSession(authOptions());
  const id = session?.user?.id;
  if (!id) return null;
  const user = await (await db()).user.findUnique({ where: { id }, select: { id: true, name: true, email: true } });
  return user;
});

export async function requireUser(): Promise<SessionUser> {
  const user = await currentUser();
  if (!user) redirect("/sign-in");
  return user;
}

export const membershipsOf = cache(async (userId: string): Promise<MembershipView[]> => {
  const rows = await (await db()).membership.findMany({
    where: { userId },
    include: { merchant: { select: { name: true, timeZone: true } } },
    orderBy: { merchantId: "asc" },
  });
  return rows.map((m) => ({ merchantId: m.merchantId, merchantName: m.merchant.name, timeZone: m.merchant.timeZone, role: m.role }));
});

/**
 * Who may do what, for which merchant: re-checked on every page, action and handler.
 * A merchant the user does not belong to is refused, never silently filtered.
 */
export async function authorize(merchantId: string, scope?: Scope): Promise<Access> {
  const user = await currentUser();
  if (!user) throw new AppError("unauthenticated", "Please sign in.");
  const membership = (await membershipsOf(user.id)).find((m) => m.merchantId === merchantId);
  if (!membership) throw forbidden("You do not have access to this merchant.");
  if (scope && !can(membership.role, scope)) throw forbidden("Your role does not allow this.");
  return {
    user,
    role: membership.role,
    merchant: { id: membership.merchantId, name: membership.merchantName, timeZone: membership.timeZone },
  };
}

/** Why a page is refused, shown in the reader's language. */
export type Denied = "merchant" | "role" | "none";

/** For pages: the access, or the reason to show the not-allowed page. Signed-out visitors go to sign-in. */
export async function pageAccess(merchantId: string, scope?: Scope): Promise<Access | { denied: Denied }> {
  const user = await requireUser();
  try {
    return await authorize(merchantId, scope);
  } catch (err) {
    if (!(err instanceof AppError && err.kind === "forbidden")) throw err;
    const member = (await membershipsOf(user.id)).some((m) => m.merchantId === merchantId);
    return { denied: member ? "role" : "merchant" };
  }
}
