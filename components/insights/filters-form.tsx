import { Button } from "@/components/ui/button";
import { Label, Select } from "@/components/ui/input";
import type { Translate } from "@/lib/i18n";
import { WINDOW_DAYS } from "@/lib/insights/series";

export interface FilterValues {
  days: string;
  category: string;
  model: string;
  cross: string;
  band: string;
}

/** A plain GET form: the filters live in the URL, so a view can be shared and reloaded. */
export function FiltersForm({ values, options, t }: { values: FilterValues; options: { categories: string[]; modelVersions: string[] }; t: Translate }) {
  const field = "flex flex-col gap-1 text-xs";
  return (
    <form method="get" className="flex flex-wrap items-end gap-3" data-testid="insights-filters">
      <div className={field}>
        <Label htmlFor="f-days">{t("insights.filters.window")}</Label>
        <Select id="f-days" name="days" defaultValue={values.days}>
          {WINDOW_DAYS.map((d) => (
            <option key={d} value={String(d)}>
              {t("insights.filters.lastDays", { days: d })}
            </option>
          ))}
        </Select>
      </div>
      <div className={field}>
        <Label htmlFor="f-category">{t("insights.filters.category")}</Label>
        <Select id="f-category" name="category" defaultValue={values.category}>
          <option value="">{t("insights.filters.all")}</option>
          {options.categories.map((c) => (
            <option key={c} value={c}>
              {c}
            </option>
          ))}
        </Select>
      </div>
      <div className={field}>
        <Label htmlFor="f-model">{t("insights.filters.model")}</Label>
        <Select id="f-model" name="model" defaultValue={values.model}>
          <option value="">{t("insights.filters.all")}</option>
          {options.modelVersions.map((m) => (
            <option key={m} value={m}>
              {m}
            </option>
          ))}
        </Select>
      </div>
      <div className={field}>
        <Label htmlFor="f-cross">{t("insights.filters.crossBorder")}</Label>
        <Select id="f-cross" name="cross" defaultValue={values.cross}>
          <option value="">{t("insights.filters.all")}</option>
          <option value="yes">{t("insights.filters.yes")}</option>
          <option value="no">{t("insights.filters.no")}</option>
        </Select>
      </div>
      <div className={field}>
        <Label htmlFor="f-band">{t("insights.filters.band")}</Label>
        <Select id="f-band" name="band" defaultValue={values.band}>
          <option value="">{t("insights.filters.all")}</option>
          {(["0", "1", "2", "3"] as const).map((b) => (
            <option key={b} value={b}>
              {t(`insights.bands.b${b}`)}
            </option>
          ))}
        </Select>
      </div>
      <Button type="submit" size="sm" data-testid="apply-filters">
        {t("insights.filters.apply")}
      </Button>
    </form>
  );
}
