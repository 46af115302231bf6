import { afterAll, afterEach, describe, expect, it } from "vitest";
import { AppError, toUserError } from "./errors";
import { setLogSink, type LogSink } from "./observability/log";

describe("toUserError", () => {
  const lines: string[] = [];
  const previous = setLogSink({ write: (line) => lines.push(line) } satisfies LogSink);
  afterEach(() => {
    lines.length = 0;
  });
  afterAll(() => setLogSink(previous));

  it("passes an AppError's kind and message through, and logs nothing", () => {
    expect(toUserError(new AppError("conflict", "Already decided."))).toEqual({ kind: "conflict", message: "Already decided.", details: undefined });
    expect(lines).toEqual([]);
  });

  it.each(["P2024", "P2028", "P2034"])("maps Prisma's %s (database too busy) to a retryable 'unavailable'", (code) => {
    const err = Object.assign(new Error("Transaction API error: Unable to start a transaction in the given time."), { code });
    expect(toUserError(err).kind).toBe("unavailable");
    expect(JSON.parse(lines[0]!)).toMatchObject({ level: "warn", msg: "database busy" });
  });

  it("hides anything else behind 'unexpected' and logs the detail as one JSON line", () => {
    const user = toUserError(new TypeError("secret detail"));
    expect(user).toEqual({ kind: "unexpected", message: "Something went wrong. It has been logged; please try again." });
    expect(JSON.stringify(user)).not.toContain("secret detail");
    expect(JSON.parse(lines[0]!)).toMatchObject({ level: "error", msg: "unexpected error", err: { name: "TypeError", message: "secret detail" } });
  });
});
