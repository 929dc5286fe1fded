import { describe, expect, it } from 'vitest';
import { escapeForMessage, quoteForMessage } from '../../../core/files/quote';

describe('quoting file content in messages', () => {
  it('escapes control characters, so a cell cannot clear the terminal or hide behind a NUL', () => {
    expect(escapeForMessage('a\u001b[2Jb\u0000c\r\n\t')).toBe('a\\x1b[2Jb\\x00c\\r\\n\\t');
    expect(escapeForMessage('\u007f\u0085\u009b')).toBe('\\x7f\\x85\\x9b');
  });

  it('escapes invisible and reordering characters, and lone surrogates', () => {
    expect(escapeForMessage('evil\u202egpj.png')).toBe('evil\\u202egpj.png');
    expect(escapeForMessage('a\u200bb\ufeff')).toBe('a\\u200bb\\ufeff');
    expect(escapeForMessage('x\ud800y\udc00')).toBe('x\\ud800y\\udc00');
  });

  it('leaves ordinary text, accents, CJK and emoji alone', () => {
    expect(escapeForMessage('Café 数字 😀 ±½')).toBe('Café 数字 😀 ±½');
  });

  it('quotes and shortens a cell, escaping after cutting', () => {
    expect(quoteForMessage('abc')).toBe("'abc'");
    expect(quoteForMessage('x'.repeat(50))).toBe(`'${'x'.repeat(37)}…'`);
    expect(quoteForMessage(`\u001b[2J${'y'.repeat(60)}`)).toBe(`'\\x1b[2J${'y'.repeat(33)}…'`);
    // A cut never splits an emoji into an escaped half.
    expect(quoteForMessage(`${'z'.repeat(36)}😀😀😀`)).toBe(`'${'z'.repeat(36)}…'`);
  });

  it("shows a file's first bytes as printable ASCII with everything else escaped", () => {
    const passwd = new TextEncoder().encode('root:x:0:0:root:/root:/bin/bash\n\u001b[31mdaemon');
    expect(quoteForMessage(passwd, 12)).toBe("'root:x:0:…'");
    expect(quoteForMessage(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))).toBe("'\\x89PNG\\r\\n\\x1a\\n'");
  });
});
