// Method parameters as VK reads them (strings from a form or query; numbers, lists as
// comma-separated text) and VK's API errors with their codes and messages from errors.json.

export class VkApiError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

/** Every error code the simulator emits; the conformance test checks each exists in errors.json. */
export const VK_ERRORS = {
  unknown: 1,
  unknownMethod: 3,
  auth: 5,
  tooMany: 6,
  request: 8,
  flood: 9,
  server: 10,
  compile: 12,
  runtime: 13,
  param: 100,
  userId: 113,
  denySend: 901,
  keyboard: 911,
  privacy: 902,
  tooLong: 914,
} as const;

export function invalidParam(name: string, why = "is undefined"): VkApiError {
  return new VkApiError(VK_ERRORS.param, `One of the parameters specified was missing or invalid: ${name} ${why}`);
}

/**
 * The parameters of one call. Handlers may read only the parameters their method declares,
 * which is what the conformance test checks against methods.json.
 */
export class VkParams {
  constructor(
    readonly method: string,
    private readonly declared: readonly string[],
    private readonly fields: Map<string, unknown>,
  ) {}

  private raw(name: string): string | undefined {
    if (!this.declared.includes(name)) throw new Error(`${this.method} reads undeclared parameter ${name}`);
    const value = this.fields.get(name);
    if (value === undefined || value === null || value === "") return undefined;
    return Array.isArray(value) ? value.join(",") : String(value);
  }

  optStr(name: string): string | undefined {
    return this.raw(name);
  }

  str(name: string): string {
    const value = this.raw(name);
    if (value === undefined) throw invalidParam(name);
    return value;
  }

  optInt(name: string): number | undefined {
    const value = this.raw(name);
    if (value === undefined) return undefined;
    if (!/^-?\d+$/.test(value.trim())) throw invalidParam(name, "not integer");
    return Number(value);
  }

  int(name: string): number {
    const value = this.optInt(name);
    if (value === undefined) throw invalidParam(name);
    return value;
  }

  optBool(name: string): boolean | undefined {
    const value = this.raw(name);
    if (value === undefined) return undefined;
    return value === "1" || value === "true";
  }

  list(name: string): string[] {
    const value = this.raw(name);
    return value === undefined ? [] : value.split(",").map((v) => v.trim()).filter(Boolean);
  }

  intList(name: string): number[] {
    return this.list(name).map((v) => {
      if (!/^-?\d+$/.test(v)) throw invalidParam(name, "not integer");
      return Number(v);
    });
  }
}
