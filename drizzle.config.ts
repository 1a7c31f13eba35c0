import { defineConfig } from "drizzle-kit";

// `npm run db:generate -- --name <name>` writes a SQL migration from the schema diff; no database needed.
export default defineConfig({
  dialect: "postgresql",
  schema: "./db/schema/index.ts",
  out: "./db/migrations",
});
