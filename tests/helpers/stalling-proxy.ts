/**
 * A proxy in front of the simulator that forwards requests until the Nth, and holds that one unanswered:
 * tests use it to stop a run at a moment defined by progress (the Nth GitHub request is in flight and
 * hanging), not by time. Faked at the network, as GitHub is.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";

export interface StallingProxy {
  /** The GraphQL endpoint to point yardstick.yaml at. */
  url: string;
  /** Resolves when the request to hold has arrived (and is being held). */
  stalled: Promise<void>;
  close(): Promise<void>;
}

/** Forwards to `target` (the simulator's GraphQL URL) and holds the `holdAt`-th request (1-based) for ever. */
export async function startStallingProxy(target: string, holdAt: number): Promise<StallingProxy> {
  let count = 0;
  let onStalled: () => void = () => {};
  const stalled = new Promise<void>((resolve) => {
    onStalled = resolve;
  });
  const sockets = new Set<Socket>();
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      count += 1;
      if (count === holdAt) {
        onStalled();
        return; // never answered
      }
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers))
        if (typeof v === "string" && k !== "host" && k !== "content-length") headers[k] = v;
      fetch(target, { method: req.method ?? "POST", headers, body: Buffer.concat(chunks) })
        .then(async (upstream) => {
          const body = Buffer.from(await upstream.arrayBuffer());
          const out: Record<string, string> = {};
          upstream.headers.forEach((v, k) => {
            if (k !== "content-encoding" && k !== "content-length" && k !== "transfer-encoding") out[k] = v;
          });
          res.writeHead(upstream.status, out);
          res.end(body);
        })
        .catch(() => {
          res.destroy();
        });
    });
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/graphql`,
    stalled,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
