ALTER TABLE "workflow_triggers" ADD COLUMN "created_by_token_id" uuid;--> statement-breakpoint
ALTER TABLE "workflow_triggers" ADD COLUMN "last_error" text;--> statement-breakpoint
ALTER TABLE "workflow_triggers" ADD COLUMN "last_error_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "workflow_triggers" ADD CONSTRAINT "workflow_triggers_created_by_token_id_api_tokens_id_fk" FOREIGN KEY ("created_by_token_id") REFERENCES "public"."api_tokens"("id") ON DELETE cascade ON UPDATE no action;