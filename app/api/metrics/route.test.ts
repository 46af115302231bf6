import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { closeDb, useConnection } from "@/lib/db";
import { createTestDb, type TestDb } from "@/lib/testing/db";

const TOKEN = "metrics-token-0123456789";

describe("GET /api/metrics", () => {
  let t: TestDb;
  let GET: (req: Request) => Promise<Response>;
  beforeAll(async () => {
    vi.stubEnv("METRICS_TOKEN", TOKEN);
    t = await createTestDb();
    useConnection(t);
    ({ GET } = await import("./route"));
  });
  afterAll(async () => {
    vi.unstubAllEnvs();
    await closeDb();
  });

  const get = (auth?: string) => GET(new Request("http://x/api/metrics", auth ? { headers: { authorization: auth } } : {}));

  it("refuses a request without the bearer token, or with another one", async () => {
    expect((await get()).status).toBe(401);
    expect((await get(`Bearer ${TOKEN}-not`)).status).toBe(401);
  });

  it("answers Prometheus text to the token holder", async () => {
    const res = await get(`Bearer ${TOKEN}`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
    const body = await res.text();
    expect(body).toContain("# TYPE console_job_lag_seconds gauge");
    expect(body).toContain("console_job_lag_seconds 0");
  });
});
