import { existsSync } from "node:fs";
import path from "node:path";
import { defineConfig, devices } from "@playwright/test";

const port = Number(process.env.E2E_PORT ?? 3210);
const baseURL = `http://127.0.0.1:${port}`;
const dataDir = process.env.E2E_DATA_DIR ?? path.join(".data", "e2e");

// e2e runs on its own embedded database only: never against a configured server.
if (process.env.DATABASE_URL) throw new Error("Refusing to run e2e with DATABASE_URL set: e2e uses a fresh embedded database.");

const chromium = "/usr/bin/chromium";

export default defineConfig({
  testDir: "e2e",
  fullyParallel: false,
  workers: 1,
  retries: process.env.CI ? 1 : 0,
  timeout: 60_000,
  expect: { timeout: 15_000 },
  reporter: [["list"]],
  outputDir: "test-results",
  use: {
    baseURL,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    launchOptions: {
      executablePath: existsSync(chromium) ? chromium : undefined,
      args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    },
  },
  projects: [{ name: "chromium", use: { ...devices["Desktop Chrome"], viewport: { width: 1440, height: 900 } } }],
  // E2E_EXISTING_SERVER=1: test a server already running on E2E_PORT (started as below) instead of building one.
  webServer: process.env.E2E_EXISTING_SERVER ? undefined : {
    command: `rm -rf ${dataDir} && npm run build && npm start -- -p ${port} -H 127.0.0.1`,
    url: `${baseURL}/api/ready`,
    timeout: 900_000,
    reuseExistingServer: false,
    stdout: "pipe",
    stderr: "pipe",
    env: {
      DATA_DIR: dataDir,
      NEXTAUTH_URL: baseURL,
      DEMO_TRICKLE: "off",
      NODE_ENV: "production",
    },
  },
});
