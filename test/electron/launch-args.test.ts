import { describe, expect, it } from 'vitest';
import { modelPathFromArgv } from '../../electron/launch-args';

describe('modelPathFromArgv', () => {
  it('takes the last *.fathom.json argument, made absolute against the launch folder', () => {
    expect(modelPathFromArgv(['/opt/Fathom/fathom', 'digits.fathom.json'], '/home/ada')).toBe('/home/ada/digits.fathom.json');
    expect(modelPathFromArgv(['/opt/Fathom/fathom', '/tmp/a.fathom.json', 'b/c.FATHOM.JSON'], '/home/ada')).toBe(
      '/home/ada/b/c.FATHOM.JSON',
    );
    expect(modelPathFromArgv(['electron', '.', '--no-sandbox', '/tmp/m.fathom.json'], '/repo')).toBe('/tmp/m.fathom.json');
  });

  it('ignores the executable, switches, the app folder and other files', () => {
    expect(modelPathFromArgv(['/opt/Fathom/fathom'], '/home/ada')).toBeUndefined();
    expect(modelPathFromArgv(['/x/y.fathom.json'], '/home/ada')).toBeUndefined(); // argv[0] is the executable
    expect(modelPathFromArgv(['electron', '.', '--inspect=x.fathom.json', 'notes.json', 'model.fathom.json.bak'], '/r')).toBeUndefined();
  });
});
