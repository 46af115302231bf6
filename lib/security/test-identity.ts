/**
 * Test support: who is signed in, as the code sees it. Production reads the session with
 * next-auth's getServerSession; tests replace that one function (vi.mock("next-auth")) with
 * `fakeNextAuth`, so authorize() and everything behind it run unchanged.
 *
 *   vi.mock("next-auth", async (orig) => ({ ...(await orig()), ...(await import("./test-identity")).fakeNextAuth }));
 *   vi.mock("next/headers", async () => (await import("./test-identity")).fakeHeaders);
 *   vi.mock("next/cache", async (orig) => ({ ...(await orig()), ...(await import("./test-identity")).fakeCache }));
 */

export const identity: { userId: string | null } = { userId: null };

export function signInAs(userId: string | null) {
  identity.userId = userId;
}

export const fakeNextAuth = {
  getServerSession: async () => (identity.userId ? { user: { id: identity.userId } } : null),
};

/** The request's cookies and headers, outside a Next request. */
export const jar = new Map<string, string>();
export const requestHeaders = new Headers();

const cookieStore = {
  get: (name: string) => (jar.has(name) ? { name, value: jar.get(name)! } : undefined),
  getAll: () => [...jar].map(([name, value]) => ({ name, value })),
  has: (name: string) => jar.has(name),
  set: (name: string | { name: string; value: string }, value?: string) => {
    if (typeof name === "object") jar.set(name.name, name.value);
    else jar.set(name, value ?? "");
  },
  delete: (name: string) => jar.delete(name),
};

export const fakeHeaders = {
  cookies: async () => cookieStore,
  headers: async () => requestHeaders,
  draftMode: async () => ({ isEnabled: false, enable() {}, disable() {} }),
};

/** Cache invalidation needs Next's request store; outside it, recording the call is enough. */
export const revalidated: string[] = [];
export const fakeCache = {
  revalidatePath: (p: string) => void revalidated.push(p),
  revalidateTag: (t: string) => void revalidated.push(`tag:${t}`),
  updateTag: (t: string) => void revalidated.push(`tag:${t}`),
  refresh: () => void revalidated.push("refresh"),
};

/** Fixed secrets for the suite, set before any module reads the environment. */
export const TEST_SECRETS = {
  NEXTAUTH_SECRET: "test-session-secret-0123456789abcdefghijklmnop",
  REASONING_LOG_KEY: "q83vEjRWeJq83vEjRWeJq83vEjRWeJq83vEjRWeJq80=",
} as const;

/**
 * The environment a test file needs before anything reads it: a fresh data folder and the fixed
 * secrets. Call it from the file's `vi.hoisted`, which runs before the file's imports.
 */
export async function useTestEnvironment(name: string, url: string | null = "http://console.test") {
  const { mkdtempSync } = await import("node:fs");
  const { tmpdir } = await import("node:os");
  process.env.DATA_DIR = mkdtempSync(`${tmpdir()}/${name}-`);
  Object.assign(process.env, TEST_SECRETS);
  if (url) process.env.NEXTAUTH_URL = url;
}
