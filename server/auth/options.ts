import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import GitHubProvider from "next-auth/providers/github";
import GoogleProvider from "next-auth/providers/google";
import { getDatabase } from "@/server/db";
import { getAuthSecret, getEnv } from "@/server/env";
import { readRequestMeta } from "@/server/http";
import { insertAuditLog } from "@/server/repositories/audit";
import { findUserByEmail, findUserById } from "@/server/repositories/users";
import { signInWithPassword } from "@/server/services/auth";
import { endSession, startSession } from "@/server/services/sessions";
import { resolveActiveTenant } from "@/server/services/tenants";
import { getSignInLimiters } from "./limiters";

declare module "next-auth" {
  interface Session {
    user: { id: string; email: string; name: string };
    tenantId: string | null;
  }
  interface User {
    tenantId?: string | null;
  }
}
declare module "next-auth/jwt" {
  interface JWT {
    tenantId?: string | null;
    /** The session's row in user_sessions: the cookie is honoured only while it is live. */
    sid?: string;
  }
}

/** OAuth providers appear only when their variables are set (see README, Configuration). */
function oauthProviders() {
  const { oauth } = getEnv();
  return [
    ...(oauth.github ? [GitHubProvider(oauth.github)] : []),
    ...(oauth.google ? [GoogleProvider(oauth.google)] : []),
  ];
}

export function getOAuthProviderIds(): string[] {
  return oauthProviders().map((p) => p.id);
}

let options: NextAuthOptions | undefined;

/**
 * next-auth with JWT sessions. The token carries the user id, its session id (`sid`) and the tenant
 * the user chose; the tRPC context and proxy.ts re-check them against the database on every
 * request, so a session ended by sign-out, "sign out everywhere" or a password change is refused
 * at once (server/services/sessions.ts).
 */
export function getAuthOptions(): NextAuthOptions {
  options ??= {
    secret: getAuthSecret(),
    session: { strategy: "jwt", maxAge: 7 * 24 * 60 * 60 },
    pages: { signIn: "/signin", error: "/signin" },
    providers: [
      CredentialsProvider({
        name: "E-mail and password",
        credentials: {
          email: { label: "E-mail", type: "email" },
          password: { label: "Password", type: "password" },
        },
        async authorize(credentials, request) {
          const { db } = await getDatabase();
          const limiters = getSignInLimiters();
          const result = await signInWithPassword(
            { db, limiter: limiters.account, clientLimiter: limiters.client },
            credentials,
            readRequestMeta(request?.headers ?? {}),
          );
          // next-auth passes a thrown message to the client as `error`, shown on the form.
          if (!result.ok) throw new Error(result.message);
          return { ...result.user, tenantId: result.tenantId };
        },
      }),
      ...oauthProviders(),
    ],
    events: {
      /** This session ends for good: its cookie, if kept somewhere, is refused from now on. */
      async signOut({ token }) {
        if (!token) return;
        const { db } = await getDatabase();
        await endSession(db, token);
      },
    },
    callbacks: {
      /** OAuth sign-in is for people who already have an account (invited by e-mail). */
      async signIn({ user, account }) {
        if (!account || account.provider === "credentials") return true;
        const { db } = await getDatabase();
        const existing = user.email ? await findUserByEmail(db, user.email) : undefined;
        await insertAuditLog(db, {
          actorUserId: existing?.id ?? null,
          actorLabel: user.email ?? `${account.provider}:${account.providerAccountId}`,
          action: existing && !existing.disabledAt ? "auth.signin.success" : "auth.signin.failure",
          tenantId: existing?.lastTenantId ?? null,
          metadata: { provider: account.provider },
        });
        return Boolean(existing && !existing.disabledAt) || "/signin?error=NoAccount";
      },
      async jwt({ token, user, account, trigger, session }) {
        if (user && account && account.provider !== "credentials") {
          const { db } = await getDatabase();
          const existing = await findUserByEmail(db, user.email ?? "");
          if (existing) {
            token.sub = existing.id;
            token.name = existing.name;
            token.tenantId = existing.lastTenantId;
          }
        } else if (user) {
          token.tenantId = user.tenantId ?? null;
        }
        if (user && token.sub) {
          const { db } = await getDatabase();
          token.sid = await startSession(db, token.sub);
        }
        // The client switched tenant (after session.switchTenant checked and audited it): re-check.
        const requested = (session as { tenantId?: unknown } | undefined)?.tenantId;
        if (trigger === "update" && typeof requested === "string" && token.sub) {
          const { db } = await getDatabase();
          const existing = await findUserById(db, token.sub);
          if (existing) {
            const tenant = await resolveActiveTenant(db, existing, requested);
            if (tenant?.id === requested) token.tenantId = tenant.id;
          }
        }
        return token;
      },
      session({ session, token }) {
        session.user = { id: token.sub ?? "", email: token.email ?? "", name: token.name ?? "" };
        session.tenantId = token.tenantId ?? null;
        return session;
      },
    },
  };
  return options;
}
