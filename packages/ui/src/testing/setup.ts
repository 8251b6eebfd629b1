import { cleanup } from "@testing-library/react";
import { afterEach } from "vitest";
// The UI speaks Russian unless a person picked English; the tests read what a Russian manager sees.
import "../i18n/index.ts";

afterEach(() => {
  cleanup();
  sessionStorage.clear();
  localStorage.clear();
});
