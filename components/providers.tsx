"use client";

import { SessionProvider } from "next-auth/react";
import { ThemeProvider } from "next-themes";
import type { ReactNode } from "react";
import { Toaster } from "sonner";
import { TRPCReactProvider } from "./trpc/react";

export function Providers({ children }: { children: ReactNode }) {
  return (
    <ThemeProvider attribute="class" defaultTheme="system" enableSystem disableTransitionOnChange>
      <SessionProvider>
        <TRPCReactProvider>
          {children}
          <Toaster richColors closeButton position="bottom-right" />
        </TRPCReactProvider>
      </SessionProvider>
    </ThemeProvider>
  );
}
