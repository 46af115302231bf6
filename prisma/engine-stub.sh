#!/bin/sh
# Prisma's CLI insists that a schema engine binary exists before `generate`; generate never runs it.
# Migrations are applied by lib/db/migrate.ts with the wasm engine, so nothing else needs the binary.
if [ "$1" = "--version" ]; then echo "schema-engine-stub 7.10.0"; exit 0; fi
echo "The native Prisma schema engine is not used here: run 'npm run db:migrate' instead." >&2
exit 1
