import { Badge, type BadgeTone } from "@/components/ui/badge";
import type { CaseStatus, Route } from "@/lib/generated/prisma/enums";

const STATUS_TONE: Record<CaseStatus, BadgeTone> = {
  NEW: "neutral",
  ASSESSING: "info",
  REVIEW: "warning",
  APPROVED: "info",
  EXECUTING: "info",
  REFUNDED: "success",
  REJECTED: "danger",
  ESCALATED: "warning",
  FEEDBACK_SUBMITTED: "success",
  FAILED: "danger",
  CLOSED: "neutral",
};

const ROUTE_TONE: Record<Route, BadgeTone> = { AUTO_APPROVE: "success", REVIEW: "warning", AUTO_REJECT: "danger" };

export function StatusBadge({ status, label }: { status: CaseStatus; label: string }) {
  return <Badge tone={STATUS_TONE[status]} data-status={status}>{label}</Badge>;
}

export function RouteBadge({ route, label }: { route: Route; label: string }) {
  return <Badge tone={ROUTE_TONE[route]}>{label}</Badge>;
}
