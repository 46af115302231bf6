import { BudgetAlertBanner } from "@/components/costs/budget-alert-banner";
import { DriftAlertBanner } from "@/components/insights/drift-alert-banner";
import { AppShell } from "@/components/shell/app-shell";
import { NotAllowed } from "@/components/shell/not-allowed";
import { membershipsOf, pageAccess } from "@/lib/auth/session";
import { navFor } from "@/lib/auth/permissions";

export const dynamic = "force-dynamic";

export default async function MerchantLayout({ children, params }: LayoutProps<"/m/[merchantId]">) {
  const { merchantId } = await params;
  const access = await pageAccess(merchantId);
  if ("denied" in access) {
    return (
      <main className="p-6">
        <NotAllowed reason={access.denied} />
      </main>
    );
  }
  const memberships = await membershipsOf(access.user.id);
  return (
    <AppShell
      user={{ name: access.user.name, email: access.user.email }}
      role={access.role}
      merchant={access.merchant}
      merchants={memberships.map((m) => ({ id: m.merchantId, name: m.merchantName, role: m.role }))}
      nav={navFor(access.role).map((n) => ({ key: n.key, href: `/m/${merchantId}/${n.href}` }))}
    >
      <DriftAlertBanner merchantId={merchantId} role={access.role} />
      <BudgetAlertBanner merchantId={merchantId} role={access.role} />
      {children}
    </AppShell>
  );
}
