import { redirect } from "next/navigation";
import { SignInForm } from "@/components/shell/sign-in-form";
import { currentUser } from "@/lib/auth/session";
import { DEMO_PASSWORD, DEMO_USERS } from "@/lib/demo/accounts";
import { loadEnv } from "@/lib/env";
import { getT } from "@/lib/i18n/server";

export const dynamic = "force-dynamic";

export default async function SignInPage() {
  if (await currentUser()) redirect("/");
  const { t } = await getT();
  const demo = loadEnv().embedded;
  return (
    <main className="flex min-h-screen items-center justify-center p-6">
      <div className="w-full max-w-sm space-y-6">
        <div className="space-y-1 text-center">
          <div className="mx-auto mb-3 flex h-10 w-10 items-center justify-center rounded-lg bg-primary text-lg font-bold text-white">支</div>
          <h1 className="text-xl font-semibold">{t("app.name")}</h1>
          <p className="text-sm text-muted-foreground">{t("auth.subtitle")}</p>
        </div>
        <SignInForm />
        {demo && (
          <div className="rounded-lg border border-border bg-card p-3 text-xs text-muted-foreground">
            <p className="mb-2 font-medium text-foreground">{t("auth.demoAccounts", { password: DEMO_PASSWORD })}</p>
            <ul className="grid grid-cols-1 gap-0.5 font-mono">
              {DEMO_USERS.map((u) => (
                <li key={u.email}>{u.email}</li>
              ))}
            </ul>
          </div>
        )}
      </div>
    </main>
  );
}
