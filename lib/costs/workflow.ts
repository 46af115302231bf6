/**
 * Which workflow a ledger row belongs to, from its endpoint. Mirrors SQL cost_workflow() in
 * migration 20261202031600_costs (a test keeps the two equal):
 *   ai.risk.score → risk; ai.refund.assess, trade.refund, trade.refund.query → refund;
 *   ai.dispute.analyze, tradecomplain.* → dispute; ai.batch.* → the case's kind (else other).
 */
export const WORKFLOWS = ["refund", "dispute", "risk", "other"] as const;
export type Workflow = (typeof WORKFLOWS)[number];

export function workflowOf(endpoint: string, caseKind: "REFUND" | "DISPUTE" | null = null): Workflow {
  if (endpoint === "ai.risk.score") return "risk";
  if (endpoint === "ai.refund.assess" || endpoint === "trade.refund" || endpoint === "trade.refund.query") return "refund";
  if (endpoint === "ai.dispute.analyze" || endpoint.startsWith("tradecomplain.")) return "dispute";
  if (endpoint.startsWith("ai.batch.")) return caseKind === "REFUND" ? "refund" : caseKind === "DISPUTE" ? "dispute" : "other";
  return "other";
}
