import type { Widen } from "../widen";
import type { auditEn } from "./audit.en";

export const auditZhCN: Widen<typeof auditEn> = {
  title: "审计日志",
};
