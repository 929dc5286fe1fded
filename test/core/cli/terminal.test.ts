import { describe, expect, it } from 'vitest';
import { jsonLine, printable } from '../../../core/cli/terminal';

describe('printable', () => {
  it('writes control characters as visible escapes and leaves the rest alone', () => {
    expect(printable('row 3: \x1b[2J\x00 é η █ – ok')).toBe('row 3: \\x1b[2J\\x00 é η █ – ok');
    expect(printable('a\nb\rc\td\x7f\x9b')).toBe('a\\nb\\rc\\td\\x7f\\x9b');
    // Bidirectional overrides reorder what a terminal shows (a file name could pose as another).
    expect(printable('model\u202egnp.json')).toBe('model\\u202egnp.json');
  });
});

describe('jsonLine', () => {
  it('is one line of valid JSON with no raw control, C1 or bidi characters, and parses back to the same value', () => {
    const value = { type: 'saved', file: 'x\x1b[2J\n\x9b\u202e\u2066.json' };
    const line = jsonLine(value);
    expect(line).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
    expect(JSON.parse(line)).toEqual(value);
  });
});
