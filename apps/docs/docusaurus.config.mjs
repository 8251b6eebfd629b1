// @ts-check
// Threadline help center. Russian first; every UI string and page is written in Russian.
// To add English later: add "en" to i18n.locales and translate into i18n/en/ (see README.md).

/**
 * The public address of the help center (scheme + host + optional port), from DOCS_URL.
 * Only the origin is used: the site is always served from the root path ("/").
 * @param {string | undefined} raw
 */
function siteOrigin(raw) {
  const value = raw && raw.trim() !== "" ? raw.trim() : "http://127.0.0.1";
  try {
    return new URL(value).origin;
  } catch {
    throw new Error(`DOCS_URL must be an absolute address such as https://help.example.com, got "${value}"`);
  }
}

/** @type {import('@docusaurus/types').Config} */
const config = {
  title: "Threadline — справка",
  tagline: "Справка для менеджеров, владельцев и руководителей",
  favicon: "img/favicon.svg",

  url: siteOrigin(process.env.DOCS_URL),
  baseUrl: "/",

  onBrokenLinks: "throw",
  onBrokenAnchors: "throw",
  onDuplicateRoutes: "throw",
  markdown: {
    hooks: {
      onBrokenMarkdownLinks: "throw",
      onBrokenMarkdownImages: "throw",
    },
  },

  i18n: {
    defaultLocale: "ru",
    locales: ["ru"],
    localeConfigs: {
      ru: { label: "Русский", htmlLang: "ru", direction: "ltr" },
    },
  },

  presets: [
    [
      "classic",
      /** @type {import('@docusaurus/preset-classic').Options} */
      ({
        // Docs-only: the help pages live at the site root, "intro" is the home page.
        docs: {
          routeBasePath: "/",
          sidebarPath: "./sidebars.mjs",
          breadcrumbs: true,
          showLastUpdateTime: false,
          showLastUpdateAuthor: false,
        },
        debug: false,
        blog: false,
        pages: false,
        sitemap: false,
        svgr: false,
        theme: {
          customCss: "./src/css/custom.css",
        },
      }),
    ],
  ],

  plugins: ["./plugins/screenshots.mjs"],

  // Full-text search that works offline: the index is built with the site (no outside service).
  // Russian words are stemmed («диалоги» finds «диалог»); English too, for button names and terms.
  themes: [
    [
      "@easyops-cn/docusaurus-search-local",
      /** @type {import("@easyops-cn/docusaurus-search-local").PluginOptions} */
      ({
        hashed: true,
        language: ["ru", "en"],
        docsRouteBasePath: "/",
        indexDocs: true,
        indexBlog: false,
        indexPages: false,
        highlightSearchTermsOnTargetPage: true,
        searchResultLimits: 8,
        searchBarShortcutHint: false,
      }),
    ],
  ],

  themeConfig:
    /** @type {import('@docusaurus/preset-classic').ThemeConfig} */
    ({
      colorMode: {
        defaultMode: "light",
        respectPrefersColorScheme: true,
      },
      docs: {
        sidebar: { hideable: true, autoCollapseCategories: false },
      },
      tableOfContents: { minHeadingLevel: 2, maxHeadingLevel: 3 },
      navbar: {
        title: "Threadline — справка",
        items: [],
      },
      footer: {
        style: "light",
        copyright: "Threadline · справка для сотрудников",
      },
      prism: {
        additionalLanguages: [],
      },
    }),
};

export default config;
