/** What the explanation panel is showing, shared by the designer's controls through provide/inject. */
import { inject, provide, ref, type InjectionKey, type Ref } from 'vue';
import type { Topic } from '@renderer/model/design/explanations';

export interface ExplainContext {
  topic: Ref<Topic>;
  /** The layer being edited (index into spec.layers, −1 = input), highlighted in the drawing. */
  layer: Ref<number | null>;
  show(topic: Topic, layer?: number | null): void;
}

const key: InjectionKey<ExplainContext> = Symbol('explain');

function createContext(): ExplainContext {
  const topic = ref<Topic>('overview');
  const layer = ref<number | null>(null);
  return {
    topic,
    layer,
    show(t, l = null) {
      topic.value = t;
      layer.value = l;
    },
  };
}

export function provideExplain(): ExplainContext {
  const context = createContext();
  provide(key, context);
  return context;
}

/** The designer's context, or a private one when a component is mounted alone (tests). */
export function useExplain(): ExplainContext {
  return inject(key, createContext, true);
}
