import type { AlipayClient } from "../alipay/client";
import type { ReasoningKey } from "../crypto/reasoning";
import type { PrismaClient } from "../generated/prisma/client";

export interface WorkflowDeps {
  prisma: PrismaClient;
  client: AlipayClient;
  reasoningKey: ReasoningKey;
}

export type StepResult = "done" | "skipped";
