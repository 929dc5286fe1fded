// @vitest-environment happy-dom
import { beforeEach, describe, expect, it } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { flushPromises, mount } from '@vue/test-utils';
import NoticeBar from '@renderer/components/train/NoticeBar.vue';
import { useModelsStore } from '@renderer/stores/models';
import { useRunsStore } from '@renderer/stores/runs';
import { useShellStore } from '@renderer/stores/shell';
import { installFakeLab } from '../fake-lab';
import { modelSummary } from './fixtures';

beforeEach(() => setActivePinia(createPinia()));

describe("Inspect's save notice", () => {
  it('says where the file went: its full path, not its name alone', async () => {
    installFakeLab({
      saveModel: async () => ({ saved: true as const, fileName: 'm.fathom.json', path: '/home/ada/models/m.fathom.json' }),
      exportOnnx: async () => ({ saved: false as const }),
    });
    const shell = useShellStore();
    await shell.saveModelOf({ modelId: 'm' });
    expect(shell.notice).toEqual({ kind: 'info', text: 'Saved /home/ada/models/m.fathom.json', path: '/home/ada/models/m.fathom.json' });
    // A cancelled dialog says nothing new.
    shell.notice = null;
    await shell.exportOnnxOf({ modelId: 'm' });
    expect(shell.notice).toBeNull();
  });
});

describe('Show in folder', () => {
  it('is offered by a save notice, and asks main to show that path; a refusal is said', async () => {
    const revealed: string[] = [];
    let refuse = false;
    installFakeLab({
      saveModel: async () => ({ saved: true as const, fileName: 'm.fathom.json', path: '/home/ada/models/m.fathom.json' }),
      revealPath: async ({ path }) => {
        if (refuse) throw new Error('Only a file the lab saved can be shown in its folder');
        revealed.push(path);
      },
    });
    const shell = useShellStore();
    await shell.saveModelOf({ modelId: 'm' });
    expect(shell.notice?.path).toBe('/home/ada/models/m.fathom.json');
    await shell.reveal(shell.notice!.path!);
    expect(revealed).toEqual(['/home/ada/models/m.fathom.json']);
    refuse = true;
    await shell.reveal('/home/ada/models/m.fathom.json');
    expect(shell.notice).toMatchObject({ kind: 'error', text: expect.stringMatching(/show the file in its folder/) });
    expect(shell.notice?.path).toBeUndefined();
  });

  it("has a button on the Train tab's notice of a saved run", async () => {
    const revealed: string[] = [];
    installFakeLab({ revealPath: async ({ path }) => void revealed.push(path) });
    const runs = useRunsStore();
    runs.notice = { kind: 'info', text: 'Saved the model to /home/ada/r.fathom.json', path: '/home/ada/r.fathom.json' };
    const wrapper = mount(NoticeBar);
    await wrapper.get('[data-testid="train-notice-reveal"]').trigger('click');
    await flushPromises();
    expect(revealed).toEqual(['/home/ada/r.fathom.json']);
    runs.notice = { kind: 'error', text: 'Could not save' };
    await flushPromises();
    expect(wrapper.find('[data-testid="train-notice-reveal"]').exists()).toBe(false);
    wrapper.unmount();
  });
});

describe("Inspect's CSV button", () => {
  it("asks for the matrix of the epoch the slider shows, and the model's own when it shows none", async () => {
    const asked: unknown[] = [];
    installFakeLab({ exportWeightCsv: async (request) => (asked.push(request), { saved: false as const }) });
    const models = useModelsStore();
    models.model = modelSummary('m1');
    const shell = useShellStore();
    await shell.exportWeightCsv(1);
    models.epoch = 3;
    await shell.exportWeightCsv(2);
    expect(asked).toEqual([
      { modelId: 'm1', layer: 1 },
      { modelId: 'm1', layer: 2, epoch: 3 },
    ]);
  });
});
