import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Ajv, type ErrorObject } from "ajv";

// The platforms' published specifications, loaded for conformance tests: the VK API JSON Schema
// (validated with ajv) and the Telegram Bot API description (validated by its field tables).

const repoRoot = path.resolve(fileURLToPath(new URL(".", import.meta.url)), "../../../..");

export const VENDOR_SPECS_DIR = process.env.VENDOR_SPECS_DIR ?? path.resolve(repoRoot, "../shared/vendor-specs");

type Json = Record<string, unknown>;

// ---- VK API JSON Schema ------------------------------------------------------------------------

const VK_BASE = "https://vk-api-schema.local/";

/**
 * The VK schema marks required properties draft-03 style (`"required": true` on the property);
 * JSON Schema draft-07 wants a `required` list on the object. Rewritten here, nothing else changes.
 */
function toDraft07(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(toDraft07);
  if (typeof node !== "object" || node === null) return node;
  const source = node as Json;
  const out: Json = {};
  for (const [key, value] of Object.entries(source)) {
    if (key === "$schema") continue;
    if (key === "properties" && typeof value === "object" && value !== null) {
      out[key] = Object.fromEntries(Object.entries(value as Json).map(([name, schema]) => [name, toDraft07(schema)]));
      continue;
    }
    out[key] = toDraft07(value);
  }
  if (typeof out.required === "boolean") delete out.required;
  if (typeof source.properties === "object" && source.properties !== null) {
    const required = Object.entries(source.properties as Json)
      .filter(([, schema]) => typeof schema === "object" && schema !== null && (schema as Json).required === true)
      .map(([name]) => name);
    if (required.length > 0) out.required = [...(Array.isArray(source.required) ? (source.required as string[]) : []), ...required];
  }
  return out;
}

function jsonFiles(dir: string, prefix = ""): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return jsonFiles(full, `${prefix}${name}/`);
    return name.endsWith(".json") ? [`${prefix}${name}`] : [];
  });
}

export interface VkMethodSpec {
  name: string;
  parameters: Set<string>;
  responses: Record<string, { $ref: string }>;
}

export interface VkSchema {
  methods: Map<string, VkMethodSpec>;
  errorCodes: Set<number>;
  /** Validation errors of value against a reference such as "messages/objects.json#/definitions/x". */
  validate(ref: string, value: unknown): string[];
  /**
   * Properties of value the schema does not define anywhere (through $ref, allOf, oneOf): the
   * schema rarely says additionalProperties: false, so ajv alone would let invented fields pass.
   */
  unknownProperties(ref: string, value: unknown): string[];
}

interface SchemaAt {
  node: Json;
  file: string;
}

/** Follows $ref (relative to the file it appears in) until a schema with content. */
function deref(files: Map<string, Json>, at: SchemaAt): SchemaAt {
  let current = at;
  for (let hops = 0; typeof current.node.$ref === "string" && hops < 50; hops += 1) {
    const [refFile, pointer = ""] = (current.node.$ref as string).split("#");
    const file = refFile ? path.posix.normalize(path.posix.join(path.posix.dirname(current.file), refFile)) : current.file;
    let node: unknown = files.get(file);
    for (const part of pointer.split("/").filter(Boolean)) node = (node as Json | undefined)?.[part];
    if (typeof node !== "object" || node === null) throw new Error(`unresolved $ref ${String(current.node.$ref)} in ${current.file}`);
    // Keywords beside $ref (type, description, required) still apply: keep them on the target.
    const { $ref: _ref, ...siblings } = current.node;
    current = { node: { ...(node as Json), ...siblings }, file };
  }
  return current;
}

/** Every property a schema allows, or "any" when it leaves objects open. */
function knownProperties(files: Map<string, Json>, at: SchemaAt): Map<string, SchemaAt> | "any" {
  const schema = deref(files, at);
  const node = schema.node;
  if (node.additionalProperties !== undefined && node.additionalProperties !== false) return "any";
  if (node.patternProperties !== undefined) return "any";
  const known = new Map<string, SchemaAt>();
  let defined = false;
  if (typeof node.properties === "object" && node.properties !== null) {
    defined = true;
    for (const [name, sub] of Object.entries(node.properties as Json)) known.set(name, { node: sub as Json, file: schema.file });
  }
  for (const keyword of ["allOf", "oneOf", "anyOf"]) {
    for (const part of (node[keyword] as Json[] | undefined) ?? []) {
      const inner = knownProperties(files, { node: part, file: schema.file });
      if (inner === "any") return "any";
      defined = true;
      for (const [name, sub] of inner) if (!known.has(name)) known.set(name, sub);
    }
  }
  return defined ? known : "any";
}

function walkUnknown(files: Map<string, Json>, at: SchemaAt, value: unknown, where: string, out: string[]): void {
  if (Array.isArray(value)) {
    const schema = deref(files, at);
    const items = schema.node.items;
    if (typeof items === "object" && items !== null && !Array.isArray(items)) {
      value.forEach((item, i) => walkUnknown(files, { node: items as Json, file: schema.file }, item, `${where}[${i}]`, out));
    }
    return;
  }
  if (typeof value !== "object" || value === null) return;
  const known = knownProperties(files, at);
  if (known === "any") return;
  for (const [key, child] of Object.entries(value)) {
    const sub = known.get(key);
    if (!sub) out.push(`${where}.${key} is not defined by the schema`);
    else walkUnknown(files, sub, child, `${where}.${key}`, out);
  }
}

let vkSchema: VkSchema | undefined;

export function loadVkSchema(): VkSchema {
  if (vkSchema) return vkSchema;
  const dir = path.join(VENDOR_SPECS_DIR, "vk-api-schema");
  const ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false });
  const integer = { type: "number" as const, validate: (n: number) => Number.isInteger(n) };
  ajv.addFormat("int64", integer);
  ajv.addFormat("int32", integer);
  ajv.addFormat("uri", (s: string) => URL.canParse(s));
  for (const format of ["uri-reference", "json", "hex", "value_object"]) ajv.addFormat(format, true);

  const methods = new Map<string, VkMethodSpec>();
  const errorCodes = new Set<number>();
  const files = new Map<string, Json>();
  for (const file of jsonFiles(dir)) {
    const raw = JSON.parse(readFileSync(path.join(dir, file), "utf8")) as Json;
    if (file === "schema.json" || file === "schema-errors.json") continue;
    files.set(file, raw);
    ajv.addSchema(toDraft07(raw) as Json, `${VK_BASE}${file}`);
    for (const method of (raw.methods as Json[] | undefined) ?? []) {
      methods.set(method.name as string, {
        name: method.name as string,
        parameters: new Set(((method.parameters as Json[] | undefined) ?? []).map((p) => p.name as string)),
        responses: method.responses as Record<string, { $ref: string }>,
      });
    }
    for (const error of Object.values((raw.errors as Record<string, Json> | undefined) ?? {})) errorCodes.add(error.code as number);
  }

  vkSchema = {
    methods,
    errorCodes,
    validate(ref, value) {
      const validator = ajv.getSchema(`${VK_BASE}${ref.replace(/^(\.\.\/)+/, "")}`);
      if (!validator) throw new Error(`no schema ${ref}`);
      return validator(value) ? [] : (validator.errors ?? []).map((e: ErrorObject) => `${e.instancePath || "/"} ${e.message ?? ""} ${JSON.stringify(e.params)}`);
    },
    unknownProperties(ref, value) {
      const [file = "", pointer = ""] = ref.replace(/^(\.\.\/)+/, "").split("#");
      const out: string[] = [];
      walkUnknown(files, { node: { $ref: `${path.posix.basename(file)}#${pointer}` }, file }, value, "$", out);
      return out;
    },
  };
  return vkSchema;
}

// ---- Telegram Bot API -----------------------------------------------------------------------------

interface TgField {
  name: string;
  types: string[];
  required: boolean;
}

interface TgTypeSpec {
  name: string;
  fields?: TgField[];
  subtypes?: string[];
}

export interface TelegramSpec {
  methods: Map<string, { fields: TgField[]; returns: string[] }>;
  types: Map<string, TgTypeSpec>;
  /** Errors of value against one of the type expressions ("Message", "Array of Update", "True"). */
  validate(types: string[], value: unknown, at?: string): string[];
}

let telegramSpec: TelegramSpec | undefined;

export function loadTelegramSpec(): TelegramSpec {
  if (telegramSpec) return telegramSpec;
  const raw = JSON.parse(readFileSync(path.join(VENDOR_SPECS_DIR, "telegram-bot-api", "api.json"), "utf8")) as {
    methods: Record<string, { fields?: TgField[]; returns: string[] }>;
    types: Record<string, TgTypeSpec>;
  };
  const methods = new Map(Object.entries(raw.methods).map(([name, m]) => [name, { fields: m.fields ?? [], returns: m.returns }]));
  const types = new Map(Object.entries(raw.types));

  function check(type: string, value: unknown, at: string): string[] {
    if (type.startsWith("Array of ")) {
      if (!Array.isArray(value)) return [`${at} must be an array`];
      return value.flatMap((item, i) => check(type.slice("Array of ".length), item, `${at}[${i}]`));
    }
    switch (type) {
      case "Integer":
        return Number.isSafeInteger(value) ? [] : [`${at} must be an Integer`];
      case "Float":
        return typeof value === "number" ? [] : [`${at} must be a Float`];
      case "String":
        return typeof value === "string" ? [] : [`${at} must be a String`];
      case "Boolean":
        return typeof value === "boolean" ? [] : [`${at} must be a Boolean`];
      case "True":
        return value === true ? [] : [`${at} must be True`];
    }
    const spec = types.get(type);
    if (!spec) return [`${at}: type ${type} is not in api.json`];
    if (spec.subtypes) {
      const attempts = spec.subtypes.map((sub) => check(sub, value, at));
      return attempts.some((errors) => errors.length === 0) ? [] : [`${at} matches no subtype of ${type}: ${attempts.map((e) => e[0]).join("; ")}`];
    }
    if (typeof value !== "object" || value === null || Array.isArray(value)) return [`${at} must be a ${type} object`];
    const fields = new Map((spec.fields ?? []).map((f) => [f.name, f]));
    const errors: string[] = [];
    for (const key of Object.keys(value)) if (!fields.has(key)) errors.push(`${at}.${key} is not a field of ${type}`);
    for (const field of fields.values()) {
      const v = (value as Json)[field.name];
      if (v === undefined) {
        if (field.required) errors.push(`${at}.${field.name} is required in ${type}`);
        continue;
      }
      errors.push(...validate(field.types, v, `${at}.${field.name}`));
    }
    return errors;
  }

  function validate(alternatives: string[], value: unknown, at = "$"): string[] {
    const attempts = alternatives.map((type) => check(type, value, at));
    const ok = attempts.find((errors) => errors.length === 0);
    return ok ? [] : attempts.sort((a, b) => a.length - b.length)[0] ?? [`${at}: no type given`];
  }

  telegramSpec = { methods, types, validate };
  return telegramSpec;
}
