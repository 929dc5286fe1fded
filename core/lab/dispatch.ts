/**
 * Checks a window.lab call from the (untrusted) renderer and hands it to the service. The Electron
 * IPC adapter and the end-to-end test harness both go through here, so both refuse the same payloads.
 */
import type { z } from 'zod';
import { LAB_METHODS, type LabHandlers, type LabMethodName, type LabMethods } from './contract';
import { requestSchemas } from './schemas';

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

const MAX_ISSUES = 5;

export function isLabMethod(name: unknown): name is LabMethodName {
  return typeof name === 'string' && (LAB_METHODS as readonly string[]).includes(name);
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
export function parseLabRequest<K extends LabMethodName>(method: K, payload: unknown): LabMethods[K][0] {
  const result = requestSchemas[method].safeParse(payload);
  if (!result.success) throw new LabRequestError(method, issueLines(result.error.issues));
  return result.data as LabMethods[K][0];
}

/** Validates `payload` for `method` and calls the handler; nothing invalid reaches the handlers. */
export async function callLab(handlers: LabHandlers, method: unknown, payload: unknown): Promise<unknown> {
  if (!isLabMethod(method)) throw new LabRequestError(String(method).slice(0, 60), ['there is no such lab method']);
  const request = parseLabRequest(method, payload);
  const handler = handlers[method] as (request: unknown) => Promise<unknown>;
  return handler.call(handlers, request);
}
