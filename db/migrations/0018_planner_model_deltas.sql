CREATE TABLE "planner_model_deltas" (
	"tenant_id" uuid PRIMARY KEY NOT NULL,
	"pattern_delta" jsonb NOT NULL,
	"corrections" integer DEFAULT 0 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "planner_model_deltas" ADD CONSTRAINT "planner_model_deltas_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;