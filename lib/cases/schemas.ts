import { z } from "zod";
import { CaseKind, CaseStatus } from "../generated/prisma/enums";

export const PAGE_SIZE = 50;

export const caseListQuery = z.object({
  status: z.enum(CaseStatus).optional(),
  kind: z.enum(CaseKind).optional(),
  page: z.coerce.number().int().min(1).max(100_000).default(1),
});

export type CaseListQuery = z.infer<typeof caseListQuery>;
