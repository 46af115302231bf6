import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Prisma } from "../generated/prisma/client";
import { createTestDb, type TestDb } from "../testing/db";
import { canonicalEvent, canonicalJson, eventHash, GENESIS_HASH, JsonNumber, numberText, parseJsonLossless, type Canon } from "./canonical";
import { recordAudit } from "./record";
import { verifyAllChains, verifyMerchantChain, verifyReport } from "./verify";

const TRICKY: Canon[] = [
  { z: 1, a: 2, bb: 3, é: "ü", aa: { y: [1, { "": null, b: true }], x: "中文 → \"quoted\" \\ back\nline\ttab\u0001\u001f" } },
  { amountFen: 8_850, ratio: 0.1, tiny: 1e-7, big: 1e21, neg: -2.5, negZero: -0, exp: 1.5e3, max: Number.MAX_SAFE_INTEGER },
  ["🍵", "\u007f", "\u2028", [], {}],
  { "😀": 1, "a😀": 2, Z: 3, z: 4, "10": 5, "9": 6 },
  "plain string",
  42,
];

interface LinkRow {
  seq: bigint;
  eventId: bigint;
  prevHash: string;
  hash: string;
}

async function links(t: TestDb, merchantId: string): Promise<LinkRow[]> {
  return t.prisma.auditChainLink.findMany({ where: { merchantId }, orderBy: { seq: "asc" } });
}

describe("audit hash chain", () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb();
  });
  afterAll(() => t.dispose());

  it("has sha256 in the database and agrees with Node on tricky JSON (unicode, key order, numbers)", async () => {
    for (const [i, value] of TRICKY.entries()) {
      const [row] = await t.prisma.$queryRaw<{ text: string }[]>`SELECT ${JSON.stringify(value)}::jsonb::text AS text`;
      expect(canonicalJson(value)).toBe(row!.text);
      expect(canonicalJson(parseJsonLossless(row!.text))).toBe(row!.text);
      await t.prisma.$transaction((tx) =>
        recordAudit(tx, { merchantId: "m-json", actorId: i % 2 ? "u-1" : null, action: "test.json", targetType: "t", targetId: `t${i}`, before: value as Prisma.InputJsonValue, after: { i } }),
      );
    }
    const events = await t.prisma.auditEvent.findMany({ where: { merchantId: "m-json" }, orderBy: { id: "asc" } });
    const chain = await links(t, "m-json");
    let prev = GENESIS_HASH;
    for (const [i, e] of events.entries()) {
      const link = chain[i]!;
      expect(link).toMatchObject({ eventId: e.id, seq: BigInt(i + 1), prevHash: prev });
      // Node hashes the values it sent, not what the database gave back
      const ours = eventHash({ ...e, seq: i + 1, before: TRICKY[i]!, after: { i }, prevHash: prev });
      expect(ours).toBe(link.hash);
      const [sql] = await t.prisma.$queryRaw<{ text: string }[]>`
        SELECT audit_canonical("merchantId", ${BigInt(i + 1)}, "id", "createdAt", "actorId", "action", "targetType", "targetId", "before", "after", ${prev}) AS text
          FROM "AuditEvent" WHERE "id" = ${e.id}`;
      expect(canonicalEvent({ ...e, seq: i + 1, before: TRICKY[i]!, after: { i }, prevHash: prev })).toBe(sql!.text);
      prev = link.hash;
    }
    expect(await t.prisma.auditChainHead.findUnique({ where: { merchantId: "m-json" } })).toMatchObject({ seq: BigInt(events.length), hash: prev });
    expect((await verifyMerchantChain(t.prisma, "m-json")).broken).toBeNull();
  });

  it("keeps the numeric scale jsonb keeps, and writes numbers without exponents", async () => {
    expect(numberText(1e21)).toBe("1000000000000000000000");
    expect(numberText(1.5e-7)).toBe("0.00000015");
    expect(numberText(-1.25e2)).toBe("-125");
    await t.prisma.$executeRaw`INSERT INTO "AuditEvent" ("merchantId", "action", "targetType", "targetId", "after", "createdAt")
      VALUES ('m-raw', 'test.raw', 't', 'x', '{"amount": 1.50, "e": 1E+3, "s": "\\u00e9"}'::jsonb, now())`;
    const [row] = await t.prisma.$queryRaw<{ text: string }[]>`SELECT "after"::text AS text FROM "AuditEvent" WHERE "merchantId" = 'm-raw'`;
    expect(row!.text).toBe('{"e": 1000, "s": "é", "amount": 1.50}');
    expect(parseJsonLossless(row!.text)).toEqual({ e: new JsonNumber("1000"), s: "é", amount: new JsonNumber("1.50") });
    expect(await verifyMerchantChain(t.prisma, "m-raw")).toMatchObject({ verifiedSeq: "1", broken: null });
  });

  it("chains createMany rows in insert order, one chain per merchant", async () => {
    const base = Date.UTC(2026, 0, 1);
    await t.prisma.auditEvent.createMany({
      data: Array.from({ length: 50 }, (_, i) => ({ merchantId: i % 2 ? "m-bulk-a" : "m-bulk-b", action: "case.created", targetType: "case", targetId: `c${i}`, after: { i }, createdAt: new Date(base + i * 1000) })),
    });
    for (const m of ["m-bulk-a", "m-bulk-b"]) {
      const chain = await links(t, m);
      expect(chain.map((l) => Number(l.seq))).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
      expect(await verifyMerchantChain(t.prisma, m, { batchSize: 7 })).toMatchObject({ verifiedSeq: "25", headSeq: "25", broken: null });
    }
  });

  it("refuses UPDATE, DELETE and TRUNCATE in the database, and a head that moves back", async () => {
    await t.prisma.$transaction((tx) => recordAudit(tx, { merchantId: "m-ro", actorId: null, action: "case.created", targetType: "case", targetId: "c1" }));
    const before = await t.prisma.auditEvent.findMany({ where: { merchantId: "m-ro" } });
    await expect(t.prisma.auditEvent.updateMany({ where: { merchantId: "m-ro" }, data: { action: "case.approved" } })).rejects.toThrow(/append-only/);
    await expect(t.prisma.auditEvent.deleteMany({ where: { merchantId: "m-ro" } })).rejects.toThrow(/append-only/);
    await expect(t.prisma.$executeRawUnsafe(`TRUNCATE "AuditEvent"`)).rejects.toThrow(/append-only/);
    await expect(t.prisma.auditChainLink.deleteMany({ where: { merchantId: "m-ro" } })).rejects.toThrow(/append-only/);
    await expect(t.prisma.auditChainLink.updateMany({ where: { merchantId: "m-ro" }, data: { hash: GENESIS_HASH } })).rejects.toThrow(/append-only/);
    await expect(t.prisma.auditChainHead.update({ where: { merchantId: "m-ro" }, data: { seq: 0n, hash: GENESIS_HASH } })).rejects.toThrow(/only moves forward/);
    await expect(t.prisma.auditChainHead.delete({ where: { merchantId: "m-ro" } })).rejects.toThrow(/only moves forward/);
    expect(await t.prisma.auditEvent.findMany({ where: { merchantId: "m-ro" } })).toEqual(before);
    expect((await verifyMerchantChain(t.prisma, "m-ro")).broken).toBeNull();
    const lines: string[] = [];
    expect(await verifyReport(t.prisma, ["--merchant", "m-ro"], (l) => lines.push(l))).toBe(0);
    expect(lines).toEqual(["ok      merchant m-ro: 1 events, chain intact", expect.stringMatching(/^1 chain\(s\), 1 event\(s\) verified in \d+ ms; no break\.$/)]);
  });

  it("never forks under many parallel writers on one merchant", { timeout: 60_000 }, async () => {
    const writers = 40;
    await Promise.all(
      Array.from({ length: writers }, (_, i) =>
        t.prisma.$transaction(async (tx) => {
          await recordAudit(tx, { merchantId: "m-race", actorId: `u${i}`, action: "case.approved", targetType: "case", targetId: `c${i}` });
          await recordAudit(tx, { merchantId: i % 2 ? "m-race" : "m-race-2", actorId: `u${i}`, action: "refund.executed", targetType: "case", targetId: `c${i}` });
        }, { maxWait: 30_000, timeout: 30_000 }),
      ),
    );
    const chain = await links(t, "m-race");
    expect(chain).toHaveLength(writers + writers / 2);
    expect(chain.map((l) => Number(l.seq))).toEqual(chain.map((_, i) => i + 1));
    expect(new Set(chain.map((l) => l.prevHash)).size).toBe(chain.length);
    for (let i = 1; i < chain.length; i++) expect(chain[i]!.prevHash).toBe(chain[i - 1]!.hash);
    const all = await verifyAllChains(t.prisma);
    expect(all.filter((s) => s.broken)).toEqual([]);
    expect(all.find((s) => s.merchantId === "m-race")).toMatchObject({ verifiedSeq: String(writers + writers / 2) });
  });

  describe("tampering by the table owner (triggers disabled) is named by verify", () => {
    async function asOwner(...statements: string[]) {
      await t.prisma.$transaction(async (tx) => {
        await tx.$executeRawUnsafe(`ALTER TABLE "AuditEvent" DISABLE TRIGGER USER`);
        await tx.$executeRawUnsafe(`ALTER TABLE "AuditChainLink" DISABLE TRIGGER USER`);
        for (const sql of statements) await tx.$executeRawUnsafe(sql);
        await tx.$executeRawUnsafe(`ALTER TABLE "AuditEvent" ENABLE TRIGGER USER`);
        await tx.$executeRawUnsafe(`ALTER TABLE "AuditChainLink" ENABLE TRIGGER USER`);
      });
    }
    async function chainOf(m: string, n: number) {
      for (let i = 0; i < n; i++) {
        await t.prisma.$transaction((tx) => recordAudit(tx, { merchantId: m, actorId: "u1", action: "case.approved", targetType: "case", targetId: `c${i}`, after: { refundedAmountFen: 1_000 + i } }));
      }
      return (await links(t, m)).map((l) => ({ seq: String(l.seq), id: String(l.eventId), hash: l.hash }));
    }

    it("an edited amount", async () => {
      const chain = await chainOf("m-t1", 6);
      await asOwner(`UPDATE "AuditEvent" SET "after" = '{"refundedAmountFen": 99999}' WHERE "id" = ${chain[3]!.id}`);
      const lines: string[] = [];
      expect(await verifyReport(t.prisma, ["--merchant", "m-t1"], (l) => lines.push(l))).toBe(1);
      expect(lines[0]).toBe(`BROKEN  merchant m-t1: first broken link at seq 4, event ${chain[3]!.id} (content changed): expected ${chain[3]!.hash}, found ${lines[0]!.slice(-64)}`);
      const status = await verifyMerchantChain(t.prisma, "m-t1", { batchSize: 2 });
      expect(status).toMatchObject({ verifiedSeq: "3", broken: { merchantId: "m-t1", seq: "4", eventId: chain[3]!.id, reason: "content_changed", expected: chain[3]!.hash } });
      expect(status.broken!.found).not.toBe(chain[3]!.hash);
    });

    it("a deleted event, a deleted link, a rewritten link, an event written with the trigger off", async () => {
      const a = await chainOf("m-t2", 4);
      await asOwner(`DELETE FROM "AuditEvent" WHERE "id" = ${a[1]!.id}`);
      expect((await verifyMerchantChain(t.prisma, "m-t2")).broken).toMatchObject({ seq: "2", eventId: a[1]!.id, reason: "event_missing" });

      const b = await chainOf("m-t3", 4);
      await asOwner(`DELETE FROM "AuditEvent" WHERE "id" = ${b[2]!.id}`, `DELETE FROM "AuditChainLink" WHERE "eventId" = ${b[2]!.id}`);
      expect((await verifyMerchantChain(t.prisma, "m-t3")).broken).toMatchObject({ seq: "3", reason: "link_missing" });

      const c = await chainOf("m-t4", 4);
      // rewrite event 2 and recompute its own hash: the next link's prevHash still points at the old one
      await asOwner(`UPDATE "AuditEvent" SET "actorId" = 'u-evil' WHERE "id" = ${c[1]!.id}`,
        `UPDATE "AuditChainLink" l SET "hash" = audit_hash(audit_canonical(e."merchantId", l."seq", e."id", e."createdAt", e."actorId", e."action", e."targetType", e."targetId", e."before", e."after", l."prevHash"))
          FROM "AuditEvent" e WHERE e."id" = l."eventId" AND l."eventId" = ${c[1]!.id}`);
      expect((await verifyMerchantChain(t.prisma, "m-t4")).broken).toMatchObject({ seq: "3", eventId: c[2]!.id, reason: "prev_hash_mismatch", expected: expect.not.stringMatching(c[1]!.hash) });

      await chainOf("m-t5", 2);
      await asOwner(`INSERT INTO "AuditEvent" ("merchantId", "action", "targetType", "targetId") VALUES ('m-t5', 'case.approved', 'case', 'sneaky')`);
      expect(await verifyMerchantChain(t.prisma, "m-t5")).toMatchObject({ verifiedSeq: "2", broken: { reason: "unchained_event" } });
    });
  });
});
