import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render, type RenderResult } from "@testing-library/react";
import { createTRPCClient, TRPCClientError, type TRPCLink } from "@trpc/client";
import { observable } from "@trpc/server/observable";
import type { ReactNode } from "react";
import type { AppRouter } from "@threadline/api/trpc";
import { TRPCProvider } from "../trpc.tsx";

/** The answer to one procedure, by its path ("conversations.list"): a value, or a function of the input. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- inputs differ per procedure; the test knows which it answers
export type Fixtures = Record<string, (input: any) => unknown>;

export type Call = { path: string; type: "query" | "mutation" | "subscription"; input: unknown };

/**
 * What the server says when it refuses: the tRPC code a component looks at (NOT_FOUND, FORBIDDEN, …),
 * and what the server adds to it: `{ errorCode, params }` or `{ fieldErrors }`.
 */
export class FixtureError extends Error {
  constructor(
    readonly code: string,
    message = code,
    readonly data: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

/**
 * A terminating link that answers from fixtures instead of the network, recording every call.
 * A procedure without a fixture fails loudly, so a test cannot pass on data it never gave.
 */
export function fixtureLink(fixtures: Fixtures, calls: Call[]): TRPCLink<AppRouter> {
  return () =>
    ({ op }) =>
      observable((observer) => {
        calls.push({ path: op.path, type: op.type, input: op.input });
        const answer = fixtures[op.path];
        Promise.resolve()
          .then(() => {
            if (!answer) throw new Error(`No fixture for ${op.path}`);
            return answer(op.input);
          })
          .then(
            (data) => {
              observer.next({ result: { type: "data", data } });
              observer.complete();
            },
            (e: Error) => {
              const data = e instanceof FixtureError ? { ...e.data, code: e.code } : { code: "INTERNAL_SERVER_ERROR" };
              observer.error(TRPCClientError.from({ error: { message: e.message, code: -32000, data } }));
            },
          );
      });
}

/** Renders a component inside the providers the apps use, with its API answered by fixtures. */
export function renderWithApi(ui: ReactNode, fixtures: Fixtures = {}): RenderResult & { calls: Call[]; queryClient: QueryClient } {
  const calls: Call[] = [];
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false, staleTime: Infinity }, mutations: { retry: false } } });
  const trpcClient = createTRPCClient<AppRouter>({ links: [fixtureLink(fixtures, calls)] });
  const result = render(
    <QueryClientProvider client={queryClient}>
      <TRPCProvider trpcClient={trpcClient} queryClient={queryClient}>
        {ui}
      </TRPCProvider>
    </QueryClientProvider>,
  );
  return { ...result, calls, queryClient };
}

/** The calls made to one procedure, in order, by their inputs. */
export function callsTo(calls: Call[], path: string): unknown[] {
  return calls.filter((c) => c.path === path).map((c) => c.input);
}
