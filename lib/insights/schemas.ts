import { z } from "zod";
import { WINDOW_DAYS } from "./series";

/** Client-safe: the insights page's filters, as they travel in the URL. Empty means "all". */
export const insightsFilters = z
  .object({
    days: z.enum(WINDOW_DAYS.map(String) as [string, ...string[]]).default("14"),
    category: z.string().trim().max(64).default(""),
    model: z.string().trim().max(64).default(""),
    cross: z.enum(["", "yes", "no"]).default(""),
    band: z.enum(["", "0", "1", "2", "3"]).default(""),
  })
  .strict();

export type InsightsFilterInput = z.input<typeof insightsFilters>;

export interface Filters {
  category?: string;
  modelVersion?: string;
  crossBorder?: boolean;
  amountBand?: number;
}

export function toFilters(f: z.output<typeof insightsFilters>): { days: (typeof WINDOW_DAYS)[number]; filters: Filters } {
  return {
    days: Number(f.days) as (typeof WINDOW_DAYS)[number],
    filters: {
      ...(f.category && { category: f.category }),
      ...(f.model && { modelVersion: f.model }),
      ...(f.cross && { crossBorder: f.cross === "yes" }),
      ...(f.band && { amountBand: Number(f.band) }),
    },
  };
}

export const acknowledgeInput = z.object({ alertId: z.string().min(1).max(64) }).strict();
