import { z } from "zod";
import { ProblemOut } from "@/app/api/_http/present";
import { errorStatuses, type ApiContract } from "@/app/api/_http/route";

/**
 * Holds a response to the contract its route declares (see `apiRoute`): a success status with a
 * body that the declared schema reads with no undeclared fields, or a declared error status with
 * a problem+json body. `call` runs it on every response of a route that carries a contract, so
 * the whole API suite checks the document against what the routes really answer.
 */
export function checkContract(handler: unknown, method: string, status: number, body: unknown): void {
  const contract = typeof handler === "function" ? (handler as { contract?: ApiContract }).contract : undefined;
  if (!contract) return;
  const where = `${method} "${contract.summary}" answered ${status}`;
  const { response } = contract;
  if (status === response.status || response.also?.includes(status)) {
    const parsed = response.schema.safeParse(body);
    if (!parsed.success) throw new Error(`${where} with a body its declared response schema refuses:\n${z.prettifyError(parsed.error)}`);
    const extra = undeclared(body, parsed.data);
    if (extra.length) throw new Error(`${where} with fields its declared response schema does not have: ${extra.join(", ")}`);
    return;
  }
  const declared = errorStatuses(contract, method);
  if (!declared.includes(status as never)) throw new Error(`${where}, a status its contract does not declare (declared: ${response.status}, ${declared.join(", ")})`);
  const problem = ProblemOut.strict().safeParse(body);
  if (!problem.success) throw new Error(`${where} with a body that is not a Problem:\n${z.prettifyError(problem.error)}`);
  if (problem.data.status !== status) throw new Error(`${where} with a Problem whose status is ${problem.data.status}`);
}

/** Paths of fields in `sent` that the schema dropped while parsing it into `read`. */
function undeclared(sent: unknown, read: unknown, path = ""): string[] {
  if (Array.isArray(sent) && Array.isArray(read)) return sent.flatMap((item, i) => undeclared(item, read[i], `${path}[${i}]`));
  if (!isObject(sent) || !isObject(read)) return [];
  return Object.keys(sent).flatMap((key) => {
    const at = path ? `${path}.${key}` : key;
    return key in read ? undeclared(sent[key], read[key], at) : [at];
  });
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
