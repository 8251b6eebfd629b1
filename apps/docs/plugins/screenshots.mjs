// @ts-check
// Screenshots are saved by the end-to-end tests into static/img/screenshots/<name>.png.
// This plugin lists the files that exist at build time, so that <Screenshot name="..."> shows
// the image when it is there and renders nothing when it is not: a missing screenshot never
// breaks the build and never shows a broken image.
import { readdir } from "node:fs/promises";
import path from "node:path";

export const SCREENSHOT_DIR = "static/img/screenshots";
const IMAGE = /\.(png|jpe?g|webp)$/i;

/** @param {string} dir @returns {Promise<Record<string, string>>} name without extension → file name */
export async function listScreenshots(dir) {
  let entries;
  try {
    entries = await readdir(dir);
  } catch (error) {
    if (/** @type {NodeJS.ErrnoException} */ (error).code === "ENOENT") return {};
    throw error;
  }
  /** @type {Record<string, string>} */
  const files = {};
  for (const file of entries.sort()) {
    if (!IMAGE.test(file)) continue;
    const name = file.replace(IMAGE, "");
    // Prefer png when the same name exists in several formats.
    if (!files[name] || file.toLowerCase().endsWith(".png")) files[name] = file;
  }
  return files;
}

/** @type {import('@docusaurus/types').PluginModule} */
export default function screenshotsPlugin(context) {
  const dir = path.join(context.siteDir, SCREENSHOT_DIR);
  return {
    name: "threadline-screenshots",
    async loadContent() {
      return listScreenshots(dir);
    },
    async contentLoaded({ content, actions }) {
      actions.setGlobalData({ files: content });
    },
    getPathsToWatch() {
      return [path.join(dir, "*")];
    },
  };
}
