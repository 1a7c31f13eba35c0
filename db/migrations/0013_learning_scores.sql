ALTER TABLE "experiments" ADD COLUMN "success_measure" jsonb;--> statement-breakpoint
ALTER TABLE "run_outcomes" ADD COLUMN "score" double precision;--> statement-breakpoint
ALTER TABLE "run_outcomes" ADD COLUMN "source" text DEFAULT 'run' NOT NULL;