import { afterEach, describe, expect, it } from "vitest";
import { formatLine, log, setLogLevel, setLogSink, withLogContext, type LogLevel } from "./log";

function capture() {
  const lines: Array<{ level: LogLevel; line: Record<string, unknown> }> = [];
  const previous = setLogSink({ write: (line, level) => lines.push({ level, line: JSON.parse(line) }) });
  return { lines, restore: () => setLogSink(previous) };
}

describe("structured logs", () => {
  let restore = () => {};
  afterEach(() => {
    restore();
    setLogLevel("info");
  });

  it("writes one JSON object per line with time, level, msg, traceId and merchantId first", () => {
    const line = formatLine("info", "case assessed", { traceId: "t-1", merchantId: "m-a", caseId: "c1" }, new Date("2026-12-02T00:00:00Z"));
    expect(line).not.toContain("\n");
    expect(Object.keys(JSON.parse(line))).toEqual(["time", "level", "msg", "traceId", "merchantId", "caseId"]);
    expect(JSON.parse(line)).toMatchObject({ time: "2026-12-02T00:00:00.000Z", level: "info", msg: "case assessed", traceId: "t-1" });
  });

  it("never writes a secret, at any depth", () => {
    const line = formatLine("error", "x", {
      password: "demo-password",
      headers: { authorization: "Bearer sk_live_abc", cookie: "s=1" },
      apiKey: "sk_live_x",
      nested: [{ privateKey: "-----BEGIN" }],
      reasoningLog: "prompt text",
    });
    for (const secret of ["demo-password", "sk_live", "s=1", "BEGIN", "prompt text"]) expect(line).not.toContain(secret);
    expect(JSON.parse(line).headers.authorization).toBe("[redacted]");
  });

  it("serializes errors with name and message", () => {
    const line = JSON.parse(formatLine("error", "failed", { err: new TypeError("boom") }));
    expect(line.err).toMatchObject({ name: "TypeError", message: "boom" });
  });

  it("drops lines below the level, and carries context fields into nested calls", async () => {
    const c = capture();
    restore = c.restore;
    setLogLevel("warn");
    log.info("hidden");
    await withLogContext({ traceId: "trace-9", merchantId: "m-b" }, async () => {
      await Promise.resolve();
      log.child({ workerId: "w-1" }).warn("shown");
    });
    expect(c.lines).toHaveLength(1);
    expect(c.lines[0]).toMatchObject({ level: "warn", line: { msg: "shown", traceId: "trace-9", merchantId: "m-b", workerId: "w-1" } });
  });
});
