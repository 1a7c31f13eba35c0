/**
 * `npm run secrets:rotate`: re-encrypts every stored secret under APP_SECRET_KEY, reading the old
 * values with APP_SECRET_KEY_PREVIOUS, in one transaction. See SECURITY.md, "Key rotation".
 * On the embedded database, stop the app first: only one process may open the PGlite folder.
 */
import { getDatabase } from "@/server/db";
import { getEnv } from "@/server/env";
import { getSecretKeys, rotateStoredSecrets } from "@/server/secrets";

async function main() {
  const env = getEnv();
  if (!env.appSecretKeyPrevious) {
    console.log(
      "APP_SECRET_KEY_PREVIOUS is not set: checking that every stored secret decrypts under the current key.\n" +
        "To rotate: set APP_SECRET_KEY to the new key and APP_SECRET_KEY_PREVIOUS to the old one, then run this again.",
    );
  }
  const keys = getSecretKeys();
  if (keys.previous?.equals(keys.current)) {
    console.error(
      "APP_SECRET_KEY_PREVIOUS is the same key as APP_SECRET_KEY: set APP_SECRET_KEY to the new key.",
    );
    process.exit(1);
  }
  const database = await getDatabase();
  try {
    const counts = await rotateStoredSecrets(database.db, keys);
    for (const count of counts) {
      console.log(
        `${count.column}: ${count.reencrypted} re-encrypted, ${count.alreadyCurrent} already under the current key`,
      );
    }
    const total = counts.reduce((sum, c) => sum + c.reencrypted, 0);
    console.log(
      total > 0 || env.appSecretKeyPrevious
        ? `Done: ${total} secret(s) re-encrypted. You can now remove APP_SECRET_KEY_PREVIOUS and restart the app.`
        : "Done: every stored secret is under the current key.",
    );
  } finally {
    await database.close();
  }
}

main().catch((error: unknown) => {
  console.error(`Key rotation failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
