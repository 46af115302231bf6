"use client";

import { useRouter } from "next/navigation";
import { useTransition } from "react";
import { setLocale } from "@/app/actions";
import { Select } from "@/components/ui/input";
import type { Locale } from "@/lib/i18n";

export function LanguageSwitch({ locale, label }: { locale: Locale; label: string }) {
  const router = useRouter();
  const [pending, start] = useTransition();
  return (
    <label className="flex items-center gap-2 text-xs text-muted-foreground">
      {label}
      <Select
        aria-label={label}
        data-testid="language-switch"
        value={locale}
        disabled={pending}
        onChange={(e) => {
          const next = e.target.value;
          start(async () => {
            const result = await setLocale(next);
            if (result.ok) router.refresh();
          });
        }}
        className="h-8"
      >
        <option value="zh-CN">简体中文</option>
        <option value="en">English</option>
      </Select>
    </label>
  );
}
