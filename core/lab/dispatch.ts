/**
 * Checks a window.lab call from the (untrusted) renderer and hands it to the service. The Electron
 * IPC adapter and the end-to-end test harness both go through here, so both refuse the same payloads,
 * and every verb waits here, once, for the service to be ready.
 */
import type { z } from 'zod';
import { LAB_VERBS, labVerbs, type LabHandlers, type LabRequest, type LabResponse, type LabVerb, type LabVerbMethods } from './verbs';

/** A call refused before it reached the service: unknown method or a payload that fails its schema. */
export class LabRequestError extends Error {
  constructor(
    readonly method: string,
    /** One line per problem: 'settings.learningRate: Too big: expected number to be <=1000000'. */
    readonly issues: string[],
  ) {
    super(`lab.${method} refused its request: ${issues.join('; ')}`);
    this.name = 'LabRequestError';
  }
}

/** What window.lab reaches in the main process: a handler per verb, and the wait they all need first. */
export interface LabBackend {
  /** Resolves once the backend can serve (the lab service has read its run records); rejects with why it cannot. */
  ready(): Promise<void>;
  readonly handlers: LabHandlers;
}

const MAX_ISSUES = 5;

export function isLabVerb(name: unknown): name is LabVerb {
  return typeof name === 'string' && Object.hasOwn(LAB_VERBS, name);
}

/** 'spec.layers[0].units' from zod's path; '(the whole request)' for the top level. */
function pathText(path: readonly PropertyKey[]): string {
  let text = '';
  for (const key of path) text += typeof key === 'number' ? `[${key}]` : `${text ? '.' : ''}${String(key)}`;
  return text || '(the whole request)';
}

function issueLines(issues: readonly z.core.$ZodIssue[]): string[] {
  const lines = issues.slice(0, MAX_ISSUES).map((issue) => `${pathText(issue.path)}: ${issue.message}`);
  if (issues.length > MAX_ISSUES) lines.push(`and ${issues.length - MAX_ISSUES} more`);
  return lines;
}

/** The validated request (a fresh object, unknown keys refused), or a LabRequestError naming every bad field. */
export function parseLabRequest<V extends LabVerb>(verb: V, payload: unknown): LabRequest<V> {
  const schema: z.ZodType = LAB_VERBS[verb].request;
  const result = schema.safeParse(payload);
  if (!result.success) throw new LabRequestError(verb, issueLines(result.error.issues));
  return result.data as LabRequest<V>;
}

/** Calls a verb's handler with a request already checked (or from a trusted caller), once the backend is ready. */
export async function invokeLab<V extends LabVerb>(backend: LabBackend, verb: V, request: LabRequest<V>): Promise<LabResponse<V>> {
  await backend.ready();
  const handler: (request: LabRequest<V>) => LabResponse<V> | Promise<LabResponse<V>> = backend.handlers[verb];
  return handler(request);
}

/** Validates `payload` for `method` and invokes it; nothing invalid reaches the handlers. */
export async function callLab(backend: LabBackend, method: unknown, payload: unknown): Promise<unknown> {
  if (!isLabVerb(method)) throw new LabRequestError(String(method).slice(0, 60), ['there is no such lab method']);
  return invokeLab(backend, method, parseLabRequest(method, payload));
}

/** The backend's verbs as methods, for trusted callers in the main process and tests: not validated, each waits for ready(). */
export function trustedLab(backend: LabBackend): LabVerbMethods {
  return labVerbs((verb, request) => invokeLab(backend, verb, request as LabRequest<typeof verb>));
}
