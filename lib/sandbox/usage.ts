import type { AiEndpoint } from "./billing";

/**
 * The sandbox's own count of what each app sent, kept apart from the limiter and the billing so a
 * test can check them against it: calls per app in every trailing rate-limit window, and calls
 * per conversation per endpoint.
 */

/** Timestamps in arrival order with a moving head: how many fall in the trailing window. */
class Trail {
  private times: number[] = [];
  private head = 0;

  /** Adds `now` and returns how many of the trail are within (now - windowMs, now]. */
  add(now: number, windowMs: number): number {
    while (this.head < this.times.length && (this.times[this.head] ?? 0) <= now - windowMs) this.head += 1;
    if (this.head > 1024 && this.head * 2 > this.times.length) {
      this.times = this.times.slice(this.head);
      this.head = 0;
    }
    this.times.push(now);
    return this.times.length - this.head;
  }
}

export interface AppUsage {
  /** the limit in force now */
  limit: number;
  /** calls the limiter let through (they count against the limit) */
  accepted: number;
  /** calls the limiter refused with 429 `app-call-limited` (injected faults not included) */
  refused: number;
  /** the most accepted calls in any trailing window */
  peak: number;
  peakAt: string | null;
  /** the most calls that arrived (accepted or refused) in any trailing window: the demand */
  peakAttempted: number;
}

export interface ConversationUsage {
  appId: string;
  endpoint: AiEndpoint;
  conversationId: string;
  /** answers given for this conversation, the first and every replay */
  calls: number;
  /** answers that were billed */
  charged: number;
}

export interface UsageView {
  windowMs: number;
  apps: Record<string, AppUsage>;
  conversations: {
    count: number;
    calls: number;
    charged: number;
    /** AI calls without a conversation_id: each one is decided and billed again */
    unkeyedCalls: number;
    /** should always be empty: a conversation is billed once */
    chargedMoreThanOnce: ConversationUsage[];
    list: ConversationUsage[];
  };
}

interface AppCounters {
  accepted: number;
  refused: number;
  peak: number;
  peakAt: number | null;
  peakAttempted: number;
  acceptedTrail: Trail;
  attemptedTrail: Trail;
}

export class UsageCounters {
  private readonly apps = new Map<string, AppCounters>();
  private readonly conversations = new Map<string, ConversationUsage>();
  private unkeyedCalls = 0;

  constructor(private readonly windowMs: number) {}

  /** One call that reached the rate limiter, with its verdict. */
  rateLimited(appId: string, now: number, accepted: boolean): void {
    const app = this.app(appId);
    app.peakAttempted = Math.max(app.peakAttempted, app.attemptedTrail.add(now, this.windowMs));
    if (!accepted) {
      app.refused += 1;
      return;
    }
    app.accepted += 1;
    const inWindow = app.acceptedTrail.add(now, this.windowMs);
    if (inWindow > app.peak) {
      app.peak = inWindow;
      app.peakAt = now;
    }
  }

  /** One AI answer (synchronous or a batch item); `conversationId` undefined when the request had none. */
  aiCall(appId: string, endpoint: AiEndpoint, conversationId: string | undefined, charged: boolean): void {
    if (conversationId === undefined) {
      this.unkeyedCalls += 1;
      return;
    }
    const key = `${appId}\u0000${endpoint}\u0000${conversationId}`;
    let c = this.conversations.get(key);
    if (!c) this.conversations.set(key, (c = { appId, endpoint, conversationId, calls: 0, charged: 0 }));
    c.calls += 1;
    if (charged) c.charged += 1;
  }

  view(limit: number): UsageView {
    const apps: Record<string, AppUsage> = {};
    for (const [appId, a] of this.apps) {
      apps[appId] = {
        limit,
        accepted: a.accepted,
        refused: a.refused,
        peak: a.peak,
        peakAt: a.peakAt === null ? null : new Date(a.peakAt).toISOString(),
        peakAttempted: a.peakAttempted,
      };
    }
    const list = [...this.conversations.values()].map((c) => ({ ...c }));
    return {
      windowMs: this.windowMs,
      apps,
      conversations: {
        count: list.length,
        calls: list.reduce((n, c) => n + c.calls, this.unkeyedCalls),
        charged: list.reduce((n, c) => n + c.charged, this.unkeyedCalls),
        unkeyedCalls: this.unkeyedCalls,
        chargedMoreThanOnce: list.filter((c) => c.charged > 1),
        list,
      },
    };
  }

  reset(): void {
    this.apps.clear();
    this.conversations.clear();
    this.unkeyedCalls = 0;
  }

  private app(appId: string): AppCounters {
    let a = this.apps.get(appId);
    if (!a) {
      a = { accepted: 0, refused: 0, peak: 0, peakAt: null, peakAttempted: 0, acceptedTrail: new Trail(), attemptedTrail: new Trail() };
      this.apps.set(appId, a);
    }
    return a;
  }
}
