"use client";

import { usePathname, useRouter } from "next/navigation";
import { Select } from "@/components/ui/input";

export function MerchantSwitch({ current, merchants, label }: { current: string; merchants: { id: string; name: string }[]; label: string }) {
  const router = useRouter();
  const pathname = usePathname();
  if (merchants.length < 2) {
    return <div className="text-sm font-medium" data-testid="merchant-name">{merchants.find((m) => m.id === current)?.name}</div>;
  }
  return (
    <label className="flex items-center gap-2 text-xs text-muted-foreground">
      {label}
      <Select
        aria-label={label}
        data-testid="merchant-switch"
        value={current}
        onChange={(e) => {
          const section = pathname.split("/")[3] ?? "";
          router.push(`/m/${e.target.value}/${section}`);
        }}
        className="h-8 font-medium text-foreground"
      >
        {merchants.map((m) => (
          <option key={m.id} value={m.id}>
            {m.name}
          </option>
        ))}
      </Select>
    </label>
  );
}
