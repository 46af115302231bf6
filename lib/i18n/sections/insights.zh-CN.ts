import type { Widen } from "../widen";
import type { insightsEn } from "./insights.en";

export const insightsZhCN: Widen<typeof insightsEn> = {
  title: "风险洞察",
};
