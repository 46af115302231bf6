import type { PrismaClient } from "../generated/prisma/client";
import { verifyPassword } from "./passwords";

export const MAX_FAILED_LOGINS = 5;
export const LOCKOUT_MS = 15 * 60_000;

export interface AuthUser {
  id: string;
  email: string;
  name: string;
}

/** Checks a password; locks the account for 15 minutes after 5 failures in a row. */
export async function checkCredentials(
  prisma: PrismaClient,
  email: string,
  password: string,
  now = new Date(),
): Promise<AuthUser | null> {
  const user = await prisma.user.findUnique({ where: { email: email.trim().toLowerCase() } });
  if (!user) {
    await verifyPassword(password, "$2b$10$invalidinvalidinvalidinvalidinvalidinvalidinvalidinva"); // equal timing
    return null;
  }
  if (user.lockedUntil && user.lockedUntil > now) return null;
  if (!(await verifyPassword(password, user.passwordHash))) {
    // One atomic update, so parallel guesses cannot slip past the counter.
    await prisma.$executeRaw`UPDATE "User" SET "failedLogins" = "failedLogins" + 1,
      "lockedUntil" = CASE WHEN "failedLogins" + 1 >= ${MAX_FAILED_LOGINS} THEN ${new Date(now.getTime() + LOCKOUT_MS)} ELSE "lockedUntil" END
      WHERE id = ${user.id}`;
    return null;
  }
  if (user.failedLogins > 0 || user.lockedUntil) {
    await prisma.user.update({ where: { id: user.id }, data: { failedLogins: 0, lockedUntil: null } });
  }
  return { id: user.id, email: user.email, name: user.name };
}
