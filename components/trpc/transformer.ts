import SuperJSON from "superjson";
import { objectsWithUnsafeKeys, UNSAFE_KEYS_RULE } from "@/engine/schema/unsafe-keys";

/**
 * The client's half of server/api/trpc.ts's transformer: superjson with the same rule for objects
 * holding `__proto__`/`constructor`/`prototype` keys, so such JSON (a run input, a node's config)
 * can be sent and shown back instead of failing to serialise.
 */
export const transformer = new SuperJSON();
transformer.registerCustom(objectsWithUnsafeKeys, UNSAFE_KEYS_RULE);
