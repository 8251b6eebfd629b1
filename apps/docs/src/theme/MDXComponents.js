// Components available in every page without an import.
import MDXComponents from "@theme-original/MDXComponents";
import Screenshot from "@site/src/components/Screenshot";

export default {
  ...MDXComponents,
  Screenshot,
};
