"use client";

/** Placeholder: filled in by the schedules work of issue 15. */
export function SchedulesTab({ workflowId }: { workflowId: string }) {
  void workflowId;
  return null;
}
