"use client";

import { useI18n } from "@/components/providers";
import { Dialog, DialogContent } from "@/components/ui/dialog";

const KEYS = [
  ["j / k", "move"],
  ["Enter", "open"],
  ["n", "next"],
  ["x", "select"],
  ["a", "approve"],
  ["p", "partial"],
  ["r", "reject"],
  ["e", "escalate"],
  ["?", "help"],
  ["Esc", "close"],
] as const;

export function ShortcutsDialog({ open, onOpenChange }: { open: boolean; onOpenChange: (open: boolean) => void }) {
  const { t } = useI18n();
  return (
    <Dialog open={open} onOpenChange={onOpenChange}>
      <DialogContent title={t("review.shortcuts")} data-testid="shortcuts-dialog">
        <dl className="grid grid-cols-[6rem_1fr] gap-y-1.5 text-sm">
          {KEYS.map(([key, label]) => (
            <div key={key} className="contents">
              <dt>
                <kbd>{key}</kbd>
              </dt>
              <dd className="text-muted-foreground">{t(`review.keys.${label}`)}</dd>
            </div>
          ))}
        </dl>
      </DialogContent>
    </Dialog>
  );
}
