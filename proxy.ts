import { NextResponse, type NextRequest } from "next/server";
import { urlHasNul } from "@/lib/input-text";
import { contentSecurityPolicy, newNonce } from "@/lib/security/headers";

const NUL_MESSAGE = "The address contains a NUL character (%00), which no page or API accepts.";

/**
 * A fresh nonce per page request: Next reads it from the request's Content-Security-Policy header
 * and puts it on its own scripts, so no inline script runs without it.
 */
export function proxy(request: NextRequest) {
  const api = request.nextUrl.pathname.startsWith("/api/");
  if (urlHasNul(request.url)) {
    return api
      ? NextResponse.json({ error: { code: "invalid_request", message: NUL_MESSAGE } }, { status: 400, headers: { "Cache-Control": "no-store" } })
      : new NextResponse(NUL_MESSAGE, { status: 400, headers: { "Content-Type": "text/plain; charset=utf-8" } });
  }
  // JSON has no scripts; a prefetch's payload is not a document: neither needs a CSP nonce.
  if (api || isPrefetch(request)) return NextResponse.next();
  // NODE_ENV is fixed at build time by Next; it is not configuration.
  const csp = contentSecurityPolicy(newNonce(), process.env.NODE_ENV === "development");
  const headers = new Headers(request.headers);
  headers.set("Content-Security-Policy", csp);
  const response = NextResponse.next({ request: { headers } });
  response.headers.set("Content-Security-Policy", csp);
  return response;
}

function isPrefetch(request: NextRequest) {
  return request.headers.has("next-router-prefetch") || request.headers.get("purpose") === "prefetch";
}

export const config = {
  // Every page, server action, prefetch and API route; not immutable static files. The function
  // above decides what each gets: the NUL check for all, a CSP only for documents.
  matcher: ["/((?!_next/static|_next/image|favicon.ico).*)"],
};
