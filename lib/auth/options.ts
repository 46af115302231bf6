import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { z } from "zod";
import { db } from "../db";
import { loadEnv } from "../env";
import { secrets } from "../runtime/secrets";
import { checkCredentials } from "./credentials";

const credentialsSchema = z.object({ email: z.email().max(200), password: z.string().min(1).max(200) });

export const SESSION_MAX_AGE_S = 8 * 60 * 60;

let cached: NextAuthOptions | undefined;

export function authOptions(): NextAuthOptions {
  if (cached) return cached;
  const env = loadEnv();
  cached = {
    secret: secrets(env).sessionSecret,
    session: { strategy: "jwt", maxAge: SESSION_MAX_AGE_S },
    pages: { signIn: "/sign-in" },
    providers: [
      CredentialsProvider({
        name: "Email and password",
        credentials: { email: { label: "Email", type: "email" }, password: { label: "Password", type: "password" } },
        async authorize(raw) {
          const parsed = credentialsSchema.safeParse(raw);
          if (!parsed.success) return null;
          return checkCredentials(await db(), parsed.data.email, parsed.data.password);
        },
      }),
    ],
    callbacks: {
      // The token carries identity only; memberships are re-read from the database on every
      // request, so a revoked membership takes effect at once.
      async jwt({ token, user }) {
        if (user) token.uid = user.id;
        return token;
      },
      async session({ session, token }) {
        if (session.user && typeof token.uid === "string") session.user.id = token.uid;
        return session;
      },
    },
  };
  return cached;
}
