import { z } from "zod";
import { countChars, listPrice, tierPrice, type AiEndpoint, type Tier } from "./billing";
import { ApiError, invalidParameter } from "./errors";
import { formatAlipayTime, formatFee } from "./money";
import type { UsageCounters } from "./usage";
import {
  analyzeDispute,
  assessRefund,
  disputeAnalyzeSchema,
  refundAssessSchema,
  riskScoreSchema,
  scoreRisk,
  type AiDecision,
  type ModelSettings,
} from "./model";

export interface Billing {
  fee: string;
  currency: "CNY";
  tier: Tier;
}

type AiBody = AiDecision & Record<string, unknown>;
export type AiResult = AiBody & { billing: Billing };

/** What the sandbox has charged, per endpoint, in micro-yuan. */
export interface ChargeTotals {
  calls: number;
  micro: number;
}

interface Conversation {
  result: AiBody;
  tier: Tier;
}

interface BatchItemOutcome {
  item_id: string;
  type: AiEndpoint;
  status: "SUCCESS" | "FAILED";
  result?: AiResult;
  error?: { code: string; message: string };
}

interface Batch {
  id: string;
  appId: string;
  createdAt: number;
  readyAt: number;
  items: BatchItemOutcome[];
  feeMicro: number;
}

export const ENDPOINT_PATHS: Record<AiEndpoint, string> = {
  risk_score: "/v3/alipay/ai/risk/score",
  refund_assess: "/v3/alipay/ai/refund/assess",
  dispute_analyze: "/v3/alipay/ai/dispute/analyze",
};

const ENDPOINT_ALIASES: Record<string, AiEndpoint> = {
  risk_score: "risk_score",
  "risk/score": "risk_score",
  [ENDPOINT_PATHS.risk_score]: "risk_score",
  refund_assess: "refund_assess",
  "refund/assess": "refund_assess",
  [ENDPOINT_PATHS.refund_assess]: "refund_assess",
  dispute_analyze: "dispute_analyze",
  "dispute/analyze": "dispute_analyze",
  [ENDPOINT_PATHS.dispute_analyze]: "dispute_analyze",
};

const batchItemSchema = z.looseObject({
  item_id: z.string().min(1).max(64).optional(),
  custom_id: z.string().min(1).max(64).optional(),
  type: z.string().optional(),
  endpoint: z.string().optional(),
  request: z.record(z.string(), z.unknown()).optional(),
  body: z.record(z.string(), z.unknown()).optional(),
  params: z.record(z.string(), z.unknown()).optional(),
});

const batchSchema = z.object({
  items: z.array(batchItemSchema).min(1, "at least one item").max(100, "at most 100 items"),
});

const ITEM_META_KEYS = new Set(["item_id", "custom_id", "type", "endpoint", "request", "body", "params"]);

export class AiService {
  private readonly conversations = new Map<string, Conversation>();
  private readonly batches = new Map<string, Batch>();
  private readonly batchByRequestId = new Map<string, string>();
  private batchSeq = 0;
  readonly charges = new Map<AiEndpoint, ChargeTotals>();
  replays = 0;

  constructor(
    private readonly settings: () => ModelSettings,
    private readonly batchCompletionMs: () => number,
    private readonly usage: UsageCounters,
  ) {}

  /** One synchronous AI call: parse, decide (or replay), bill. */
  call(appId: string, endpoint: AiEndpoint, rawBody: string, body: unknown): AiResult {
    return this.decide(appId, endpoint, rawBody, body, "standard").result;
  }

  /**
   * Same conversation_id => the stored answer, billed "0.00" with `idempotent_replay: true`.
   * The fee reports what this call cost; the first call's fee was charged once (see state().billing),
   * so a ledger that adds up response fees never double-counts a retried conversation.
   */
  private decide(appId: string, endpoint: AiEndpoint, rawBody: string, body: unknown, tier: Tier): { result: AiResult; feeMicro: number } {
    const conversationId = conversationIdOf(body);
    const key = conversationId ? `${appId}\u0000${endpoint}\u0000${conversationId}` : null;
    const seen = key ? this.conversations.get(key) : undefined;
    if (seen) {
      this.replays += 1;
      this.usage.aiCall(appId, endpoint, conversationId, false);
      return { result: { ...seen.result, idempotent_replay: true, billing: { fee: formatFee(0), currency: "CNY", tier } }, feeMicro: 0 };
    }

    let result: AiBody;
    let listMicro: number;
    if (endpoint === "risk_score") {
      const req = parse(riskScoreSchema, body);
      result = { ...scoreRisk(req, this.settings()) };
      listMicro = listPrice(endpoint, { crossBorder: req.cross_border === true });
    } else if (endpoint === "refund_assess") {
      const req = parse(refundAssessSchema, body);
      result = { ...assessRefund(req, this.settings()) };
      const { reasoning_log: _log, ...answer } = result;
      listMicro = listPrice(endpoint, { chars: countChars(rawBody) + countChars(JSON.stringify(answer)) });
    } else {
      const req = parse(disputeAnalyzeSchema, body);
      result = { ...analyzeDispute(req, this.settings()) };
      listMicro = listPrice(endpoint, {});
    }
    const feeMicro = tierPrice(listMicro, tier);
    const totals = this.charges.get(endpoint) ?? { calls: 0, micro: 0 };
    this.charges.set(endpoint, { calls: totals.calls + 1, micro: totals.micro + feeMicro });
    if (key) this.conversations.set(key, { result, tier });
    this.usage.aiCall(appId, endpoint, conversationId, true);
    return { result: { ...result, billing: { fee: formatFee(feeMicro), currency: "CNY", tier } }, feeMicro };
  }

  /** A retried submit carrying the same alipay-request-id gets the same batch (and is not billed again). */
  submitBatch(appId: string, requestId: string | undefined, body: unknown, now: number) {
    const dedupeKey = requestId ? `${appId}\u0000${requestId}` : null;
    const existingId = dedupeKey ? this.batchByRequestId.get(dedupeKey) : undefined;
    const existing = existingId ? this.batches.get(existingId) : undefined;
    if (existing) return this.batchSummary(existing, now);

    const parsed = batchSchema.safeParse(body);
    if (!parsed.success) throw invalidParameter(z.prettifyError(parsed.error));
    this.batchSeq += 1;
    const id = `B${formatAlipayTime(now).replace(/\D/g, "")}${String(this.batchSeq).padStart(6, "0")}`;
    let feeMicro = 0;
    const items = parsed.data.items.map((item, index): BatchItemOutcome => {
      const itemId = item.item_id ?? item.custom_id ?? String(index + 1);
      const type = ENDPOINT_ALIASES[item.type ?? item.endpoint ?? ""];
      const request = item.request ?? item.body ?? item.params ?? Object.fromEntries(Object.entries(item).filter(([k]) => !ITEM_META_KEYS.has(k)));
      if (!type) {
        return { item_id: itemId, type: "risk_score", status: "FAILED", error: { code: "invalid-parameter", message: `unknown item type ${JSON.stringify(item.type ?? item.endpoint)}` } };
      }
      try {
        const decided = this.decide(appId, type, JSON.stringify(request), request, "batch");
        feeMicro += decided.feeMicro;
        return { item_id: itemId, type, status: "SUCCESS", result: decided.result };
      } catch (e) {
        if (e instanceof ApiError) return { item_id: itemId, type, status: "FAILED", error: { code: e.code, message: e.message } };
        throw e;
      }
    });
    const batch: Batch = { id, appId, createdAt: now, readyAt: now + this.batchCompletionMs(), items, feeMicro };
    this.batches.set(id, batch);
    if (dedupeKey) this.batchByRequestId.set(dedupeKey, id);
    return this.batchSummary(batch, now);
  }

  getBatch(appId: string, id: string, now: number) {
    const batch = this.batches.get(id);
    if (!batch || batch.appId !== appId) throw new ApiError(404, "BATCH_NOT_EXIST", `batch ${id} does not exist`);
    const done = now >= batch.readyAt;
    return {
      ...this.batchSummary(batch, now),
      completed_count: done ? batch.items.length : 0,
      completed_at: done ? formatAlipayTime(batch.readyAt) : undefined,
      items: done ? batch.items : [],
    };
  }

  reset(): void {
    this.conversations.clear();
    this.batches.clear();
    this.batchByRequestId.clear();
    this.charges.clear();
    this.replays = 0;
  }

  private batchSummary(batch: Batch, now: number) {
    return {
      batch_id: batch.id,
      status: now >= batch.readyAt ? ("COMPLETED" as const) : ("PROCESSING" as const),
      item_count: batch.items.length,
      created_at: formatAlipayTime(batch.createdAt),
      estimated_completion_time: formatAlipayTime(batch.readyAt),
      billing: { fee: formatFee(batch.feeMicro), currency: "CNY" as const, tier: "batch" as const },
    };
  }
}

function conversationIdOf(body: unknown): string | undefined {
  if (typeof body !== "object" || body === null || !("conversation_id" in body)) return undefined;
  const id = body.conversation_id;
  return typeof id === "string" && id.length > 0 ? id : undefined;
}

function parse<T>(schema: z.ZodType<T>, body: unknown): T {
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw invalidParameter(z.prettifyError(parsed.error));
  return parsed.data;
}
