"use client";

import { useQuery } from "@tanstack/react-query";
import type { Lane } from "@/lib/review/schemas";

export interface QueueItem {
  id: string;
  kind: "REFUND" | "DISPUTE";
  status: string;
  outTradeNo: string;
  requestedAmountFen: number;
  merchantCategory: string;
  routeReasons: string[];
  createdAt: string;
  dueAt: string;
  claimedById: string | null;
  claimedByName: string | null;
  claimExpiresAt: string | null;
  version: number;
  riskScore: string | null;
  confidence: string | null;
  recommendation: string | null;
  lastError: string | null;
}

export interface QueueData {
  counts: Record<Lane | "total", number>;
  rows: QueueItem[];
  /** the server's time when it read the queue (ISO): ages and "updated" are reckoned from it, so they agree on server and browser whatever the browser's clock */
  readAt: string;
}

export const queueKey = (merchantId: string, query: string) => ["queue", merchantId, query] as const;

/** The queue, refreshed every 5 seconds while the page is open. */
export function useQueue(merchantId: string, query: string, initialData: QueueData) {
  return useQuery({
    queryKey: queueKey(merchantId, query),
    queryFn: async (): Promise<QueueData> => {
      const res = await fetch(`/api/m/${merchantId}/queue?${query}`, { cache: "no-store" });
      if (!res.ok) throw new Error((await res.json().catch(() => null))?.error?.message ?? `HTTP ${res.status}`);
      return res.json();
    },
    initialData,
    initialDataUpdatedAt: () => Date.parse(initialData.readAt),
    refetchInterval: 5_000,
    refetchOnWindowFocus: true,
  });
}
