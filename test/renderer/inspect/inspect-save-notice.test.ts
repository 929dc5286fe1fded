// @vitest-environment happy-dom
import { beforeEach, describe, expect, it } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { useShellStore } from '@renderer/stores/shell';
import { installFakeLab } from '../fake-lab';

beforeEach(() => setActivePinia(createPinia()));

describe("Inspect's save notice", () => {
  it('says where the file went: its full path, not its name alone', async () => {
    installFakeLab({
      saveModel: async () => ({ saved: true as const, fileName: 'm.fathom.json', path: '/home/ada/models/m.fathom.json' }),
      exportOnnx: async () => ({ saved: false as const }),
    });
    const shell = useShellStore();
    await shell.saveModelOf({ modelId: 'm' });
    expect(shell.notice).toEqual({ kind: 'info', text: 'Saved /home/ada/models/m.fathom.json' });
    // A cancelled dialog says nothing new.
    shell.notice = null;
    await shell.exportOnnxOf({ modelId: 'm' });
    expect(shell.notice).toBeNull();
  });
});
