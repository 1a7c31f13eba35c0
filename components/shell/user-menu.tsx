"use client";

import * as Menu from "@radix-ui/react-dropdown-menu";
import { KeyRound, LogOut, Monitor, Moon, MonitorX, Sun } from "lucide-react";
import { signOut } from "next-auth/react";
import { useTheme } from "next-themes";
import { useState } from "react";
import { ChangePasswordDialog, SignOutEverywhereDialog } from "@/components/auth";

const THEMES = [
  { value: "light", label: "Light", icon: Sun },
  { value: "dark", label: "Dark", icon: Moon },
  { value: "system", label: "System", icon: Monitor },
] as const;

const itemClass =
  "flex cursor-pointer items-center gap-2 rounded-md px-2 py-1.5 text-sm outline-none data-[highlighted]:bg-muted";

function initials(name: string) {
  return name
    .split(/\s+/)
    .slice(0, 2)
    .map((part) => part[0]?.toUpperCase() ?? "")
    .join("");
}

export function UserMenu({
  user,
}: {
  user: { name: string; email: string; isSuperadmin: boolean };
}) {
  const { theme, setTheme } = useTheme();
  const [dialog, setDialog] = useState<"password" | "everywhere" | null>(null);
  const dialogProps = (name: "password" | "everywhere") => ({
    open: dialog === name,
    onOpenChange: (open: boolean) => setDialog(open ? name : null),
  });
  return (
    <>
      {/* Not modal: a dialog opened from an item takes the focus instead of the menu's trigger. */}
      <Menu.Root modal={false}>
        <Menu.Trigger
          aria-label="User menu"
          className="flex size-9 items-center justify-center rounded-full bg-primary text-sm font-semibold text-primary-foreground focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-ring"
        >
          {initials(user.name)}
        </Menu.Trigger>
        <Menu.Portal>
          <Menu.Content
            align="end"
            sideOffset={6}
            className="z-50 w-64 rounded-lg border bg-card p-1 shadow-lg"
          >
            <div className="px-2 py-2">
              <p className="truncate text-sm font-medium">{user.name}</p>
              <p className="truncate text-xs text-muted-foreground">{user.email}</p>
              {user.isSuperadmin ? (
                <span className="mt-1 inline-block rounded bg-primary/10 px-1.5 py-0.5 text-xs font-medium text-primary">
                  Platform superadmin
                </span>
              ) : null}
            </div>
            <Menu.Separator className="my-1 h-px bg-border" />
            <Menu.Label className="px-2 py-1 text-xs text-muted-foreground">Theme</Menu.Label>
            <Menu.RadioGroup value={theme ?? "system"} onValueChange={setTheme}>
              {THEMES.map(({ value, label, icon: Icon }) => (
                <Menu.RadioItem key={value} value={value} className={itemClass}>
                  <Icon className="size-4" aria-hidden />
                  <span className="flex-1">{label}</span>
                  <Menu.ItemIndicator className="text-xs text-primary">●</Menu.ItemIndicator>
                </Menu.RadioItem>
              ))}
            </Menu.RadioGroup>
            <Menu.Separator className="my-1 h-px bg-border" />
            <Menu.Item className={itemClass} onSelect={() => setDialog("password")}>
              <KeyRound className="size-4" aria-hidden />
              Change password…
            </Menu.Item>
            <Menu.Item className={itemClass} onSelect={() => setDialog("everywhere")}>
              <MonitorX className="size-4" aria-hidden />
              Sign out everywhere…
            </Menu.Item>
            <Menu.Item
              className={itemClass}
              onSelect={() => void signOut({ callbackUrl: "/signin" })}
            >
              <LogOut className="size-4" aria-hidden />
              Sign out
            </Menu.Item>
          </Menu.Content>
        </Menu.Portal>
      </Menu.Root>
      <ChangePasswordDialog {...dialogProps("password")} />
      <SignOutEverywhereDialog {...dialogProps("everywhere")} />
    </>
  );
}
