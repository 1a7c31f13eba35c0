import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { decryptSecret, encryptSecret, SecretDecryptError } from "./secrets";

describe("secrets at rest", () => {
  const key = randomBytes(32);

  it("round-trips, with a fresh nonce each time and the key version in front", () => {
    const a = encryptSecret("ghp_secret", key);
    const b = encryptSecret("ghp_secret", key);
    expect(a).not.toBe(b);
    expect(a.startsWith("v1.")).toBe(true);
    expect(a).not.toContain("ghp_secret");
    expect(decryptSecret(a, key)).toBe("ghp_secret");
  });

  it("refuses a value altered or encrypted under another key", () => {
    const stored = encryptSecret("token", key);
    const parts = stored.split(".");
    parts[2] = Buffer.from("tampered").toString("base64url");
    expect(() => decryptSecret(parts.join("."), key)).toThrow(SecretDecryptError);
    expect(() => decryptSecret(stored, randomBytes(32))).toThrow(/app key/);
    expect(() => decryptSecret("v0.x", key)).toThrow(/Unknown secret format/);
  });
});

describe("secrets after a key rotation", () => {
  const previous = randomBytes(32);
  const current = randomBytes(32);

  it("reads values under the previous key as well as under the current one", () => {
    const old = encryptSecret("sk-old", previous);
    const fresh = encryptSecret("sk-new", current);
    expect(decryptSecret(old, [current, previous])).toBe("sk-old");
    expect(decryptSecret(fresh, [current, previous])).toBe("sk-new");
  });

  it("still refuses a value under neither key", () => {
    const other = encryptSecret("sk-other", randomBytes(32));
    expect(() => decryptSecret(other, [current, previous])).toThrow(SecretDecryptError);
    expect(() => decryptSecret(encryptSecret("sk-old", previous), current)).toThrow(
      /APP_SECRET_KEY_PREVIOUS/,
    );
  });
});
