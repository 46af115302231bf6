import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { z } from "zod";
import { DEMO_AUTHORIZATION, loadSandboxConfig, parseLatency } from "./config";
import { faultRuleSchema } from "./faults";
import { startSandbox } from "./server";

const USAGE = `npm run sandbox -- [--port N] [--host H] [--latency MIN-MAX] [--rate-limit N] [--rate-window-ms MS] [--seed S]
                      [--drift] [--faults JSON|FILE] [--no-state]`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: "string" },
      host: { type: "string" },
      latency: { type: "string" },
      "rate-limit": { type: "string" },
      "rate-window-ms": { type: "string" },
      seed: { type: "string" },
      drift: { type: "boolean" },
      faults: { type: "string" },
      "no-state": { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const config = loadSandboxConfig();
  const port = values.port !== undefined ? z.coerce.number().int().min(0).max(65535).parse(values.port) : config.port;
  const latencyMs = values.latency !== undefined ? parseLatency(values.latency) : config.latencyMs;
  if (!latencyMs) throw new Error(`--latency must be N or MIN-MAX, got ${values.latency}`);
  const faults = values.faults
    ? z.array(faultRuleSchema).parse(JSON.parse(values.faults.trim().startsWith("[") ? values.faults : readFileSync(values.faults, "utf8")))
    : [];

  const sandbox = await startSandbox({
    port,
    host: values.host,
    appId: config.appId,
    appPublicKey: config.appPublicKey,
    alipayPrivateKey: config.alipayPrivateKey,
    latencyMs,
    rateLimitPerMinute: values["rate-limit"] !== undefined ? z.coerce.number().int().positive().parse(values["rate-limit"]) : config.rateLimitPerMinute,
    rateLimitWindowMs: values["rate-window-ms"] !== undefined ? z.coerce.number().int().positive().parse(values["rate-window-ms"]) : undefined,
    seed: values.seed,
    drift: values.drift ?? false,
    faults,
    stateFile: values["no-state"] ? undefined : config.stateFile,
    // with the demo keys, the demo's second merchant has authorized the app (as `npm run db:seed` records)
    ...(config.demo && { authorizations: { [DEMO_AUTHORIZATION.token]: DEMO_AUTHORIZATION.authAppId } }),
    log: (line) => console.error(line),
  });

  console.log(`Alipay sandbox gateway listening on ${sandbox.url}`);
  console.log(`  app id:             ${config.appId}`);
  if (config.demo) {
    console.log(`  demo keys in        ${config.demo.dir}${config.demo.created ? " (just created)" : ""}`);
    console.log(`  app private key:    ${config.demo.appPrivateKeyPath}   (ALIPAY_APP_PRIVATE_KEY for the client)`);
    console.log(`  alipay public key:  ${config.demo.alipayPublicKeyPath}   (ALIPAY_PUBLIC_KEY for the client)`);
  } else {
    console.log("  keys from SANDBOX_APP_PUBLIC_KEY / SANDBOX_ALIPAY_PRIVATE_KEY");
  }
  console.log(`  latency ${latencyMs[0]}-${latencyMs[1]} ms, rate limit ${sandbox.state().rateLimitPerMinute} per ${sandbox.state().usage.windowMs / 1000} s, state ${values["no-state"] ? "in memory" : config.stateFile}`);
  console.log(`  control API: GET ${sandbox.url}/__sandbox/state, POST /__sandbox/{trades,complaints,faults,drift,latency,rate-limit,reset}`);

  const stop = () => {
    sandbox.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : String(e));
  process.exit(1);
});
