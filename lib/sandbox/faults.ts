import { z } from "zod";

/**
 * Fault injection. A rule matches by method and path prefix, lets `skip` matches through, then
 * fires on up to `count` matches (each with `probability`, drawn from the sandbox's seeded RNG).
 * The first rule that fires wins; one fault per request.
 */

export const FAULT_KINDS = [
  "rate_limit", // 429 app-call-limited with Retry-After (a "storm" is count: N)
  "server_error", // 5xx JSON unknow-error
  "slow", // the response is held for delayMs (past the client's timeout)
  "drop", // the connection is destroyed without a response
  "bad_signature", // the alipay-signature header does not verify
  "missing_signature", // no alipay-timestamp / alipay-nonce / alipay-signature headers
  "error_200", // HTTP 200 whose body is { code, message }
  "non_json", // an unsigned HTML 502 from a "proxy"
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

/** before: nothing happened (no refund, no billing). after: the handler ran, then the response is spoiled. */
export type FaultPhase = "before" | "after";

const DEFAULT_PHASE: Record<FaultKind, FaultPhase> = {
  rate_limit: "before",
  server_error: "before",
  slow: "after",
  drop: "after",
  bad_signature: "after",
  missing_signature: "after",
  error_200: "before",
  non_json: "before",
};

export const faultRuleSchema = z.object({
  kind: z.enum(FAULT_KINDS),
  /** path prefix, e.g. "/v3/alipay/trade/refund"; default every gateway path */
  path: z.string().startsWith("/").optional(),
  method: z.string().optional(),
  /** how many times it may fire; default unlimited */
  count: z.number().int().positive().optional(),
  /** matching requests to let through before the rule starts firing */
  skip: z.number().int().nonnegative().optional(),
  probability: z.number().min(0).max(1).optional(),
  phase: z.enum(["before", "after"]).optional(),
  /** server_error / non_json / error_200 status; defaults 503 / 502 / 200 */
  status: z.number().int().min(100).max(599).optional(),
  /** error_200 / server_error body code */
  code: z.string().optional(),
  message: z.string().optional(),
  /** slow: extra delay; default 2000 ms */
  delayMs: z.number().int().nonnegative().optional(),
  /** rate_limit: Retry-After seconds; default 1 */
  retryAfterSeconds: z.number().int().nonnegative().optional(),
});
export type FaultRuleInput = z.input<typeof faultRuleSchema>;

export interface FaultRule extends z.infer<typeof faultRuleSchema> {
  id: number;
  phase: FaultPhase;
  matched: number;
  fired: number;
}

export class FaultInjector {
  private rules: FaultRule[] = [];
  private nextId = 1;

  constructor(private readonly random: () => number) {}

  set(inputs: readonly FaultRuleInput[]): FaultRule[] {
    this.rules = [];
    return inputs.map((input) => this.add(input));
  }

  add(input: FaultRuleInput): FaultRule {
    const parsed = faultRuleSchema.parse(input);
    const rule: FaultRule = { ...parsed, phase: parsed.phase ?? DEFAULT_PHASE[parsed.kind], id: this.nextId++, matched: 0, fired: 0 };
    this.rules.push(rule);
    return rule;
  }

  clear(): void {
    this.rules = [];
  }

  list(): FaultRule[] {
    return this.rules.map((r) => ({ ...r }));
  }

  /** Decides the fault (if any) for one request; call once per request. */
  pick(method: string, path: string): FaultRule | null {
    for (const rule of this.rules) {
      if (rule.method && rule.method.toUpperCase() !== method.toUpperCase()) continue;
      if (rule.path && !path.startsWith(rule.path)) continue;
      if (rule.count !== undefined && rule.fired >= rule.count) continue;
      rule.matched += 1;
      if (rule.skip !== undefined && rule.matched <= rule.skip) continue;
      if (rule.probability !== undefined && this.random() >= rule.probability) continue;
      rule.fired += 1;
      return { ...rule };
    }
    return null;
  }
}
