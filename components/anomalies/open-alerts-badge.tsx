/** The count next to "Anomalies" in the sidebar; nothing when there are no open alerts. */
export function OpenAlertsBadge({
  count,
  isCompact = false,
}: {
  count: number | undefined;
  isCompact?: boolean;
}) {
  if (!count) return null;
  const text = count > 99 ? "99+" : String(count);
  return (
    <span
      data-testid="open-alerts-badge"
      aria-label={`${count} open ${count === 1 ? "alert" : "alerts"}`}
      className={
        isCompact
          ? "absolute right-0 top-0 min-w-4 rounded-full bg-danger px-1 text-center text-[10px] leading-4 font-semibold text-white"
          : "ml-auto min-w-5 rounded-full bg-danger px-1.5 text-center text-xs leading-5 font-semibold text-white tabular-nums"
      }
    >
      {text}
    </span>
  );
}
