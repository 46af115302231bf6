import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { labelOf, translator } from "@/lib/i18n";
import { eventLabel } from "./timeline";

/** Every audit action the code records about a case, read from the source so a new one cannot be missed. */
function recordedCaseActions(): string[] {
  const root = path.resolve(import.meta.dirname, "../../lib");
  const files = readdirSync(root, { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(".ts") && !f.endsWith(".test.ts") && !f.startsWith("i18n"));
  const found = new Set<string>();
  for (const f of files) {
    for (const line of readFileSync(path.join(root, f), "utf8").split("\n")) {
      if (!/\baction\b/.test(line)) continue;
      for (const m of line.matchAll(/"((?:case|refund|dispute|reasoning)\.[a-z_]+)"/g)) found.add(m[1]!);
    }
  }
  return [...found].sort();
}

describe("timeline labels", () => {
  it("name every case action the code records, in both languages", () => {
    const actions = recordedCaseActions();
    expect(actions).toEqual(expect.arrayContaining(["case.approved", "case.partially_approved", "dispute.reopened", "refund.executed"]));
    for (const locale of ["en", "zh-CN"] as const) {
      const t = translator(locale);
      for (const action of actions) expect(eventLabel(t, action), `${locale} ${action}`).not.toBe(action);
    }
    expect(eventLabel(translator("en"), "dispute.feedback_failed")).toBe("Reply refused by Alipay");
  });

  it("shows an action it has no name for as recorded", () => {
    expect(eventLabel(translator("en"), "case.teleported")).toBe("case.teleported");
    expect(eventLabel(translator("zh-CN"), "events")).toBe("events");
  });

  it("names the AI's words in the reader's language, whatever their case, and leaves words it does not know", () => {
    expect(labelOf(translator("zh-CN"), "aiWords", "PASS")).toBe("通过");
    expect(labelOf(translator("zh-CN"), "aiWords", "frustrated")).toBe("沮丧");
    expect(labelOf(translator("en"), "aiWords", "REVIEW")).toBe("Review");
    expect(labelOf(translator("zh-CN"), "aiWords", "wistful")).toBe("wistful");
  });
});
