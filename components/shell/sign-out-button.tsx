"use client";

import { LogOut } from "lucide-react";
import { signOut } from "next-auth/react";

export function SignOutButton({ label }: { label: string }) {
  return (
    <button
      type="button"
      onClick={() => signOut({ callbackUrl: "/sign-in" })}
      className="mt-2 inline-flex items-center gap-1 text-muted-foreground hover:text-foreground"
      data-testid="sign-out"
    >
      <LogOut className="h-3.5 w-3.5" />
      {label}
    </button>
  );
}
