import { createPrivateKey, createPublicKey, generateKeyPairSync } from "node:crypto";
import { readFileSync } from "node:fs";

const PEM_RE = /-----BEGIN [A-Z0-9 ]+-----[\s\S]+?-----END [A-Z0-9 ]+-----/;
const BARE_BASE64_RE = /^[A-Za-z0-9+/=\s]+$/;

/**
 * Returns PEM text from PEM text, a file path, or the bare base64 body the Alipay console hands out.
 * Errors never include the key material.
 */
export function loadPem(textOrPath: string): string {
  // env files often carry PEMs on one line with literal "\n"
  const text = textOrPath.includes("\\n") ? textOrPath.replace(/\\n/g, "\n") : textOrPath;
  const inline = PEM_RE.exec(text);
  if (inline) return `${inline[0].trim()}\n`;

  const trimmed = text.trim();
  if (trimmed.length > 200 && BARE_BASE64_RE.test(trimmed)) return wrapBareKey(trimmed);

  let fileText: string;
  try {
    fileText = readFileSync(trimmed, "utf8");
  } catch {
    throw new Error(`key is neither PEM text nor a readable file (${describe(trimmed)})`);
  }
  const fromFile = PEM_RE.exec(fileText);
  if (fromFile) return `${fromFile[0].trim()}\n`;
  const body = fileText.trim();
  if (BARE_BASE64_RE.test(body) && body.length > 200) return wrapBareKey(body);
  throw new Error(`key file does not contain a PEM key (${describe(trimmed)})`);
}

/** RSA-2048; PKCS#1 private key so alipay-sdk's default `keyType` accepts it unchanged. */
export function generateRsaKeyPair(): { privateKey: string; publicKey: string } {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", {
    modulusLength: 2048,
    publicKeyEncoding: { type: "spki", format: "pem" },
    privateKeyEncoding: { type: "pkcs1", format: "pem" },
  });
  return { privateKey, publicKey };
}

function wrapBareKey(base64: string): string {
  const der = Buffer.from(base64.replace(/\s+/g, ""), "base64");
  const attempts: Array<() => string> = [
    () => createPrivateKey({ key: der, format: "der", type: "pkcs8" }).export({ type: "pkcs8", format: "pem" }).toString(),
    () => createPrivateKey({ key: der, format: "der", type: "pkcs1" }).export({ type: "pkcs1", format: "pem" }).toString(),
    () => createPublicKey({ key: der, format: "der", type: "spki" }).export({ type: "spki", format: "pem" }).toString(),
    () => createPublicKey({ key: der, format: "der", type: "pkcs1" }).export({ type: "spki", format: "pem" }).toString(),
  ];
  for (const attempt of attempts) {
    try {
      return attempt();
    } catch {
      // try the next encoding
    }
  }
  throw new Error("key is base64 but not an RSA key in any known encoding");
}

/** Names a path without echoing what may be key material. */
function describe(value: string): string {
  return value.length < 200 && !value.includes("\n") ? `path ${JSON.stringify(value)}` : `${value.length} characters`;
}
