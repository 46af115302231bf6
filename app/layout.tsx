import "@fontsource-variable/inter";
import "@fontsource-variable/noto-sans-sc";
import "./globals.css";
import type { Metadata } from "next";
import { Providers } from "@/components/providers";
import { MESSAGES } from "@/lib/i18n";
import { getLocale } from "@/lib/i18n/server";

export async function generateMetadata(): Promise<Metadata> {
  const locale = await getLocale();
  return { title: MESSAGES[locale].app.name, description: MESSAGES[locale].app.tagline };
}

export default async function RootLayout({ children }: { children: React.ReactNode }) {
  const locale = await getLocale();
  return (
    <html lang={locale}>
      <body className="min-h-screen antialiased">
        <Providers locale={locale}>{children}</Providers>
      </body>
    </html>
  );
}
