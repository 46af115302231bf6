/** Client-safe: the error code next-auth returns when sign-in attempts are throttled. */
export const THROTTLED = "TooManyAttempts";
