import { Outlet } from "react-router";
import { ApiProvider, AppDocument, Loading, RouteError } from "@threadline/ui";
import type { Route } from "./+types/root";
import "./app.css";

export function Layout({ children }: { children: React.ReactNode }) {
  return <AppDocument title="Threadline — администрирование">{children}</AppDocument>;
}

export default function App() {
  return (
    <ApiProvider>
      <Outlet />
    </ApiProvider>
  );
}

export const HydrateFallback = Loading;

export function ErrorBoundary({ error }: Route.ErrorBoundaryProps) {
  return <RouteError error={error} />;
}
