import { randomBytes } from "node:crypto";
import autocannon from "autocannon";

/**
 * The load generator, run as its own process so it does not share an event loop with the
 * orchestrator: `node --import tsx lib/reliability/load-client.ts '<json>'` prints autocannon's
 * result as JSON. Intake requests each carry a new Idempotency-Key and order number.
 */
interface LoadSpec {
  url: string;
  method: "GET" | "POST";
  headers: Record<string, string>;
  connections: number;
  seconds: number;
  intake?: boolean;
}

const spec = JSON.parse(process.argv[2] ?? "{}") as LoadSpec;
const run = randomBytes(4).toString("hex");
let n = 0;
const statuses: Record<string, number> = {};

const instance = autocannon(
  {
    url: spec.url,
    method: spec.method,
    headers: spec.headers,
    connections: spec.connections,
    duration: spec.seconds,
    ...(spec.intake && {
      requests: [
        {
          setupRequest: (req) => {
            n += 1;
            const fen = 1_000 + ((n * 7_919) % 17_000);
            const yuan = (fen / 100).toFixed(2);
            return {
              ...req,
              headers: {
                ...req.headers,
                "idempotency-key": `load-${run}-${n}`,
                "content-type": "application/json",
              },
              body: JSON.stringify({
                out_trade_no: `L${run}${n}`,
                paid_amount: yuan,
                refund_amount: yuan,
                currency: "CNY",
                reason: "未收到货",
                customer: { id: `2088${String(n).padStart(12, "0")}` },
                merchant_category: "tea",
              }),
            };
          },
        },
      ],
    }),
  },
  (err: Error | null, result: autocannon.Result) => {
    if (err) {
      console.error(err.message);
      process.exit(1);
    }
    process.stdout.write(JSON.stringify({ ...result, statuses }));
  },
);
instance.on("response", (_client, statusCode: number) => {
  statuses[statusCode] = (statuses[statusCode] ?? 0) + 1;
});
