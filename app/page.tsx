import { redirect } from "next/navigation";
import { membershipsOf, requireUser } from "@/lib/auth/session";
import { navFor } from "@/lib/auth/permissions";

export const dynamic = "force-dynamic";

export default async function Home() {
  const user = await requireUser();
  const [first] = await membershipsOf(user.id);
  if (!first) redirect("/no-access");
  redirect(`/m/${first.merchantId}/${navFor(first.role)[0]?.href ?? "cases"}`);
}
