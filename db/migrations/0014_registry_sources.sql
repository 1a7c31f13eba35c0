CREATE TABLE "mcp_registry_sources" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"url" text NOT NULL,
	"last_full_sync_at" timestamp with time zone,
	"watermark" timestamp with time zone,
	"last_sync_at" timestamp with time zone,
	"last_status" text,
	"last_error" text,
	"last_result" jsonb,
	"entry_count" integer DEFAULT 0 NOT NULL,
	"leased_by" text,
	"leased_until" timestamp with time zone,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "mcp_catalog_entries" ADD COLUMN "registry_source_id" uuid;--> statement-breakpoint
ALTER TABLE "mcp_catalog_entries" ADD COLUMN "registry_status" text;--> statement-breakpoint
ALTER TABLE "mcp_catalog_entries" ADD COLUMN "registry_updated_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "mcp_catalog_entries" ADD COLUMN "search_text" text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE "mcp_registry_sources" ADD CONSTRAINT "mcp_registry_sources_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mcp_registry_sources" ADD CONSTRAINT "mcp_registry_sources_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "mcp_registry_sources_tenant_url_key" ON "mcp_registry_sources" USING btree ("tenant_id","url");--> statement-breakpoint
ALTER TABLE "mcp_catalog_entries" ADD CONSTRAINT "mcp_catalog_entries_registry_source_id_mcp_registry_sources_id_fk" FOREIGN KEY ("registry_source_id") REFERENCES "public"."mcp_registry_sources"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "mcp_catalog_entries_search_idx" ON "mcp_catalog_entries" USING gin (to_tsvector('simple'::regconfig, "search_text"));--> statement-breakpoint
CREATE INDEX "mcp_catalog_entries_source_idx" ON "mcp_catalog_entries" USING btree ("registry_source_id");--> statement-breakpoint
UPDATE "mcp_catalog_entries" SET "search_text" = trim(lower(regexp_replace("name" || ' ' || "title" || ' ' || "description" || ' ' || array_to_string("tool_names", ' '), '[^[:alnum:]]+', ' ', 'g')));
