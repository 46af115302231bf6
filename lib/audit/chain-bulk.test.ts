import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDb, type TestDb } from "../testing/db";
import { chainUnlinkedEvents } from "./chain-bulk";
import { verifyAllChains } from "./verify";

// Events with the content the canonical text is hardest on: unicode, escapes, key order, numbers
// with their scale, SQL NULL against JSON null, several merchants interleaved.
function eventValues(n: number): string {
  const rows: string[] = [];
  for (let i = 1; i <= n; i++) {
    const merchant = ["m-a", "m-b", "m-c'quote"][i % 3]!.replaceAll("'", "''");
    const before = i % 4 === 0 ? "NULL" : `'${JSON.stringify({ i, z: "中文 \"q\" \\ \n", aa: [1.5, { "": null }] }).replaceAll("'", "''")}'::jsonb`;
    const after = i % 5 === 0 ? `'null'::jsonb` : `'{"amountFen": ${i * 100}, "ratio": 0.10, "big": 1e21}'::jsonb`;
    rows.push(
      `(${i}, '${merchant}', ${i % 7 === 0 ? "NULL" : `'u-${i % 3}'`}, 'case.decided', 'Case', 'c-${i}', ${before}, ${after}, timestamp '2026-11-01 00:00:00' + interval '${i} seconds 123 milliseconds')`,
    );
  }
  return rows.join(",\n");
}

const COLUMNS = `(id, "merchantId", "actorId", action, "targetType", "targetId", before, after, "createdAt")`;

async function chainRows(t: TestDb) {
  return t.runner.query<{ eventId: string; merchantId: string; seq: string; prevHash: string; hash: string }>(
    `SELECT "eventId"::text AS "eventId", "merchantId", seq::text AS seq, "prevHash", hash FROM "AuditChainLink" ORDER BY "eventId"`,
  );
}

async function heads(t: TestDb) {
  return t.runner.query(`SELECT "merchantId", seq::text AS seq, hash FROM "AuditChainHead" ORDER BY "merchantId"`);
}

describe("chaining bulk-loaded audit events", () => {
  let byTrigger: TestDb;
  let byBulk: TestDb;
  beforeAll(async () => {
    [byTrigger, byBulk] = await Promise.all([createTestDb(), createTestDb()]);
  });
  afterAll(async () => {
    await Promise.all([byTrigger.dispose(), byBulk.dispose()]);
  });

  it("writes the very links and heads the insert trigger writes, continuing each merchant's head, also after a run cut short", async () => {
    // The trigger's chain: 60 events, then 140 more.
    await byTrigger.runner.script(`INSERT INTO "AuditEvent" ${COLUMNS} VALUES ${eventValues(200)};`);
    // The same events: the first 60 through the trigger, the rest loaded with triggers off and
    // chained in batches of 17 (so batches split merchants' runs and start mid-chain).
    const values = eventValues(200).split(",\n");
    await byBulk.runner.script(`INSERT INTO "AuditEvent" ${COLUMNS} VALUES ${values.slice(0, 60).join(",\n")};`);
    await byBulk.runner.script(`BEGIN; SET LOCAL session_replication_role = replica;
      INSERT INTO "AuditEvent" ${COLUMNS} VALUES ${values.slice(60).join(",\n")}; COMMIT;`);
    // A run cut short after three batches: each batch's links and heads were committed together,
    // so every chain is whole up to its head and only the rest is unchained.
    const stop = new Error("stopped");
    await expect(chainUnlinkedEvents(byBulk, { batchSize: 17, onBatch: (n) => { if (n === 51) throw stop; } })).rejects.toBe(stop);
    const partial = await verifyAllChains(byBulk.prisma);
    expect(partial.map((c) => c.broken?.reason)).toEqual(["unchained_event", "unchained_event", "unchained_event"]);
    expect(partial.reduce((n, c) => n + Number(c.verifiedSeq), 0)).toBe(60 + 51);

    const batches: number[] = [];
    const done = await chainUnlinkedEvents(byBulk, { batchSize: 17, onBatch: (n) => batches.push(n) });
    expect(done).toEqual({ events: 140 - 51, merchants: 3 });
    expect(batches.length).toBe(Math.ceil((140 - 51) / 17));

    const expected = await chainRows(byTrigger);
    expect(expected).toHaveLength(200);
    expect(await chainRows(byBulk)).toEqual(expected);
    expect(await heads(byBulk)).toEqual(await heads(byTrigger));
    expect((await verifyAllChains(byBulk.prisma)).map((s) => s.broken)).toEqual([null, null, null]);
  });

  it("leaves heads the trigger continues from, and has nothing left to do when run again", async () => {
    expect(await chainUnlinkedEvents(byBulk)).toEqual({ events: 0, merchants: 0 });
    const next = `(201, 'm-b', 'u-1', 'case.refunded', 'Case', 'c-201', NULL, '{"ok": true}', timestamp '2026-11-02 00:00:00')`;
    await byTrigger.runner.script(`INSERT INTO "AuditEvent" ${COLUMNS} VALUES ${next};`);
    await byBulk.runner.script(`INSERT INTO "AuditEvent" ${COLUMNS} VALUES ${next};`);
    expect(await chainRows(byBulk)).toEqual(await chainRows(byTrigger));
    expect((await verifyAllChains(byBulk.prisma)).every((s) => s.broken === null)).toBe(true);
  });
});
