CREATE TABLE "mcp_catalog_entries" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"owner_tenant_id" uuid,
	"name" text NOT NULL,
	"title" text NOT NULL,
	"description" text NOT NULL,
	"version" text NOT NULL,
	"category" text DEFAULT 'other' NOT NULL,
	"transport" text,
	"source" text NOT NULL,
	"server_json" jsonb NOT NULL,
	"tool_names" text[] DEFAULT '{}'::text[] NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "mcp_checks" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"installation_id" uuid NOT NULL,
	"catalog_entry_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"status" text NOT NULL,
	"connect_ms" integer,
	"call_ms" integer,
	"report" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "mcp_installations" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"catalog_entry_id" uuid NOT NULL,
	"name" text NOT NULL,
	"config" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"secrets_encrypted" text,
	"secret_keys" text[] DEFAULT '{}'::text[] NOT NULL,
	"enabled" boolean DEFAULT true NOT NULL,
	"status" text DEFAULT 'unknown' NOT NULL,
	"latency_ms" integer,
	"last_error" text,
	"last_checked_at" timestamp with time zone,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "mcp_catalog_entries" ADD CONSTRAINT "mcp_catalog_entries_owner_tenant_id_tenants_id_fk" FOREIGN KEY ("owner_tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mcp_checks" ADD CONSTRAINT "mcp_checks_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mcp_checks" ADD CONSTRAINT "mcp_checks_installation_id_mcp_installations_id_fk" FOREIGN KEY ("installation_id") REFERENCES "public"."mcp_installations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mcp_checks" ADD CONSTRAINT "mcp_checks_catalog_entry_id_mcp_catalog_entries_id_fk" FOREIGN KEY ("catalog_entry_id") REFERENCES "public"."mcp_catalog_entries"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mcp_installations" ADD CONSTRAINT "mcp_installations_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mcp_installations" ADD CONSTRAINT "mcp_installations_catalog_entry_id_mcp_catalog_entries_id_fk" FOREIGN KEY ("catalog_entry_id") REFERENCES "public"."mcp_catalog_entries"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mcp_installations" ADD CONSTRAINT "mcp_installations_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "mcp_catalog_entries_shared_name_key" ON "mcp_catalog_entries" USING btree ("name") WHERE "mcp_catalog_entries"."owner_tenant_id" is null;--> statement-breakpoint
CREATE UNIQUE INDEX "mcp_catalog_entries_owner_name_key" ON "mcp_catalog_entries" USING btree ("owner_tenant_id","name") WHERE "mcp_catalog_entries"."owner_tenant_id" is not null;--> statement-breakpoint
CREATE INDEX "mcp_catalog_entries_category_idx" ON "mcp_catalog_entries" USING btree ("category");--> statement-breakpoint
CREATE INDEX "mcp_checks_installation_idx" ON "mcp_checks" USING btree ("tenant_id","installation_id","created_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "mcp_checks_entry_idx" ON "mcp_checks" USING btree ("tenant_id","catalog_entry_id","created_at" DESC NULLS LAST);--> statement-breakpoint
CREATE UNIQUE INDEX "mcp_installations_tenant_name_key" ON "mcp_installations" USING btree ("tenant_id","name");--> statement-breakpoint
CREATE INDEX "mcp_installations_entry_idx" ON "mcp_installations" USING btree ("catalog_entry_id");--> statement-breakpoint
CREATE INDEX "mcp_installations_enabled_idx" ON "mcp_installations" USING btree ("enabled");