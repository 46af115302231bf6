import "server-only";
import type { Prisma, PrismaClient } from "../generated/prisma/client";
import { AUDIT_PAGE_SIZE, type AuditFilters } from "./schemas";
import { verifyMerchantChain, type ChainStatus } from "./verify";
import { nextDay, zonedDayStart } from "./zone";

export interface AuditRow {
  id: string;
  seq: string | null;
  createdAt: Date;
  actorId: string | null;
  actorName: string | null;
  action: string;
  targetType: string;
  targetId: string;
  before: unknown;
  after: unknown;
  hash: string | null;
}

/** The filters as a Prisma where, always scoped to the merchant. */
export async function auditWhere(prisma: PrismaClient, merchantId: string, f: AuditFilters, timeZone: string): Promise<Prisma.AuditEventWhereInput> {
  const and: Prisma.AuditEventWhereInput[] = [{ merchantId }];
  if (f.actor) and.push({ actorId: f.actor === "system" ? null : f.actor });
  if (f.action) and.push({ action: f.action });
  if (f.target) {
    // a case id or target id, or an order number of one of this merchant's cases
    const cases = await prisma.case.findMany({ where: { merchantId, outTradeNo: f.target }, select: { id: true }, take: 20 });
    and.push({ targetId: { in: [f.target, ...cases.map((c) => c.id)] } });
  }
  if (f.from) and.push({ createdAt: { gte: zonedDayStart(f.from, timeZone) } });
  if (f.to) and.push({ createdAt: { lt: zonedDayStart(nextDay(f.to), timeZone) } });
  return { AND: and };
}

export function cursorOf(row: { createdAt: Date; id: string | bigint }): string {
  return `${row.createdAt.getTime()}.${row.id}`;
}

function afterCursor(cursor: string | undefined): Prisma.AuditEventWhereInput {
  if (!cursor) return {};
  const [ms, id] = cursor.split(".") as [string, string];
  const at = new Date(Number(ms));
  return { OR: [{ createdAt: { lt: at } }, { createdAt: at, id: { lt: BigInt(id) } }] };
}

/** One page, newest first, walking the (merchantId, createdAt) index by keyset. */
export async function listAuditEvents(prisma: PrismaClient, merchantId: string, f: AuditFilters, timeZone: string, { limit = AUDIT_PAGE_SIZE } = {}) {
  const where = await auditWhere(prisma, merchantId, f, timeZone);
  const rows = await auditPage(prisma, merchantId, { AND: [where, afterCursor(f.before)] }, limit + 1);
  const more = rows.length > limit;
  const page = rows.slice(0, limit);
  return { rows: page, next: more ? cursorOf(page[page.length - 1]!) : null };
}

async function auditPage(prisma: PrismaClient, merchantId: string, where: Prisma.AuditEventWhereInput, take: number): Promise<AuditRow[]> {
  const events = await prisma.auditEvent.findMany({ where, orderBy: [{ createdAt: "desc" }, { id: "desc" }], take });
  if (events.length === 0) return [];
  const [links, users] = await Promise.all([
    prisma.auditChainLink.findMany({ where: { merchantId, eventId: { in: events.map((e) => e.id) } } }),
    prisma.user.findMany({ where: { id: { in: [...new Set(events.flatMap((e) => (e.actorId ? [e.actorId] : [])))] } }, select: { id: true, name: true, email: true } }),
  ]);
  const linkOf = new Map(links.map((l) => [l.eventId, l]));
  const userOf = new Map(users.map((u) => [u.id, u]));
  return events.map((e) => {
    const link = linkOf.get(e.id);
    const user = e.actorId ? userOf.get(e.actorId) : undefined;
    return {
      id: String(e.id),
      seq: link ? String(link.seq) : null,
      createdAt: e.createdAt,
      actorId: e.actorId,
      actorName: user ? `${user.name} <${user.email}>` : null,
      action: e.action,
      targetType: e.targetType,
      targetId: e.targetId,
      before: e.before,
      after: e.after,
      hash: link?.hash ?? null,
    };
  });
}

/** Every matching event, newest first, in batches: for the streamed export. */
export async function* auditBatches(prisma: PrismaClient, merchantId: string, f: AuditFilters, timeZone: string, batchSize = 1_000): AsyncGenerator<AuditRow[]> {
  const where = await auditWhere(prisma, merchantId, f, timeZone);
  let cursor: string | undefined = f.before;
  for (;;) {
    const rows = await auditPage(prisma, merchantId, { AND: [where, afterCursor(cursor)] }, batchSize);
    if (rows.length) yield rows;
    if (rows.length < batchSize) return;
    cursor = cursorOf(rows[rows.length - 1]!);
  }
}

/** Who and what can be filtered on: the merchant's members and the actions recorded. */
export async function auditFacets(prisma: PrismaClient, merchantId: string) {
  const [members, actions] = await Promise.all([
    prisma.membership.findMany({ where: { merchantId }, include: { user: { select: { id: true, name: true, email: true } } }, orderBy: { user: { email: "asc" } } }),
    prisma.$queryRaw<{ action: string }[]>`SELECT DISTINCT "action" FROM "AuditEvent" WHERE "merchantId" = ${merchantId} ORDER BY 1`,
  ]);
  return { actors: members.map((m) => ({ id: m.user.id, label: `${m.user.name} <${m.user.email}>` })), actions: actions.map((a) => a.action) };
}

// The chain check walks every event, so the page reuses one result for a minute per merchant.
const statusCache = new Map<string, { at: number; status: ChainStatus }>();
export async function chainStatus(prisma: PrismaClient, merchantId: string, now = Date.now()): Promise<ChainStatus & { checkedAt: Date }> {
  const hit = statusCache.get(merchantId);
  if (hit && now - hit.at < 60_000) return { ...hit.status, checkedAt: new Date(hit.at) };
  const status = await verifyMerchantChain(prisma, merchantId);
  statusCache.set(merchantId, { at: now, status });
  return { ...status, checkedAt: new Date(now) };
}
