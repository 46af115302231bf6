/** A gateway refusal: becomes `{ code, message, links }` with `status` (or HTTP 200 under the error_200 fault). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = "ApiError";
  }
}

export const invalidParameter = (message: string) => new ApiError(400, "invalid-parameter", message);
export const business = (code: string, message: string) => new ApiError(400, code, message);

export function errorBody(code: string, message: string) {
  return { code, message, links: [{ link: "https://opendocs.alipay.com/open-v3/054fcv", desc: "error codes" }] };
}
