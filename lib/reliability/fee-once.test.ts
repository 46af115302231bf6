import { describe, expect, it } from "vitest";
import { useWorkflowHarness } from "../testing/use-workflow-harness";
import { makeCase } from "../testing/workflow";
import { executeRefund } from "../workflows/execute";

/**
 * Found by the crash run's accounting (docs/reliability.md): a refund whose first run recorded its
 * fee, resent by a later run whose answer is lost and confirmed by a query, used to put the fee on
 * the ledger twice. The ledger now keeps one fee per refund (ApiCall_fee_once).
 */
describe("a refund's transaction fee is on the ledger once", () => {
  const env = useWorkflowHarness();

  it("a resent refund whose answer is lost, confirmed by a query, does not record the fee again", async () => {
    const c = await makeCase(env.t, env.h, {
      status: "APPROVED",
      paidAmountFen: 3_000,
      approvedAmountFen: 3_000,
    });
    // A worker sent the refund and recorded its answer (fee in the ledger), then died before marking the case.
    await env.h.deps.client.refund(
      {
        out_trade_no: c.outTradeNo,
        refund_amount: 3_000,
        out_request_no: c.outRequestNo,
        refund_reason: "APPROVED",
      },
      { merchantId: c.merchantId, caseId: c.id },
    );
    // The job runs again; the repeat's answer ("fund_change N") is lost, and the query confirms the refund.
    env.h.sandbox.setFaults([
      {
        kind: "drop",
        path: "/v3/alipay/trade/refund",
        phase: "after",
        count: 1,
      },
    ]);
    try {
      await executeRefund(env.h.deps, c.merchantId, c.id);
    } finally {
      env.h.sandbox.clearFaults();
    }
    expect(
      env.h.sandbox.state().trades.find((x) => x.out_trade_no === c.outTradeNo)!
        .refunds,
    ).toHaveLength(1);
    const feeRows = await env.t.prisma.apiCall.findMany({
      where: { caseId: c.id, feeCny: { gt: 0 } },
      orderBy: { createdAt: "asc" },
    });
    expect(feeRows.map((r) => r.endpoint)).toEqual(["trade.refund"]);
    // The confirming query is still on the ledger, as a call without the fee.
    const query = await env.t.prisma.apiCall.findMany({ where: { caseId: c.id, endpoint: "trade.refund.query", outcome: "SUCCESS" } });
    expect(query).toHaveLength(1);
    expect(query[0]!.feeCny.toString()).toBe("0");
    expect(query[0]!.feeRef).toBe(c.outRequestNo);
  });
});
