/** Next.js calls this once per server process, before it serves requests. */
export async function register() {
  // Next sets NEXT_RUNTIME itself; the database and env only exist in the Node.js runtime.
  if (process.env.NEXT_RUNTIME === "nodejs") {
    const { bootServer } = await import("./server/boot");
    await bootServer();
  }
}
