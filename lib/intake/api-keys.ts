import "server-only";
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { recordAudit } from "../audit/record";
import { notFound } from "../errors";
import { Prisma, type PrismaClient } from "../generated/prisma/client";

const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const KEY_FORMAT = /^sk_live_([A-Za-z0-9]{8})_([A-Za-z0-9]{32})$/;
const BEARER = /^Bearer\s+(\S+)\s*$/i;

/** Uniform base62: bytes at or above 248 (4 × 62) are dropped rather than folded, which would bias. */
export function randomBase62(length: number): string {
  let out = "";
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte < 248 && out.length < length) out += BASE62[byte % 62];
    }
  }
  return out;
}

// The secret carries 190 bits of entropy, so a plain sha256 is enough: no salt or slow hash needed.
function hashKey(key: string): string {
  return createHash("sha256").update(key).digest("hex");
}

export interface ApiKeyView {
  id: string;
  name: string;
  prefix: string;
  createdAt: Date;
  revokedAt: Date | null;
}

const VIEW = { id: true, name: true, prefix: true, createdAt: true, revokedAt: true } as const;

/** Creates a key and returns it in plain text: the only time it exists outside the caller's hands. */
export async function createApiKey(prisma: PrismaClient, merchantId: string, name: string, actorId: string | null) {
  for (let attempt = 0; ; attempt++) {
    const prefix = randomBase62(8);
    const key = `sk_live_${prefix}_${randomBase62(32)}`;
    try {
      const row = await prisma.$transaction(async (tx) => {
        const created = await tx.apiKey.create({ data: { merchantId, name, prefix, hash: hashKey(key) }, select: VIEW });
        await recordAudit(tx, {
          merchantId,
          actorId,
          action: "apikey.created",
          targetType: "apikey",
          targetId: created.id,
          after: { name, prefix },
        });
        return created;
      });
      return { ...row, key };
    } catch (err) {
      // A prefix collision (one in 2^47) just draws again.
      if (attempt < 2 && err instanceof Prisma.PrismaClientKnownRequestError && err.code === "P2002") continue;
      throw err;
    }
  }
}

/** Revokes a key of this merchant. Revoking twice is harmless and audited once. */
export async function revokeApiKey(prisma: PrismaClient, merchantId: string, keyId: string, actorId: string | null): Promise<ApiKeyView> {
  return prisma.$transaction(async (tx) => {
    const key = await tx.apiKey.findFirst({ where: { id: keyId, merchantId }, select: VIEW });
    if (!key) throw notFound("There is no such API key.");
    if (key.revokedAt) return key;
    const revokedAt = new Date();
    const { count } = await tx.apiKey.updateMany({ where: { id: keyId, merchantId, revokedAt: null }, data: { revokedAt } });
    if (count === 0) return (await tx.apiKey.findFirstOrThrow({ where: { id: keyId, merchantId }, select: VIEW }));
    await recordAudit(tx, {
      merchantId,
      actorId,
      action: "apikey.revoked",
      targetType: "apikey",
      targetId: keyId,
      before: { name: key.name, prefix: key.prefix, revokedAt: null },
      after: { name: key.name, prefix: key.prefix, revokedAt: revokedAt.toISOString() },
    });
    return { ...key, revokedAt };
  });
}

export async function listApiKeys(prisma: PrismaClient, merchantId: string): Promise<ApiKeyView[]> {
  return prisma.apiKey.findMany({ where: { merchantId }, orderBy: [{ createdAt: "desc" }, { id: "desc" }], select: VIEW });
}

/** The merchant an `Authorization: Bearer <key>` header speaks for, or null for a missing, unknown or revoked key. */
export async function authenticateApiKey(prisma: PrismaClient, header: string | null | undefined): Promise<string | null> {
  const key = header?.match(BEARER)?.[1];
  const prefix = key?.match(KEY_FORMAT)?.[1];
  if (!key || !prefix) return null;
  const row = await prisma.apiKey.findUnique({ where: { prefix }, select: { merchantId: true, hash: true, revokedAt: true } });
  if (!row) return null;
  const expected = Buffer.from(row.hash, "hex");
  const given = Buffer.from(hashKey(key), "hex");
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
  return row.revokedAt ? null : row.merchantId;
}
