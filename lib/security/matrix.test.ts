import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

await vi.hoisted(async () => (await import("./test-identity")).useTestEnvironment("security-matrix"));
vi.mock("next-auth", async (orig) => ({ ...(await orig<object>()), ...(await import("./test-identity")).fakeNextAuth }));
vi.mock("next/headers", async () => (await import("./test-identity")).fakeHeaders);
vi.mock("next/cache", async (orig) => ({ ...(await orig<object>()), ...(await import("./test-identity")).fakeCache }));

import { hashPassword } from "../auth/passwords";
import { ROLE_SCOPES } from "../auth/permissions";
import { getCaseDetail } from "../cases/detail";
import { useConnection } from "../db";
import type { Role } from "../generated/prisma/enums";
import { createApiKey, revokeApiKey } from "../intake/api-keys";
import { savePolicy } from "../policy/service";
import { policyInput } from "../policy/schemas";
import { services } from "../runtime/services";
import { createTestDb, type TestDb } from "../testing/db";
import { makeCase } from "../testing/workflow";
import { A, ACTIONS, B, caseWithReasoning, REASONING_PLAINTEXT, ROUTES, VALID_POLICY, type Fixture } from "./expectations";
import { discoverActions, discoverRoutes, fingerprint, type Callable } from "./surface";
import { jar, signInAs } from "./test-identity";

type Who = Role | "SIGNED_OUT" | "OTHER_MERCHANT";
const WHO: Who[] = ["AGENT", "ADMIN", "FINANCE", "AUDITOR", "SIGNED_OUT", "OTHER_MERCHANT"];

type Result = { ok: true; data: unknown } | { ok: false; error: { kind: string; message: string } };

describe("every role × every server action and route handler", () => {
  let t: TestDb;
  let actions: Map<string, Callable>;
  let routes: Map<string, Callable>;
  const users = {} as Record<Who | "HELPER", string>;

  beforeAll(async () => {
    t = await createTestDb();
    useConnection(t);
    await t.prisma.merchant.createMany({ data: [{ id: A, name: "Merchant A" }, { id: B, name: "Merchant B" }] });
    const hash = await hashPassword("matrix-password");
    const mk = async (email: string, merchantId: string | null, role: Role) => {
      const u = await t.prisma.user.create({ data: { email, name: email, passwordHash: hash } });
      if (merchantId) await t.prisma.membership.create({ data: { merchantId, userId: u.id, role } });
      return u.id;
    };
    for (const role of ["AGENT", "ADMIN", "FINANCE", "AUDITOR"] as const) users[role] = await mk(`${role.toLowerCase()}@a.test`, A, role);
    users.OTHER_MERCHANT = await mk("admin@b.test", B, "ADMIN");
    users.HELPER = await mk("helper@a.test", A, "ADMIN");
    users.SIGNED_OUT = "";
    await savePolicy(t.prisma, A, users.HELPER, policyInput.parse(VALID_POLICY));
    actions = await discoverActions();
    routes = await discoverRoutes();
  });
  afterAll(async () => {
    signInAs(null);
    const s = await services().catch(() => null);
    await s?.sandbox?.close();
    await t.dispose();
  });

  const fixture = (who: Who): Fixture => ({ t, prisma: t.prisma, actorId: users[who] || users.HELPER, helperId: users.HELPER });
  const as = (who: Who) => signInAs(who === "SIGNED_OUT" ? null : users[who]);
  const allowed = (who: Who, scope: (typeof ROLE_SCOPES)[Role][number]) => who !== "SIGNED_OUT" && who !== "OTHER_MERCHANT" && ROLE_SCOPES[who].includes(scope);

  it("has classified every exported server action and every route handler (new ones must be added to lib/security/expectations.ts)", () => {
    const unclassifiedActions = [...actions.keys()].filter((k) => !(k in ACTIONS));
    const unclassifiedRoutes = [...routes.keys()].filter((k) => !(k in ROUTES));
    expect({ unclassifiedActions, unclassifiedRoutes }).toEqual({ unclassifiedActions: [], unclassifiedRoutes: [] });
    const stale = [...Object.keys(ACTIONS).filter((k) => !actions.has(k)), ...Object.keys(ROUTES).filter((k) => !routes.has(k))];
    expect(stale).toEqual([]);
    expect(actions.size).toBeGreaterThanOrEqual(15);
  });

  for (const [key, spec] of Object.entries(ACTIONS)) {
    if (spec.kind === "public") {
      it(`${key} is public (${spec.why}) and writes nothing`, async () => {
        for (const who of WHO) {
          as(who);
          const before = await fingerprint(t.runner);
          const result = (await actions.get(key)!(...spec.valid())) as Result;
          expect(result.ok, `${who}: ${JSON.stringify(result)}`).toBe(true);
          expect(await fingerprint(t.runner)).toEqual(before);
        }
        expect(jar.get("console-locale")).toBe("zh-CN");
      });
      continue;
    }
    for (const who of WHO) {
      const may = allowed(who, spec.scope);
      it(`${key.split("/").slice(-2).join("/")} as ${who}: ${may ? "allowed" : "refused, nothing changes"}`, async () => {
        const input = await spec.valid(fixture(who), A);
        as(who);
        const before = await fingerprint(t.runner);
        const result = (await actions.get(key)!(A, input)) as Result;
        if (may) {
          expect(result, JSON.stringify(result)).toMatchObject({ ok: true });
          return;
        }
        expect(result).toMatchObject({ ok: false, error: { kind: who === "SIGNED_OUT" ? "unauthenticated" : "forbidden" } });
        expect(await fingerprint(t.runner)).toEqual(before);
      });
    }
  }

  for (const [key, spec] of Object.entries(ROUTES)) {
    if (spec.kind !== "session") continue;
    for (const who of WHO) {
      const may = allowed(who, spec.scope);
      it(`${key} as ${who}: ${may ? "200" : "refused, nothing changes"}`, async () => {
        const args = await spec.call(fixture(who), A);
        as(who);
        const before = await fingerprint(t.runner);
        const res = (await routes.get(key)!(...args)) as Response;
        if (may) {
          expect(res.status, await res.clone().text()).toBe(200);
          return;
        }
        expect(res.status).toBe(who === "SIGNED_OUT" ? 401 : 403);
        expect(await fingerprint(t.runner)).toEqual(before);
      });
    }
  }

  describe("another merchant's entities, named by an admin of B acting on B", () => {
    const foreign = Object.entries(ACTIONS).flatMap(([key, spec]) => (spec.kind === "merchant" && spec.foreign ? [[key, spec.foreign] as const] : []));

    it("covers cases, decisions, policy versions, API keys and jobs", () => {
      const entities = new Set(foreign.map(([, f]) => f.entity));
      for (const e of ["case", "decision", "policy", "apikey", "job"] as const) expect(entities).toContain(e);
    });

    for (const [key, spec] of foreign) {
      it(`${key.split("#")[1]} with A's ${spec.entity}: ${spec.outcome === "noop" ? "touches nothing" : "refused"}, nothing changes`, async () => {
        const input = await spec.input(fixture("OTHER_MERCHANT"));
        as("OTHER_MERCHANT");
        const before = await fingerprint(t.runner);
        const result = (await actions.get(key)!(B, input)) as Result;
        if (spec.outcome === "noop") expect(result).toMatchObject({ ok: true });
        else expect(result).toMatchObject({ ok: false, error: { kind: expect.stringMatching(/^(not_found|conflict)$/) } });
        expect(await fingerprint(t.runner)).toEqual(before);
        expect(JSON.stringify(result)).not.toContain(REASONING_PLAINTEXT);
      });
    }

    it("the case page's data: another merchant's case (and its decision) is not found", async () => {
      const c = await caseWithReasoning(fixture("ADMIN"), A);
      expect(await getCaseDetail(t.prisma, B, c.id)).toBeNull();
      expect(await getCaseDetail(t.prisma, A, c.id)).not.toBeNull();
    });

    it("the intake API: B's key cannot read A's case", async () => {
      const c = await makeCase(t, null, { merchantId: A });
      const keyB = (await createApiKey(t.prisma, B, "B", null)).key;
      const keyA = (await createApiKey(t.prisma, A, "A", null)).key;
      const get = routes.get("GET app/api/v1/refund-requests/[caseId]/route.ts")!;
      const call = (auth: string | null) =>
        get(new Request(`http://console.test/api/v1/refund-requests/${c.id}`, { headers: auth ? { authorization: auth } : {} }), { params: Promise.resolve({ caseId: c.id }) }) as Promise<Response>;
      signInAs(users.ADMIN); // a console session is not an API credential
      expect((await call(null)).status).toBe(401);
      expect((await call(`Bearer ${keyB}`)).status).toBe(404);
      expect((await call(`Bearer ${keyA}`)).status).toBe(200);
    });
  });

  describe("routes outside the session", () => {
    const intake = (headers: Record<string, string>) =>
      routes.get("POST app/api/v1/refund-requests/route.ts")!(
        new Request("http://console.test/api/v1/refund-requests", {
          method: "POST",
          headers: { "content-type": "application/json", "idempotency-key": `k-${Math.random()}`, ...headers },
          body: JSON.stringify({ out_trade_no: `T${Date.now()}`, paid_amount: "10.00", refund_amount: "10.00", currency: "CNY", reason: "broken", customer: { id: "2088" }, merchant_category: "tea" }),
        }),
      ) as Promise<Response>;

    it("the intake API refuses no key, a session instead of a key, a revoked key, and a malformed key; writes only with a live key, for its own merchant", async () => {
      const revoked = await createApiKey(t.prisma, A, "old", null);
      await revokeApiKey(t.prisma, A, revoked.id, null);
      const live = await createApiKey(t.prisma, A, "live", null);
      for (const [who, headers] of [
        ["SIGNED_OUT", {}],
        ["ADMIN", {}],
        ["ADMIN", { authorization: `Bearer ${revoked.key}` }],
        ["ADMIN", { authorization: `Bearer ${live.key.slice(0, -1)}x` }],
        ["ADMIN", { authorization: `Basic ${Buffer.from(`x:${live.key}`).toString("base64")}` }],
      ] as const) {
        as(who);
        const before = await fingerprint(t.runner);
        expect((await intake(headers)).status).toBe(401);
        expect(await fingerprint(t.runner)).toEqual(before);
      }
      signInAs(null);
      const res = await intake({ authorization: `Bearer ${live.key}` });
      expect(res.status).toBe(201);
      const { id } = (await res.json()) as { id: string };
      expect((await t.prisma.case.findUniqueOrThrow({ where: { id } })).merchantId).toBe(A);
    });

    it("Alipay notifications without a valid signature are refused and change nothing", async () => {
      const notify = routes.get("POST app/api/alipay/notify/route.ts")!;
      const before = await fingerprint(t.runner);
      const form = new URLSearchParams({ notify_type: "alipay.merchant.tradecomplain.changed", biz_content: '{"complain_event_id":"X"}', sign: "AAAA", sign_type: "RSA2", app_id: "2021000000000000" });
      const res = (await notify(new Request("http://console.test/api/alipay/notify", { method: "POST", body: form.toString(), headers: { "content-type": "application/x-www-form-urlencoded" } }))) as Response;
      expect(res.status).toBe(400);
      expect(await res.text()).toBe("fail");
      expect(await fingerprint(t.runner)).toEqual(before);
    });

    it("health answers anyone and reads nothing tenant-owned", async () => {
      signInAs(null);
      const before = await fingerprint(t.runner);
      const res = (await routes.get("GET app/api/health/route.ts")!()) as Response;
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ status: "ok" });
      expect(await fingerprint(t.runner)).toEqual(before);
    });
  });
});
