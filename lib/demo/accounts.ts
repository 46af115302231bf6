import type { Role } from "../generated/prisma/enums";
import { DEMO_APP_ID, DEMO_AUTHORIZATION } from "../sandbox/config";

export const DEMO_PASSWORD = "demo-password";

export const DEMO_MERCHANTS = [
  // The demo sandbox has one Alipay app. It is the tea house's own; the gadget shop authorized it to
  // act for it (an app_auth_token the sandbox knows), so each merchant's calls see its own trades
  // and complaints only (decision 009).
  { id: "m-teahouse", name: "Hangzhou Tea House", timeZone: "Asia/Shanghai", alipayAppId: DEMO_APP_ID, alipayAppAuthToken: null },
  { id: "m-gadgets", name: "Shenzhen Gadget Co.", timeZone: "Asia/Shanghai", alipayAppId: DEMO_AUTHORIZATION.authAppId, alipayAppAuthToken: DEMO_AUTHORIZATION.token },
] as const;

export type DemoMerchantId = (typeof DEMO_MERCHANTS)[number]["id"];

/** One account per role per merchant, and one agent who works for both. */
export const DEMO_USERS: { email: string; name: string; memberships: { merchantId: DemoMerchantId; role: Role }[] }[] = [
  { email: "agent@teahouse.demo", name: "Li Na", memberships: [{ merchantId: "m-teahouse", role: "AGENT" }] },
  { email: "admin@teahouse.demo", name: "Wang Fang", memberships: [{ merchantId: "m-teahouse", role: "ADMIN" }] },
  { email: "finance@teahouse.demo", name: "Zhang Wei", memberships: [{ merchantId: "m-teahouse", role: "FINANCE" }] },
  { email: "auditor@teahouse.demo", name: "Chen Jing", memberships: [{ merchantId: "m-teahouse", role: "AUDITOR" }] },
  { email: "agent@gadgets.demo", name: "Liu Yang", memberships: [{ merchantId: "m-gadgets", role: "AGENT" }] },
  { email: "admin@gadgets.demo", name: "Huang Min", memberships: [{ merchantId: "m-gadgets", role: "ADMIN" }] },
  { email: "finance@gadgets.demo", name: "Zhao Lei", memberships: [{ merchantId: "m-gadgets", role: "FINANCE" }] },
  { email: "auditor@gadgets.demo", name: "Zhou Xin", memberships: [{ merchantId: "m-gadgets", role: "AUDITOR" }] },
  {
    email: "agent2@demo.demo",
    name: "Sun Hao",
    memberships: [
      { merchantId: "m-teahouse", role: "AGENT" },
      { merchantId: "m-gadgets", role: "AGENT" },
    ],
  },
];
