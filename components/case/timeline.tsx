import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { formatDateTime } from "@/lib/i18n/format";
import { labelOf, type Locale, type Translate } from "@/lib/i18n";

/** The person-readable name of an audit action; an action without one shows as recorded. */
export function eventLabel(t: Translate, action: string): string {
  return labelOf(t, "events", action);
}

export function Timeline({ events, t, locale, timeZone }: { events: { id: string; action: string; actor: string | null; at: Date }[]; t: Translate; locale: Locale; timeZone: string }) {
  return (
    <Card>
      <CardHeader>
        <CardTitle>{t("case.timeline")}</CardTitle>
      </CardHeader>
      <CardContent>
        <ol className="space-y-2 text-sm" data-testid="timeline">
          {events.map((e) => (
            <li key={e.id} className="flex gap-2" data-action={e.action}>
              <span className="mt-1.5 h-2 w-2 shrink-0 rounded-full bg-primary/60" />
              <div>
                <div title={e.action}>{eventLabel(t, e.action)}</div>
                <div className="text-xs text-muted-foreground">
                  {formatDateTime(e.at, locale, timeZone)}
                  {` · ${e.actor ?? t("events.system")}`}
                </div>
              </div>
            </li>
          ))}
        </ol>
      </CardContent>
    </Card>
  );
}
