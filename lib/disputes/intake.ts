import { randomBytes } from "node:crypto";
import type { AlipayClient } from "../alipay/client";
import type { Complaint, ComplaintStatus } from "../alipay/schemas";
import { verifyParams } from "../alipay/sign";
import { recordAudit } from "../audit/record";
import type { PrismaClient } from "../generated/prisma/client";

const CLOSED: ComplaintStatus[] = ["FINISHED", "CANCELLED", "CLOSED", "PLATFORM_FINISH"];
/** How long a merchant has to answer a complaint before Alipay steps in. */
export const RESPONSE_WINDOW_MS = 3 * 86_400_000;

/** Alipay times are GMT+8 "yyyy-MM-dd HH:mm:ss". */
export function parseAlipayTime(value: string | undefined): Date | null {
  if (!value || !/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/.test(value)) return null;
  return new Date(`${value.replace(" ", "T")}+08:00`);
}

export interface VerifiedNotification {
  /** the merchant's app: auth_app_id when our app acts for the merchant, else app_id */
  appId: string;
  complainEventId: string;
}

/** A complaint change notification, verified as the classic protocol signs it; null if it does not verify. */
export function verifyComplaintNotification(params: Record<string, string>, alipayPublicKey: string): VerifiedNotification | null {
  if (!params.sign || !verifyParams(params, alipayPublicKey)) return null;
  if (params.msg_method !== "alipay.merchant.tradecomplain.changed" || !params.app_id) return null;
  try {
    const biz = JSON.parse(params.biz_content ?? "{}") as { complain_event_id?: unknown };
    // For an app acting for merchants, auth_app_id names the merchant's app; app_id is our own.
    const appId = params.auth_app_id || params.app_id;
    return typeof biz.complain_event_id === "string" && biz.complain_event_id ? { appId, complainEventId: biz.complain_event_id } : null;
  } catch {
    return null;
  }
}

/**
 * Creates or updates the dispute case for a complaint, from the complaint as Alipay reports it
 * (fetched through the signed client, never from the notification alone). Repeats change nothing.
 */
export async function ingestComplaint(prisma: PrismaClient, client: AlipayClient, merchantId: string, complainEventId: string, known?: Complaint) {
  const complaint = known ?? (await client.complaintGet({ complain_event_id: complainEventId }, { merchantId })).data;
  return prisma.$transaction(async (tx) => {
    const existing = await tx.case.findUnique({ where: { merchantId_complainEventId: { merchantId, complainEventId } } });
    if (existing) {
      const open = ["NEW", "ASSESSING", "REVIEW", "ESCALATED"].includes(existing.status);
      if (open && CLOSED.includes(complaint.status)) {
        await tx.case.update({ where: { id: existing.id }, data: { status: "CLOSED", version: { increment: 1 }, claimedById: null, claimExpiresAt: null } });
        await recordAudit(tx, { merchantId, actorId: null, action: "dispute.closed_by_alipay", targetType: "case", targetId: existing.id, before: { status: existing.status }, after: { status: "CLOSED", complaintStatus: complaint.status } });
        return { caseId: existing.id, created: false, changed: true };
      }
      return { caseId: existing.id, created: false, changed: false };
    }
    const amount = complaint.complain_amount ?? complaint.trade_amount ?? 0;
    const createdAt = parseAlipayTime(complaint.gmt_create) ?? new Date();
    const c = await tx.case.create({
      data: {
        merchantId,
        kind: "DISPUTE",
        status: CLOSED.includes(complaint.status) ? "CLOSED" : "NEW",
        outTradeNo: complaint.merchant_order_no ?? complaint.trade_no ?? complainEventId,
        tradeNo: complaint.trade_no ?? null,
        outRequestNo: `DP${randomBytes(12).toString("hex")}`,
        paidAmountFen: complaint.trade_amount ?? amount,
        requestedAmountFen: amount,
        reasonText: [complaint.complain_reason, complaint.content].filter(Boolean).join(" — ") || "(no reason given)",
        customerId: "alipay-user",
        merchantCategory: "unknown",
        complainEventId,
        disputeDeadline: new Date(createdAt.getTime() + RESPONSE_WINDOW_MS),
      },
    });
    if (c.status === "NEW") await tx.job.create({ data: { merchantId, kind: "assess", caseId: c.id } });
    await recordAudit(tx, { merchantId, actorId: null, action: "dispute.received", targetType: "case", targetId: c.id, after: { complainEventId, complaintStatus: complaint.status, amountFen: amount } });
    return { caseId: c.id, created: true, changed: true };
  });
}

/** Safety net for lost notifications: lists recent complaints and ingests each. */
export async function pollComplaints(prisma: PrismaClient, client: AlipayClient, merchantId: string, { days = 7, now = new Date() } = {}) {
  const fmt = (d: Date) => new Date(d.getTime() + 8 * 3_600_000).toISOString().slice(0, 19).replace("T", " ");
  let created = 0;
  for (let page = 1; page <= 50; page++) {
    const { data } = await client.complaintBatchQuery({ begin_time: fmt(new Date(now.getTime() - days * 86_400_000)), end_time: fmt(new Date(now.getTime() + 60_000)), page_num: page, page_size: 20 }, { merchantId });
    for (const complaint of data.trade_complain_infos) {
      if ((await ingestComplaint(prisma, client, merchantId, complaint.complain_event_id, complaint)).created) created++;
    }
    if (data.trade_complain_infos.length < 20 || (data.total_page_num !== undefined && page >= data.total_page_num)) break;
  }
  return created;
}
