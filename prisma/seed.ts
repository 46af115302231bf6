import { closeDb, db } from "../lib/db";
import { seedDemo } from "../lib/demo/seed";
import { loadEnv } from "../lib/env";
import { secrets } from "../lib/runtime/secrets";

const env = loadEnv();
const started = Date.now();
const summary = await seedDemo(await db(), { reasoningKey: secrets(env).reasoningKeyring });
console.log(
  summary
    ? `Seeded ${summary.cases} cases for ${summary.merchants} merchants (${(summary.reviewShare * 100).toFixed(1)}% routed to review, ${summary.open} open) in ${Date.now() - started} ms.`
    : "The database already has data; nothing seeded.",
);
await closeDb();
