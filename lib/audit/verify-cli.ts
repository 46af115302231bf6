import { closeDb, db } from "../db";
import { verifyReport } from "./verify";

// npm run audit:verify [-- --merchant <id>]: walks every merchant's chain; exit 1 names the first break.
verifyReport(await db(), process.argv.slice(2), (line) => console.log(line))
  .then(async (code) => {
    await closeDb();
    process.exit(code);
  })
  .catch(async (err: Error) => {
    console.error(err.message);
    await closeDb().catch(() => undefined);
    process.exit(2);
  });
