import { closeDb, db } from "../db";
import { toUserError } from "../errors";
import { purgeReasoningLogs } from "./retention";

// npx tsx lib/audit/purge-cli.ts --merchant <id> --before <ISO date>: deletes reasoning logs of
// decisions made before that date, refused unless it is at least three years ago.
const args = process.argv.slice(2);
const arg = (name: string) => {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : undefined;
};
const merchantId = arg("--merchant");
const before = arg("--before");
if (!merchantId || !before) {
  console.error("Usage: npx tsx lib/audit/purge-cli.ts --merchant <merchantId> --before <YYYY-MM-DD>");
  process.exit(2);
}
try {
  const { purged } = await purgeReasoningLogs(await db(), { merchantId, actorId: null, before: new Date(before) });
  console.log(`Purged the reasoning logs of ${purged} decision(s) made before ${new Date(before).toISOString()} (recorded as reasoning.purged).`);
  await closeDb();
} catch (err) {
  console.error(toUserError(err).kind === "unexpected" ? (err as Error).message : toUserError(err).message);
  await closeDb().catch(() => undefined);
  process.exit(1);
}
