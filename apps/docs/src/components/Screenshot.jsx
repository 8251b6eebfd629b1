import React from "react";
import { usePluginData } from "@docusaurus/useGlobalData";
import useBaseUrl from "@docusaurus/useBaseUrl";

/**
 * A screenshot saved by the end-to-end tests in static/img/screenshots/.
 * Renders nothing until the file exists, so pages may name screenshots in advance.
 *
 * <Screenshot name="admin-staff" alt="Список сотрудников проекта" />
 */
export default function Screenshot({ name, alt }) {
  const { files } = /** @type {{files: Record<string, string>}} */ (usePluginData("threadline-screenshots"));
  const file = files[name];
  const src = useBaseUrl(file ? `/img/screenshots/${file}` : "/");
  if (!file) return null;
  return (
    <figure className="screenshot">
      <img src={src} alt={alt} loading="lazy" />
      {alt ? <figcaption>{alt}</figcaption> : null}
    </figure>
  );
}
