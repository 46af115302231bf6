import type { PrismaClient } from "../generated/prisma/client";
import { PAGE_SIZE, type CaseListQuery } from "./schemas";

export async function listCases(prisma: PrismaClient, merchantId: string, q: CaseListQuery, pageSize = PAGE_SIZE) {
  const where = { merchantId, ...(q.status && { status: q.status }), ...(q.kind && { kind: q.kind }) };
  const [total, rows] = await Promise.all([
    prisma.case.count({ where }),
    prisma.case.findMany({
      where,
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      skip: (q.page - 1) * pageSize,
      take: pageSize,
      select: {
        id: true,
        kind: true,
        status: true,
        outTradeNo: true,
        requestedAmountFen: true,
        merchantCategory: true,
        route: true,
        createdAt: true,
        decisions: { where: { merchantId }, orderBy: { createdAt: "desc" }, take: 1, select: { riskScore: true } },
      },
    }),
  ]);
  return {
    total,
    rows: rows.map(({ decisions, ...c }) => ({ ...c, riskScore: decisions[0]?.riskScore?.toString() ?? null })),
  };
}
