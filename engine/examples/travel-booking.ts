import { chain, makeNode, makeWorkflow } from "./build-workflow";

/** Swarm: a concierge hands off to flight and hotel specialists, who hand back when done. */
export const travelBooking = makeWorkflow({
  name: "Handle a travel booking request",
  description:
    "A concierge agent passes the request between flight and hotel specialists until it is answered.",
  layout: true,
  nodes: [
    makeNode("input", "request", {
      schema: {
        type: "object",
        properties: { request: { type: "string" } },
        required: ["request"],
      },
    }),
    makeNode("swarm", "travel-desk", {
      task: "{{input.request}}",
      entryAgent: "concierge",
      maxHandoffs: 6,
      agents: [
        {
          name: "concierge",
          instructions:
            "Understand the trip. Hand off to flights or hotels for bookings; answer the traveller when all is settled.",
          handoffs: ["flights", "hotels"],
        },
        {
          name: "flights",
          instructions:
            "Find the best flight for the dates and budget. Hand back to the concierge with the options.",
          mcpServers: ["flights"],
          allowedTools: ["search_flights"],
          handoffs: ["concierge", "hotels"],
        },
        {
          name: "hotels",
          instructions:
            "Find a hotel near the traveller's meetings. Hand back to the concierge with the options.",
          mcpServers: ["hotels"],
          allowedTools: ["search_hotels"],
          handoffs: ["concierge"],
        },
      ],
    }),
    makeNode("output", "itinerary", { name: "itinerary", value: "{{value.output}}" }),
  ],
  edges: chain("request", "travel-desk", "itinerary"),
});
