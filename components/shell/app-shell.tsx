import { BarChart3, ClipboardList, Coins, FileText, Gavel, Inbox, KeyRound, SlidersHorizontal } from "lucide-react";
import { getT } from "@/lib/i18n/server";
import type { NavKey } from "@/lib/auth/permissions";
import type { Role } from "@/lib/generated/prisma/enums";
import { LanguageSwitch } from "./language-switch";
import { MerchantSwitch } from "./merchant-switch";
import { NavLink } from "./nav-link";
import { SignOutButton } from "./sign-out-button";

const ICONS: Record<NavKey, React.ComponentType<{ className?: string }>> = {
  review: Inbox,
  cases: ClipboardList,
  disputes: Gavel,
  thresholds: SlidersHorizontal,
  insights: BarChart3,
  costs: Coins,
  audit: FileText,
  apiKeys: KeyRound,
};

export async function AppShell({
  user,
  role,
  merchant,
  merchants,
  nav,
  children,
}: {
  user: { name: string; email: string };
  role: Role;
  merchant: { id: string; name: string };
  merchants: { id: string; name: string; role: Role }[];
  nav: { key: NavKey; href: string }[];
  children: React.ReactNode;
}) {
  const { t, locale } = await getT();
  return (
    <div className="flex min-h-screen">
      <aside className="sticky top-0 flex h-screen w-56 shrink-0 flex-col border-r border-border bg-card">
        <div className="flex items-center gap-2 px-4 py-4">
          <div className="flex h-7 w-7 items-center justify-center rounded-md bg-primary text-sm font-bold text-white">支</div>
          <span className="text-sm font-semibold leading-tight">{t("app.name")}</span>
        </div>
        <nav aria-label="Main" className="flex-1 space-y-0.5 px-2" data-testid="main-nav">
          {nav.map((item) => {
            const Icon = ICONS[item.key];
            return (
              <NavLink key={item.key} href={item.href} testId={`nav-${item.key}`}>
                <Icon className="h-4 w-4" />
                {t(`nav.${item.key}`)}
              </NavLink>
            );
          })}
        </nav>
        <div className="border-t border-border p-3 text-xs">
          <div className="font-medium text-foreground" data-testid="user-name">
            {user.name}
          </div>
          <div className="truncate text-muted-foreground">{user.email}</div>
          <div className="mt-1 text-muted-foreground" data-testid="user-role">
            {t(`roles.${role}`)}
          </div>
          <SignOutButton label={t("nav.signOut")} />
        </div>
      </aside>
      <div className="flex min-w-0 flex-1 flex-col">
        <header className="flex h-12 items-center justify-between gap-4 border-b border-border bg-card px-6">
          <MerchantSwitch current={merchant.id} merchants={merchants} label={t("nav.merchant")} />
          <LanguageSwitch locale={locale} label={t("nav.language")} />
        </header>
        <main className="min-w-0 flex-1 px-6 py-5">{children}</main>
      </div>
    </div>
  );
}
