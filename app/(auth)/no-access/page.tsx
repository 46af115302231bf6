import { NotAllowed } from "@/components/shell/not-allowed";

export default function NoAccess() {
  return (
    <main className="p-10">
      <NotAllowed reason="none" />
    </main>
  );
}
