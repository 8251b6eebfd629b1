import { useParams } from "react-router";
import { InviteScreen } from "@threadline/ui";

export default function Invite() {
  const { token = "" } = useParams();
  return <InviteScreen token={token} onAccepted={(projectId) => window.location.assign(`/p/${projectId}`)} />;
}
