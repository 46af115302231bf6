"use client";

import { usePathname, useRouter } from "next/navigation";
import { useState } from "react";
import { useI18n } from "@/components/providers";
import { Button } from "@/components/ui/button";
import { Input, Label, Select } from "@/components/ui/input";
import { addDays, GRANULARITIES, type Granularity } from "@/lib/costs/range";

/** The range lives in the URL, so a view can be linked, reloaded and exported as it is. */
export function RangeForm({ from, to, granularity, today }: { from: string; to: string; granularity: Granularity; today: string }) {
  const { t } = useI18n();
  const router = useRouter();
  const path = usePathname();
  const [f, setF] = useState(from);
  const [tt, setT] = useState(to);
  const [g, setG] = useState(granularity);
  const go = (next: { from: string; to: string; granularity: Granularity }) => router.push(`${path}?${new URLSearchParams(next).toString()}`);
  return (
    <form
      className="flex flex-wrap items-end gap-2"
      data-testid="range-form"
      onSubmit={(e) => {
        e.preventDefault();
        go({ from: f, to: tt, granularity: g });
      }}
    >
      <div>
        <Label htmlFor="costs-from">{t("costs.range.from")}</Label>
        <Input id="costs-from" type="date" value={f} max={tt} onChange={(e) => setF(e.target.value)} data-testid="range-from" className="w-40" />
      </div>
      <div>
        <Label htmlFor="costs-to">{t("costs.range.to")}</Label>
        <Input id="costs-to" type="date" value={tt} min={f} onChange={(e) => setT(e.target.value)} data-testid="range-to" className="w-40" />
      </div>
      <div>
        <Label htmlFor="costs-g">{t("costs.range.granularity")}</Label>
        <Select id="costs-g" value={g} onChange={(e) => setG(e.target.value as Granularity)} data-testid="range-granularity">
          {GRANULARITIES.map((x) => (
            <option key={x} value={x}>
              {t(`costs.range.${x}`)}
            </option>
          ))}
        </Select>
      </div>
      <Button type="submit" data-testid="range-apply">
        {t("costs.range.apply")}
      </Button>
      {([7, 30, 90] as const).map((n) => (
        <Button key={n} type="button" variant="ghost" size="sm" data-testid={`range-last${n}`} onClick={() => go({ from: addDays(today, 1 - n), to: today, granularity: g })}>
          {t(`costs.range.last${n}`)}
        </Button>
      ))}
    </form>
  );
}
