import type { MultiInstanceResult } from "./run";

/** What must hold after a multi-instance run; an empty list means it passed. */
export function checkMultiInstance(r: MultiInstanceResult): string[] {
  const problems: string[] = [];
  if (r.decisions.cases !== r.cases) problems.push(`${r.decisions.cases} cases stored for ${r.cases} requests`);
  if (r.decisions.withMore > 0) problems.push(`${r.decisions.withMore} cases have more than one AI decision`);
  if (r.decisions.withNone > 0) problems.push(`${r.decisions.withNone} cases have no AI decision`);
  // Each case's assessment has one conversation id: the sandbox bills it once, so exactly one billed call per case.
  if (r.sandbox.assessCharged !== r.cases) problems.push(`the sandbox billed ${r.sandbox.assessCharged} refund assessments for ${r.cases} cases`);
  if (r.sandbox.riskCharged !== r.cases) problems.push(`the sandbox billed ${r.sandbox.riskCharged} risk scores for ${r.cases} cases`);
  if (r.sandbox.status429 > 0) problems.push(`the sandbox refused ${r.sandbox.status429} calls over the limit (429)`);
  if (r.ledger.rateLimited > 0) problems.push(`${r.ledger.rateLimited} RATE_LIMITED attempts in the ledger`);
  if (r.jobs.pending > 0) problems.push(`${r.jobs.pending} jobs still pending`);
  if (r.jobs.failed > 0) problems.push(`${r.jobs.failed} jobs failed for good`);
  for (const [m, q] of Object.entries(r.queue)) if (!q.same) problems.push(`the queue of ${m} differs between the two instances`);
  return problems;
}
