import { createHash } from "node:crypto";

/** 32-bit seed from any strings: the same content always yields the same stream. */
export function hashSeed(...parts: Array<string | number | boolean | undefined | null>): number {
  const digest = createHash("sha256").update(parts.map((p) => String(p ?? "")).join("\u0000")).digest();
  return digest.readUInt32BE(0);
}

/** mulberry32: tiny, fast, good enough for a simulator, and reproducible across runs. */
export function createRng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Approximately standard normal from a uniform source (sum of 4 uniforms, variance-scaled). */
export function gaussian(rng: () => number): number {
  return (rng() + rng() + rng() + rng() - 2) * Math.sqrt(3);
}

export function pick<T>(rng: () => number, items: readonly T[]): T {
  const item = items[Math.floor(rng() * items.length)];
  if (item === undefined) throw new RangeError("pick from an empty list");
  return item;
}
