import { useEffect, useSyncExternalStore } from "react";

/** Phones and narrow windows: the inbox shows one screen at a time below this width (Tailwind's `md`). */
export const PHONE_QUERY = "(max-width: 767px)";

/** Whether a CSS media query matches now; re-renders when it changes (rotation, window resize). */
export function useMediaQuery(query: string): boolean {
  return useSyncExternalStore(
    (onChange) => {
      const list = window.matchMedia(query);
      list.addEventListener("change", onChange);
      return () => list.removeEventListener("change", onChange);
    },
    () => window.matchMedia(query).matches,
    () => false,
  );
}

/**
 * Keeps `--app-height` on <html> equal to the visual viewport's height, so a layout of that height
 * keeps its bottom (the reply box) above the on-screen keyboard, which on iOS covers the page
 * instead of resizing it. Without `visualViewport` the CSS falls back to `100dvh`.
 */
export function useVisualViewportHeight() {
  useEffect(() => {
    const viewport = window.visualViewport;
    if (!viewport) return;
    const root = document.documentElement;
    const update = () => {
      root.style.setProperty("--app-height", `${Math.round(viewport.height)}px`);
      // iOS scrolls the page to reveal a focused field; the layout already fits, so undo it.
      if (window.scrollY) window.scrollTo(0, 0);
    };
    update();
    viewport.addEventListener("resize", update);
    return () => {
      viewport.removeEventListener("resize", update);
      root.style.removeProperty("--app-height");
    };
  }, []);
}
