// What the channel tests assert on a refusal: that it is a ChannelError, then its kind and reason.
import { expect } from "vitest";
import { ChannelError } from "./errors.ts";

/** The ChannelError a call rejects with (the test fails on success or on any other error). */
export async function channelFailure(promise: Promise<unknown>): Promise<ChannelError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ChannelError);
  return error as ChannelError;
}

/** The ChannelError a synchronous call throws (the test fails when it returns). */
export function thrownChannelError(call: () => unknown): ChannelError {
  try {
    call();
  } catch (error) {
    expect(error).toBeInstanceOf(ChannelError);
    return error as ChannelError;
  }
  throw new Error("expected a ChannelError");
}
