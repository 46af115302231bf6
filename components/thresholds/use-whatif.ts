"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import type { PolicyInput } from "@/lib/policy/schemas";
import type { WhatIfResult } from "@/lib/policy/whatif";

type Json<T> = { [K in keyof T]: T[K] extends Date ? string : T[K] };

/** The what-if for the candidate as the admin edits it: debounced, previous result kept while loading. */
export function useWhatIf(merchantId: string, candidate: PolicyInput, days: 7 | 30 | 90) {
  const [debounced, setDebounced] = useState(candidate);
  useEffect(() => {
    const timer = setTimeout(() => setDebounced(candidate), 250);
    return () => clearTimeout(timer);
  }, [candidate]);
  return useQuery({
    queryKey: ["whatif", merchantId, days, debounced],
    queryFn: async (): Promise<Json<WhatIfResult>> => {
      const res = await fetch(`/api/m/${merchantId}/whatif`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ candidate: debounced, days }),
      });
      const body = await res.json();
      if (!res.ok) throw new Error(body?.error?.message ?? `HTTP ${res.status}`);
      return body;
    },
    placeholderData: keepPreviousData,
    retry: false,
  });
}
