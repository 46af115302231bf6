import path from "node:path";
import { defineConfig } from "prisma/config";

// Offline machines cannot download Prisma's native engine; `generate` only needs one to exist.
process.env.PRISMA_SCHEMA_ENGINE_BINARY ??= path.join(process.cwd(), "prisma", "engine-stub.sh");

export default defineConfig({
  schema: path.join("prisma", "schema.prisma"),
  migrations: { path: path.join("prisma", "migrations") },
});
