import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { io, type Socket } from "socket.io-client";
import { useTRPC } from "@threadline/ui";
import type { ClientToServer, ServerToClient } from "@threadline/api/realtime";

/**
 * Live progress of a project's imports over Socket.IO: each pushed event updates the run's row
 * in the import list in place; a run that stops or that the list does not know yet is read
 * again. Returns whether the socket is connected, so the page can poll slowly while it is not.
 */
export function useImportProgress(projectId: string): boolean {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [connected, setConnected] = useState(false);

  useEffect(() => {
    const listKey = trpc.imports.list.queryKey({ projectId });
    const refetch = () => void queryClient.invalidateQueries({ queryKey: listKey });
    const socket: Socket<ServerToClient, ClientToServer> = io({ path: "/socket.io", withCredentials: true });
    let connectedBefore = false;
    let retry: ReturnType<typeof setTimeout> | undefined;

    socket.on("connect", () => {
      socket.emit("join", { projectId, scope: "imports" }, (ack?: { ok: boolean; error?: string }) => {
        if (ack && !ack.ok) console.warn("import progress: join refused", ack.error);
        else setConnected(true);
      });
      // Whatever happened while we were away is read again.
      if (connectedBefore) refetch();
      connectedBefore = true;
    });
    socket.on("disconnect", () => setConnected(false));
    socket.on("connect_error", () => {
      setConnected(false);
      // A refused handshake is not retried by the client on its own; try again a bit later.
      if (!socket.active) retry = setTimeout(() => socket.connect(), 5_000);
    });
    socket.on("event", (event) => {
      // The import page follows its project's import runs; conversations are the inbox's.
      if (event.type !== "import.progress" || event.projectId !== projectId) return;
      let known = false;
      queryClient.setQueryData(listKey, (runs) =>
        runs?.map((run) => {
          if (run.id !== event.runId) return run;
          known = true;
          const { type: _type, projectId: _project, runId: _run, channelId: _channel, ...progress } = event;
          return { ...run, ...progress };
        }),
      );
      if (!known || (event.state !== "running" && event.state !== "queued")) refetch();
    });

    return () => {
      if (retry) clearTimeout(retry);
      socket.removeAllListeners();
      socket.disconnect();
      setConnected(false);
    };
  }, [projectId, trpc, queryClient]);

  return connected;
}
