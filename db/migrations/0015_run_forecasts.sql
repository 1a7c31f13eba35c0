ALTER TABLE "learning_state" ADD COLUMN "forecast_tuning" jsonb;--> statement-breakpoint
ALTER TABLE "run_outcomes" ADD COLUMN "prediction" jsonb;--> statement-breakpoint
CREATE INDEX "run_outcomes_tenant_workflow_created_idx" ON "run_outcomes" USING btree ("tenant_id","workflow_id","created_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "run_outcomes_tenant_class_created_idx" ON "run_outcomes" USING btree ("tenant_id","task_class","created_at" DESC NULLS LAST);