/**
 * A failed call to a paid provider (the model, the voice), by kind, so callers decide on the
 * kind (retry, tell the owner to fix the key, give up) and not on the provider's message.
 */
export class ProviderError<Kind extends string> extends Error {
  constructor(
    readonly kind: Kind,
    message: string,
    readonly status: number | null = null,
  ) {
    super(message);
    this.name = new.target.name;
  }
}
