import type { Widen } from "../widen";
import type { costsEn } from "./costs.en";

export const costsZhCN: Widen<typeof costsEn> = {
  title: "成本",
};
