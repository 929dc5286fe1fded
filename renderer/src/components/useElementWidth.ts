import { onBeforeUnmount, onMounted, ref, type Ref } from 'vue';

/** The content width of an element, kept current with a ResizeObserver (fallback where there is none). */
export function useElementWidth(target: Ref<HTMLElement | undefined>, fallback = 640): Ref<number> {
  const width = ref(fallback);
  let observer: ResizeObserver | undefined;
  onMounted(() => {
    const el = target.value;
    if (!el) return;
    if (el.clientWidth > 0) width.value = el.clientWidth;
    if (typeof ResizeObserver === 'undefined') return;
    observer = new ResizeObserver(([entry]) => {
      if (entry && entry.contentRect.width > 0) width.value = entry.contentRect.width;
    });
    observer.observe(el);
  });
  onBeforeUnmount(() => observer?.disconnect());
  return width;
}
