// The subset of VKScript that vk-io generates for batches (Chain, executes, the parallel
// worker): `return [API.a.b({...}),API.c.d({...})];` or `return API.a.b({...});`, each argument
// a JSON object. Anything else is refused with VK's "Unable to compile code".

export interface ExecuteCall {
  method: string;
  params: Record<string, unknown>;
}

export class ExecuteCompileError extends Error {}

const CALL_HEAD = /^API\.([a-zA-Z]+\.[a-zA-Z]+)\(/;

/** Index just past the JSON object starting at `start`, honouring strings and nesting. */
function objectEnd(code: string, start: number): number {
  if (code[start] !== "{") throw new ExecuteCompileError(`expected { at ${start}`);
  let depth = 0;
  let inString = false;
  for (let i = start; i < code.length; i += 1) {
    const ch = code[i];
    if (inString) {
      if (ch === "\\") i += 1;
      else if (ch === '"') inString = false;
      continue;
    }
    if (ch === '"') inString = true;
    else if (ch === "{" || ch === "[") depth += 1;
    else if (ch === "}" || ch === "]") {
      depth -= 1;
      if (depth === 0) return i + 1;
    }
  }
  throw new ExecuteCompileError("unterminated object");
}

function parseCall(code: string, start: number): { call: ExecuteCall; end: number } {
  const head = CALL_HEAD.exec(code.slice(start));
  if (!head) throw new ExecuteCompileError(`expected API.<method>( at ${start}`);
  let i = start + head[0].length;
  let params: Record<string, unknown> = {};
  if (code[i] !== ")") {
    const end = objectEnd(code, i);
    try {
      params = JSON.parse(code.slice(i, end)) as Record<string, unknown>;
    } catch {
      throw new ExecuteCompileError(`arguments of ${head[1]} are not an object`);
    }
    i = end;
  }
  if (code[i] !== ")") throw new ExecuteCompileError(`expected ) after ${head[1]}`);
  return { call: { method: head[1]!, params }, end: i + 1 };
}

/** Returns the calls and whether the code returns an array of them or a single result. */
export function parseExecuteCode(source: string): { calls: ExecuteCall[]; returnsArray: boolean } {
  const code = source.trim();
  const body = /^return\s+([\s\S]*?);?$/.exec(code)?.[1]?.trim();
  if (!body) throw new ExecuteCompileError("code must be a return statement");
  if (!body.startsWith("[")) {
    const { call, end } = parseCall(body, 0);
    if (end !== body.length) throw new ExecuteCompileError("unexpected code after the call");
    return { calls: [call], returnsArray: false };
  }
  const calls: ExecuteCall[] = [];
  let i = 1;
  while (i < body.length) {
    while (/\s/.test(body[i] ?? "")) i += 1;
    if (body[i] === "]") {
      i += 1;
      break;
    }
    const { call, end } = parseCall(body, i);
    calls.push(call);
    i = end;
    while (/\s/.test(body[i] ?? "")) i += 1;
    if (body[i] === ",") i += 1;
    else if (body[i] !== "]") throw new ExecuteCompileError(`expected , or ] at ${i}`);
  }
  if (body.slice(i).trim() !== "") throw new ExecuteCompileError("unexpected code after the array");
  return { calls, returnsArray: true };
}

/** Execute arguments become the string parameters a direct call would receive. */
export function executeParams(params: Record<string, unknown>): Map<string, unknown> {
  const fields = new Map<string, unknown>();
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined || value === null) continue;
    fields.set(key, Array.isArray(value) ? value.join(",") : String(value));
  }
  return fields;
}
