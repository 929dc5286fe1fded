/**
 * Files dropped on the window, as the preload sees them: their paths (webUtils.getPathForFile) go
 * to main on DROP_CHANNEL, and the page is given none of them. A drop the page handled itself (a
 * drop zone that called preventDefault) is left alone. No Node here: the preload is sandboxed.
 */
/** The parts of a DragEvent used here (the preload is type-checked without the DOM's types). */
export interface DropEvent<F> {
  readonly defaultPrevented: boolean;
  preventDefault(): void;
  readonly dataTransfer: { readonly types: readonly string[]; readonly files: ArrayLike<F> } | null;
}

export interface DropTarget<F> {
  addEventListener(type: 'dragover' | 'drop', listener: (event: DropEvent<F>) => void): void;
}

export function forwardDroppedFiles<F>(target: DropTarget<F>, pathOf: (file: F) => string, send: (paths: string[]) => void): void {
  // Without preventDefault on dragover, Chromium does not allow the drop at all.
  target.addEventListener('dragover', (event) => {
    if (!event.defaultPrevented && event.dataTransfer?.types.includes('Files')) event.preventDefault();
  });
  target.addEventListener('drop', (event) => {
    const files = Array.from(event.dataTransfer?.files ?? []);
    if (event.defaultPrevented || files.length === 0) return;
    event.preventDefault();
    send(files.map((file) => pathOf(file)));
  });
}
