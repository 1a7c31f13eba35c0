import { z } from "zod";
import { pageInput } from "@/server/repositories/pagination";
import * as invitations from "@/server/services/invitations";
import * as members from "@/server/services/members";
import { permissionProcedure, protectedProcedure, publicProcedure, router } from "../trpc";

/** The members tab: members and their roles, and invitations by link (created here, accepted on /invite/<token>). */
export const memberRouter = router({
  list: permissionProcedure("member.view")
    .input(pageInput)
    .query(({ ctx, input }) => members.listMembers(ctx, input)),

  changeRole: permissionProcedure("member.manage")
    .input(members.changeRoleInput)
    .mutation(({ ctx, input }) => members.changeMemberRole(ctx, input)),

  remove: permissionProcedure("member.manage")
    .input(members.removeMemberInput)
    .mutation(({ ctx, input }) => members.removeMember(ctx, input)),

  invite: permissionProcedure("member.manage")
    .input(invitations.createInvitationInput)
    .mutation(({ ctx, input }) => invitations.createInvitation(ctx, input)),

  listInvitations: permissionProcedure("member.manage")
    .input(pageInput)
    .query(({ ctx, input }) => invitations.listInvitations(ctx, input)),

  revokeInvitation: permissionProcedure("member.manage")
    .input(z.object({ id: z.uuid() }))
    .mutation(({ ctx, input }) => invitations.revokeInvitation(ctx, input.id)),

  /** The invitation page, before anyone signs in: the link's token is the key. */
  invitation: publicProcedure
    .input(invitations.tokenInput)
    .query(({ ctx, input }) => invitations.getInvitation(ctx, input.token)),

  acceptInvitation: protectedProcedure
    .input(invitations.tokenInput)
    .mutation(({ ctx, input }) => invitations.acceptInvitation(ctx, input.token)),

  /** Creates an account through an invitation and joins; the client signs in afterwards. */
  signUpWithInvitation: publicProcedure
    .input(invitations.signUpInput)
    .mutation(({ ctx, input }) => invitations.signUpWithInvitation(ctx, input)),
});
