// What other features use from components/auth/: its public surface. The rest of the
// folder is its own; the layer lint (scripts/eslint-layers.mjs) lets other features import only this.

export { ChangePasswordDialog, SignOutEverywhereDialog } from "./session-dialogs";
