import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

await vi.hoisted(async () => (await import("../security/test-identity")).useTestEnvironment("session-policy"));

import { getServerSession } from "next-auth";
import { encode } from "next-auth/jwt";
import { useConnection } from "../db";
import { createTestDb, type TestDb } from "../testing/db";
import { authOptions, SESSION_ABSOLUTE_S, SESSION_MAX_AGE_S, sessionToken, THROTTLED } from "./options";
import { hashPassword } from "./passwords";
import { allowSignIn, SIGN_IN_LIMITS } from "./throttle";

const SECRET = "test-session-secret-0123456789abcdefghijklmnop";
const now = () => Math.floor(Date.now() / 1000);

/** The session next-auth reads from a cookie: the same code path as getServerSession in a page. */
async function sessionFor(cookie: string | null) {
  const cookies: Record<string, string> = cookie ? { "next-auth.session-token": cookie } : {};
  const res = { getHeader() {}, setCookie() {}, setHeader() {} };
  const session = await getServerSession({ headers: {}, cookies } as never, res as never, authOptions());
  return (session?.user as { id?: string } | undefined)?.id ?? null;
}

describe("session expiry", () => {
  it("is 8 hours idle, 12 hours absolute, JWT only", () => {
    const o = authOptions();
    expect(o.session).toMatchObject({ strategy: "jwt", maxAge: 8 * 3600, updateAge: 3600 });
    expect(SESSION_ABSOLUTE_S).toBe(12 * 3600);
  });

  it("accepts a fresh token and refuses an expired, an over-age, a foreign-signed and a missing one", async () => {
    const fresh = await encode({ token: { uid: "u1", authAt: now() }, secret: SECRET, maxAge: SESSION_MAX_AGE_S });
    expect(await sessionFor(fresh)).toBe("u1");

    const idleExpired = await encode({ token: { uid: "u1", authAt: now() }, secret: SECRET, maxAge: -120 });
    expect(await sessionFor(idleExpired)).toBeNull();

    const renewedForever = await encode({ token: { uid: "u1", authAt: now() - SESSION_ABSOLUTE_S - 60 }, secret: SECRET, maxAge: SESSION_MAX_AGE_S });
    expect(await sessionFor(renewedForever)).toBeNull();

    const legacy = await encode({ token: { uid: "u1" }, secret: SECRET, maxAge: SESSION_MAX_AGE_S });
    expect(await sessionFor(legacy)).toBeNull();

    const forged = await encode({ token: { uid: "u1", authAt: now() }, secret: "another-secret-0123456789abcdefghijklmnopqr", maxAge: SESSION_MAX_AGE_S });
    expect(await sessionFor(forged)).toBeNull();
    expect(await sessionFor(null)).toBeNull();
  });

  it("stamps the sign-in time, keeps it on renewal, and drops the identity after 12 hours", () => {
    const signedIn = sessionToken({ sub: "x" }, { id: "u2" }, 1_000);
    expect(signedIn).toMatchObject({ uid: "u2", authAt: 1_000 });
    expect(sessionToken(signedIn, undefined, 1_000 + SESSION_ABSOLUTE_S)).toBe(signedIn);
    expect(sessionToken(signedIn, undefined, 1_001 + SESSION_ABSOLUTE_S)).toEqual({ expired: true });
  });
});

describe("sign-in throttling through the credentials provider", () => {
  let t: TestDb;
  type Authorize = (c: Record<string, string>, req: { headers: Record<string, string> }) => Promise<unknown>;
  let authorize: Authorize;
  beforeAll(async () => {
    t = await createTestDb();
    useConnection(t);
    await t.prisma.user.create({ data: { email: "target@x.test", name: "T", passwordHash: await hashPassword("right-password") } });
    authorize = (authOptions().providers[0] as unknown as { options: { authorize: Authorize } }).options.authorize;
  });
  afterAll(() => t.dispose());

  const attempt = (email: string, password: string, ip: string) => authorize({ email, password }, { headers: { "x-forwarded-for": ip } }).then(
    (u) => (u ? "ok" : "refused"),
    (e: Error) => e.message,
  );

  /** Empties a bucket the way a burst of failed attempts would, without waiting for bcrypt each time. */
  async function drain(ip: string, email: string) {
    while (await allowSignIn(t.runner, ip, email));
  }

  it("stops one address spraying many accounts, while another address still signs in", async () => {
    expect(await attempt("target@x.test", "wrong", "203.0.113.7")).toBe("refused");
    for (let i = 0; i < SIGN_IN_LIMITS.ip.burst + 1; i++) await allowSignIn(t.runner, "203.0.113.7", `nobody${i}@x.test`);
    expect(await attempt("target@x.test", "right-password", "203.0.113.7")).toBe(THROTTLED);
    expect(await attempt("target@x.test", "right-password", "198.51.100.1")).toBe("ok");
    // A spoofed first hop does not buy a fresh bucket: the last hop counts.
    expect(await attempt("target@x.test", "right-password", "10.9.9.9, 203.0.113.7")).toBe(THROTTLED);
  });

  it("stops many addresses guessing at one email, even one with no account", async () => {
    await drain("192.0.2.1", "ghost@x.test");
    expect(await attempt("ghost@x.test", "guess", "192.0.2.200")).toBe(THROTTLED);
    expect(await attempt("GHOST@x.test", "guess", "192.0.2.201")).toBe(THROTTLED);
    expect(await attempt("target@x.test", "right-password", "192.0.2.202")).toBe("ok");
  });
});
