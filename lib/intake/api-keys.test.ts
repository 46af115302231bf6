import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AppError } from "../errors";
import { createTestDb, type TestDb } from "../testing/db";
import { authenticateApiKey, createApiKey, listApiKeys, randomBase62, revokeApiKey } from "./api-keys";

describe("API keys", () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb();
    await t.prisma.merchant.createMany({ data: [{ id: "m-a", name: "A" }, { id: "m-b", name: "B" }] });
    await t.prisma.user.create({ data: { id: "u-admin", email: "admin@a.test", name: "Admin", passwordHash: "x" } });
  });
  afterAll(() => t.dispose());

  it("draws uniform base62", () => {
    const s = randomBase62(4000);
    expect(s).toMatch(/^[0-9A-Za-z]{4000}$/);
    expect(new Set(s).size).toBe(62);
  });

  it("returns the key once and stores only its prefix and hash, audited", async () => {
    const created = await createApiKey(t.prisma, "m-a", "Order system", "u-admin");
    expect(created.key).toMatch(/^sk_live_[A-Za-z0-9]{8}_[A-Za-z0-9]{32}$/);
    expect(created.key.split("_")[2]).toBe(created.prefix);
    const row = await t.prisma.apiKey.findUniqueOrThrow({ where: { id: created.id } });
    expect(row.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(row)).not.toContain(created.key.split("_")[3]);
    const audit = await t.prisma.auditEvent.findFirstOrThrow({ where: { action: "apikey.created", targetId: created.id } });
    expect(audit).toMatchObject({ merchantId: "m-a", actorId: "u-admin", targetType: "apikey", after: { name: "Order system", prefix: created.prefix } });
    expect(JSON.stringify(audit.after)).not.toContain(created.key);
  });

  it("authenticates a Bearer key as its merchant and refuses anything else", async () => {
    const { key, prefix } = await createApiKey(t.prisma, "m-b", "ERP", "u-admin");
    expect(await authenticateApiKey(t.prisma, `Bearer ${key}`)).toBe("m-b");
    expect(await authenticateApiKey(t.prisma, `bearer  ${key} `)).toBe("m-b");
    const secret = key.split("_")[3]!;
    const wrongSecret = `sk_live_${prefix}_${secret.slice(0, -1)}${secret.endsWith("a") ? "b" : "a"}`;
    for (const header of [null, undefined, "", key, `Basic ${key}`, `Bearer ${wrongSecret}`, `Bearer sk_live_zzzzzzzz_${secret}`, `Bearer ${key}x`, "Bearer "]) {
      expect(await authenticateApiKey(t.prisma, header)).toBeNull();
    }
  });

  it("refuses a revoked key at once; revoking twice is audited once", async () => {
    const { id, key } = await createApiKey(t.prisma, "m-a", "Old", "u-admin");
    const revoked = await revokeApiKey(t.prisma, "m-a", id, "u-admin");
    expect(revoked.revokedAt).toBeInstanceOf(Date);
    expect(await authenticateApiKey(t.prisma, `Bearer ${key}`)).toBeNull();
    await revokeApiKey(t.prisma, "m-a", id, "u-admin");
    expect(await t.prisma.auditEvent.count({ where: { action: "apikey.revoked", targetId: id } })).toBe(1);
  });

  it("does not let one merchant revoke or list another merchant's key", async () => {
    const { id, key } = await createApiKey(t.prisma, "m-b", "B's key", "u-admin");
    const err = await revokeApiKey(t.prisma, "m-a", id, "u-admin").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).kind).toBe("not_found");
    expect(await authenticateApiKey(t.prisma, `Bearer ${key}`)).toBe("m-b");
    const listed = await listApiKeys(t.prisma, "m-a");
    expect(listed.some((k) => k.id === id)).toBe(false);
    expect(listed.map((k) => k.name)).toEqual(["Old", "Order system"]);
    expect(Object.keys(listed[0]!).sort()).toEqual(["createdAt", "id", "name", "prefix", "revokedAt"]);
  });
});
