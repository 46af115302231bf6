"use client";

import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { createContext, useContext, useMemo, useState } from "react";
import { translator, type Locale, type Translate } from "@/lib/i18n";

const I18nContext = createContext<{ locale: Locale; t: Translate } | null>(null);

export function Providers({ locale, children }: { locale: Locale; children: React.ReactNode }) {
  const [queryClient] = useState(() => new QueryClient({ defaultOptions: { queries: { staleTime: 5_000, retry: 1 } } }));
  const i18n = useMemo(() => ({ locale, t: translator(locale) }), [locale]);
  return (
    <QueryClientProvider client={queryClient}>
      <I18nContext.Provider value={i18n}>{children}</I18nContext.Provider>
    </QueryClientProvider>
  );
}

export function useI18n() {
  const value = useContext(I18nContext);
  if (!value) throw new Error("useI18n outside Providers");
  return value;
}
