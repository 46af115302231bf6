import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDb, type TestDb } from "../testing/db";
import { checkCredentials, LOCKOUT_MS, MAX_FAILED_LOGINS } from "./credentials";
import { hashPassword } from "./passwords";

describe("checkCredentials", () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb();
    await t.prisma.user.create({ data: { email: "a@x.test", name: "A", passwordHash: await hashPassword("right") } });
  });
  afterAll(() => t.dispose());

  it("accepts the right password, case-insensitive email", async () => {
    expect(await checkCredentials(t.prisma, " A@X.test ", "right")).toMatchObject({ email: "a@x.test" });
  });

  it("refuses a wrong password and an unknown user", async () => {
    expect(await checkCredentials(t.prisma, "a@x.test", "wrong")).toBeNull();
    expect(await checkCredentials(t.prisma, "nobody@x.test", "right")).toBeNull();
  });

  it("locks after repeated failures, even when they arrive in parallel, and unlocks later", async () => {
    const now = new Date();
    await t.prisma.user.update({ where: { email: "a@x.test" }, data: { failedLogins: 0 } });
    await Promise.all(Array.from({ length: MAX_FAILED_LOGINS }, () => checkCredentials(t.prisma, "a@x.test", "wrong", now)));
    const user = await t.prisma.user.findUniqueOrThrow({ where: { email: "a@x.test" } });
    expect(user.failedLogins).toBe(MAX_FAILED_LOGINS);
    expect(await checkCredentials(t.prisma, "a@x.test", "right", now)).toBeNull();
    const later = new Date(now.getTime() + LOCKOUT_MS + 1_000);
    expect(await checkCredentials(t.prisma, "a@x.test", "right", later)).not.toBeNull();
    expect((await t.prisma.user.findUniqueOrThrow({ where: { email: "a@x.test" } })).failedLogins).toBe(0);
  });
});
