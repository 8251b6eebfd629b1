import { MutationCache, QueryCache, QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { createTRPCClient, httpBatchLink, httpLink, splitLink, TRPCClientError } from "@trpc/client";
import { createTRPCContext } from "@trpc/tanstack-react-query";
import { useState } from "react";
import superjson from "superjson";
import type { AppRouter } from "@threadline/api/trpc";

export const { TRPCProvider, useTRPC, useTRPCClient } = createTRPCContext<AppRouter>();

export function isUnauthorized(error: unknown): boolean {
  return error instanceof TRPCClientError && error.data?.code === "UNAUTHORIZED";
}

// A session ended elsewhere (signed out, fired) sends every open page back to sign-in on its
// next request.
function onError(error: unknown) {
  if (!isUnauthorized(error)) return;
  const path = window.location.pathname;
  if (path.startsWith("/login") || path.startsWith("/invite")) return;
  window.location.assign(`/login?expired=1&next=${encodeURIComponent(path)}`);
}

export function ApiProvider({ children }: { children: React.ReactNode }) {
  const [queryClient] = useState(
    () =>
      new QueryClient({
        queryCache: new QueryCache({ onError }),
        mutationCache: new MutationCache({ onError }),
        defaultOptions: {
          queries: { staleTime: 15_000, retry: (count, error) => !isUnauthorized(error) && count < 2, refetchOnWindowFocus: true },
        },
      }),
  );
  const [trpcClient] = useState(() =>
    createTRPCClient<AppRouter>({
      links: [
        // The server refuses batches with sign-in or invitation calls: those go one per request.
        splitLink({
          condition: (op) => op.path.startsWith("auth."),
          true: httpLink({ url: "/trpc", transformer: superjson }),
          false: httpBatchLink({ url: "/trpc", transformer: superjson }),
        }),
      ],
    }),
  );
  return (
    <QueryClientProvider client={queryClient}>
      <TRPCProvider trpcClient={trpcClient} queryClient={queryClient}>
        {children}
      </TRPCProvider>
    </QueryClientProvider>
  );
}
