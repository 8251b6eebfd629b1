import { AppDocument, AppRoot, Loading, RouteError } from "@threadline/ui";
import "./app.css";

export function Layout({ children }: { children: React.ReactNode }) {
  return <AppDocument title="Threadline — диалоги">{children}</AppDocument>;
}

export default AppRoot;
export const HydrateFallback = Loading;
export const ErrorBoundary = RouteError;
