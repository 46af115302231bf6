import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { z } from "zod";
import { connection, db } from "../db";
import { loadEnv } from "../env";
import { secrets } from "../runtime/secrets";
import { checkCredentials } from "./credentials";
import { allowSignIn, clientAddress } from "./throttle";
import { THROTTLED } from "./sign-in-errors";

const credentialsSchema = z.object({ email: z.email().max(200), password: z.string().min(1).max(200) });

/** Idle expiry: the JWT and its cookie last 8 hours from the last time the session was renewed. */
export const SESSION_MAX_AGE_S = 8 * 60 * 60;
/** How often a renewal is written (next-auth uses it for database sessions; JWTs renew on every read). */
export const SESSION_UPDATE_AGE_S = 60 * 60;
/** Absolute expiry: 12 hours after signing in, however active, the session ends. */
export const SESSION_ABSOLUTE_S = 12 * 60 * 60;

/** Thrown (and shown by next-auth as the error code) when sign-in attempts are throttled. */
export { THROTTLED };

type Token = Record<string, unknown>;

/** The jwt callback: identity at sign-in, and no identity once the absolute lifetime has passed. */
export function sessionToken(token: Token, user: { id: string } | undefined, nowS = Math.floor(Date.now() / 1000)): Token {
  if (user) return { ...token, uid: user.id, authAt: nowS };
  const authAt = typeof token.authAt === "number" ? token.authAt : 0;
  if (typeof token.uid !== "string" || nowS - authAt > SESSION_ABSOLUTE_S) return { expired: true };
  return token;
}

let cached: NextAuthOptions | undefined;

export function authOptions(): NextAuthOptions {
  if (cached) return cached;
  const env = loadEnv();
  cached = {
    secret: secrets(env).sessionSecret,
    session: { strategy: "jwt", maxAge: SESSION_MAX_AGE_S, updateAge: SESSION_UPDATE_AGE_S },
    pages: { signIn: "/sign-in" },
    providers: [
      CredentialsProvider({
        name: "Email and password",
        credentials: { email: { label: "Email", type: "email" }, password: { label: "Password", type: "password" } },
        async authorize(raw, req) {
          const parsed = credentialsSchema.safeParse(raw);
          if (!parsed.success) return null;
          if (!(await allowSignIn((await connection()).runner, clientAddress(req?.headers), parsed.data.email))) throw new Error(THROTTLED);
          return checkCredentials(await db(), parsed.data.email, parsed.data.password);
        },
      }),
    ],
    callbacks: {
      // The token carries identity only; memberships are re-read from the database on every
      // request, so a revoked membership takes effect at once.
      async jwt({ token, user }) {
        return sessionToken(token, user);
      },
      async session({ session, token }) {
        if (session.user && typeof token.uid === "string") session.user.id = token.uid;
        return session;
      },
    },
  };
  return cached;
}
