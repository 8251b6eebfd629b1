import { describe, expect, it } from "vitest";
import { APIRequest, API } from "vk-io";
import { ExecuteCompileError, parseExecuteCode } from "./execute.ts";

describe("execute code parser", () => {
  it("reads the batches vk-io builds", () => {
    const api = new API({ token: "t" });
    const calls = [
      new APIRequest({ api, method: "messages.getHistory", params: { peer_id: 5, count: 200, group_id: 1 } }),
      new APIRequest({ api, method: "users.get", params: { user_ids: [1, 2], fields: "screen_name" } }),
      new APIRequest({ api, method: "messages.send", params: { peer_id: 5, random_id: 7, message: "Цена: 100 ₽, \"скидка\" {10%}" } }),
    ];
    const code = `return [${calls.map(String).join(",")}];`;
    expect(parseExecuteCode(code)).toEqual({
      returnsArray: true,
      calls: [
        { method: "messages.getHistory", params: { peer_id: 5, count: 200, group_id: 1 } },
        { method: "users.get", params: { user_ids: "1,2", fields: "screen_name" } },
        { method: "messages.send", params: { peer_id: 5, random_id: 7, message: "Цена: 100 ₽, \"скидка\" {10%}" } },
      ],
    });
  });

  it("reads a single call and an empty argument list", () => {
    expect(parseExecuteCode("return API.groups.getById();")).toEqual({ returnsArray: false, calls: [{ method: "groups.getById", params: {} }] });
  });

  it("refuses other VKScript", () => {
    expect(() => parseExecuteCode("var a = 1; return a;")).toThrow(ExecuteCompileError);
    expect(() => parseExecuteCode("return [API.users.get({\"user_ids\":1}) + 1];")).toThrow(ExecuteCompileError);
    expect(() => parseExecuteCode("return [API.users.get({\"user_ids\":1]);")).toThrow(ExecuteCompileError);
  });
});
