DROP INDEX "mcp_catalog_entries_search_idx";--> statement-breakpoint
ALTER TABLE "mcp_catalog_entries" ADD COLUMN "install_count" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "mcp_catalog_entries" ADD COLUMN "search_vector" "tsvector" GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, search_text)) STORED;--> statement-breakpoint
CREATE INDEX "mcp_catalog_entries_popularity_idx" ON "mcp_catalog_entries" USING btree ("install_count" DESC NULLS LAST,"title","id");--> statement-breakpoint
CREATE INDEX "mcp_catalog_entries_title_idx" ON "mcp_catalog_entries" USING btree ("title","id");--> statement-breakpoint
CREATE INDEX "mcp_catalog_entries_search_idx" ON "mcp_catalog_entries" USING gin ("search_vector");--> statement-breakpoint
UPDATE "mcp_catalog_entries" e SET "install_count" = (SELECT count(*)::int FROM "mcp_installations" i WHERE i."catalog_entry_id" = e."id");--> statement-breakpoint
CREATE FUNCTION "mcp_catalog_count_installations"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    UPDATE "mcp_catalog_entries" SET "install_count" = "install_count" + 1 WHERE "id" = NEW."catalog_entry_id";
  ELSIF TG_OP = 'DELETE' THEN
    UPDATE "mcp_catalog_entries" SET "install_count" = greatest("install_count" - 1, 0) WHERE "id" = OLD."catalog_entry_id";
  END IF;
  RETURN NULL;
END
$$;--> statement-breakpoint
CREATE TRIGGER "mcp_installations_count" AFTER INSERT OR DELETE ON "mcp_installations" FOR EACH ROW EXECUTE FUNCTION "mcp_catalog_count_installations"();
