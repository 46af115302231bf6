import { afterAll, beforeAll } from "vitest";
import { createTestDb, type TestDb } from "./db";
import { workflowHarness, type WorkflowHarness } from "./workflow";
import type { SandboxOptions } from "../sandbox/server";

// Apart from lib/testing/workflow.ts, which benchmarks import outside vitest (vitest's hooks throw there).

/**
 * A fresh test database and a harness on it for the enclosing describe block, closed after it.
 * Read `env.t` and `env.h` inside the tests (they are set in beforeAll).
 */
export function useWorkflowHarness(options: Partial<SandboxOptions> = {}, limits: { maxAttempts?: number } = {}) {
  const env = {} as { t: TestDb; h: WorkflowHarness };
  beforeAll(async () => {
    env.t = await createTestDb();
    env.h = await workflowHarness(env.t, options, limits);
  });
  afterAll(async () => {
    await env.h?.close();
    await env.t?.dispose();
  });
  return env;
}
