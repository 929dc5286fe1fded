/**
 * What the CLI writes to a terminal: text that quotes a file (a CSV cell, a model's dataset name,
 * a path) must not reach it raw, since a terminal acts on control characters instead of showing
 * them (a cell holding ESC[2J would clear the screen). Every line the CLI prints goes through here.
 */

import { escapeForMessage, escapeJsonText } from '../files/quote';

/** `text` with every character a terminal could act on written as a visible escape (`\x1b`, `\n`, `\u202e`). */
export const printable = escapeForMessage;

/** One JSON line, with the characters JSON.stringify leaves raw escaped too (still valid JSON). */
export function jsonLine(value: unknown): string {
  return escapeJsonText(JSON.stringify(value));
}
