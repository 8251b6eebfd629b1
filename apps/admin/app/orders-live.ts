import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { io, type Socket } from "socket.io-client";
import { useTRPC } from "@threadline/ui";
import type { ClientToServer, ServerToClient } from "@threadline/api/realtime";

/** A short two-tone chime (Web Audio): a new order was taken. Silent where the browser forbids sound. */
export function chime() {
  try {
    const ctx = new AudioContext();
    const gain = ctx.createGain();
    gain.gain.value = 0.15;
    gain.connect(ctx.destination);
    [880, 1320].forEach((hz, i) => {
      const tone = ctx.createOscillator();
      tone.frequency.value = hz;
      tone.connect(gain);
      tone.start(ctx.currentTime + i * 0.18);
      tone.stop(ctx.currentTime + i * 0.18 + 0.16);
    });
    setTimeout(() => void ctx.close(), 800);
  } catch {
    // No audio here (a test browser, a policy): the card still appears.
  }
}

/**
 * The orders board live over Socket.IO: an order taken or moved makes the board read again; a new
 * one chimes. Returns whether the socket is connected (the page polls slowly while it is not).
 */
export function useOrdersLive(projectId: string, onNewOrder: () => void = chime): boolean {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [connected, setConnected] = useState(false);

  useEffect(() => {
    const refetch = () => void queryClient.invalidateQueries({ queryKey: trpc.orders.board.queryKey({ projectId }) });
    const socket: Socket<ServerToClient, ClientToServer> = io({ path: "/socket.io", withCredentials: true });
    let connectedBefore = false;
    socket.on("connect", () => {
      socket.emit("join", { projectId, scope: "orders" }, (ack?: { ok: boolean }) => setConnected(!ack || ack.ok));
      if (connectedBefore) refetch();
      connectedBefore = true;
    });
    socket.on("disconnect", () => setConnected(false));
    socket.on("event", (event) => {
      if ((event.type !== "order.created" && event.type !== "order.updated") || event.projectId !== projectId) return;
      if (event.type === "order.created") onNewOrder();
      refetch();
    });
    return () => void socket.close();
  }, [projectId, queryClient, trpc, onNewOrder]);
  return connected;
}
