import type { AlipayClient } from "../alipay/client";
import type { PrismaClient } from "../generated/prisma/client";

export interface WorkflowDeps {
  prisma: PrismaClient;
  client: AlipayClient;
  reasoningKey: Buffer;
}

export type StepResult = "done" | "skipped";
