/**
 * The canvas's keyboard shortcuts: one table that the key handler matches and the help dialog
 * lists. `Mod` is ⌘ on macOS and Ctrl elsewhere. Copy, cut and paste go through the browser's own
 * clipboard events, so they work across workflows and tabs.
 */
export const SHORTCUTS = [
  { id: "undo", keys: ["Mod+Z"], label: "Undo" },
  { id: "redo", keys: ["Mod+Shift+Z", "Mod+Y"], label: "Redo" },
  { id: "copy", keys: ["Mod+C"], label: "Copy the selected nodes" },
  { id: "cut", keys: ["Mod+X"], label: "Cut the selected nodes" },
  { id: "paste", keys: ["Mod+V"], label: "Paste nodes (also from another workflow)" },
  { id: "duplicate", keys: ["Mod+D"], label: "Duplicate the selected nodes" },
  { id: "delete", keys: ["Delete", "Backspace"], label: "Delete the selection" },
  { id: "selectAll", keys: ["Mod+A"], label: "Select all" },
  { id: "clearSelection", keys: ["Escape"], label: "Clear the selection" },
  { id: "layout", keys: ["Shift+L"], label: "Auto-layout" },
  { id: "fitView", keys: ["Shift+F"], label: "Fit the workflow in view" },
  { id: "save", keys: ["Mod+S"], label: "Save now" },
  { id: "help", keys: ["?"], label: "Show these shortcuts" },
] as const;

export type ShortcutId = (typeof SHORTCUTS)[number]["id"];
/** Handled by the browser's copy, cut and paste events rather than by key presses. */
const CLIPBOARD: ReadonlySet<ShortcutId> = new Set(["copy", "cut", "paste"]);

const isMac = () => typeof navigator !== "undefined" && /Mac|iPhone|iPad/.test(navigator.platform);

/** How a key combination reads on this platform: `Mod+Shift+Z` → `⌘⇧Z` or `Ctrl+Shift+Z`. */
export function displayKeys(keys: string): string {
  if (!isMac()) return keys.replace("Mod", "Ctrl");
  return keys.replace("Mod+", "⌘").replace("Shift+", "⇧");
}

function matches(event: KeyboardEvent, keys: string): boolean {
  const parts = keys.split("+");
  const key = parts.at(-1)!;
  const mod = parts.includes("Mod");
  const shift = parts.includes("Shift");
  const hasMod = isMac() ? event.metaKey : event.ctrlKey;
  if (hasMod !== mod || event.altKey) return false;
  // "?" is typed with Shift on most layouts: compare the character, not the Shift key.
  if (key.length === 1 && !/[A-Za-z0-9]/.test(key)) return event.key === key;
  if (event.shiftKey !== shift) return false;
  return event.key.toLowerCase() === key.toLowerCase();
}

/** The shortcut a key press means, unless the user is typing in a field. */
export function matchShortcut(event: KeyboardEvent): ShortcutId | null {
  const target = event.target as HTMLElement | null;
  if (
    target &&
    (target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName))
  )
    return null;
  for (const shortcut of SHORTCUTS) {
    if (CLIPBOARD.has(shortcut.id)) continue;
    if (shortcut.keys.some((keys) => matches(event, keys))) return shortcut.id;
  }
  return null;
}
