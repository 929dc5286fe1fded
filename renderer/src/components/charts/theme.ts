/** Chart colours taken from the app's CSS variables, so charts follow light and dark themes. */
export interface ChartTheme {
  text: string;
  muted: string;
  grid: string;
  surface: string;
  font: string;
}

function cssVar(style: CSSStyleDeclaration, names: string[], fallback: string): string {
  for (const name of names) {
    const value = style.getPropertyValue(name).trim();
    if (value) return value;
  }
  return fallback;
}

export function readTheme(el: Element = document.documentElement): ChartTheme {
  const style = getComputedStyle(el);
  const dark = window.matchMedia?.('(prefers-color-scheme: dark)').matches ?? false;
  return {
    text: cssVar(style, ['--text'], dark ? '#e6e8eb' : '#1f2328'),
    muted: cssVar(style, ['--text-2'], dark ? '#9aa4b2' : '#5b6470'),
    grid: cssVar(style, ['--border'], dark ? '#2e3440' : '#e3e6ea'),
    surface: cssVar(style, ['--surface'], dark ? '#171a21' : '#ffffff'),
    font: cssVar(style, ['--font-ui'], 'system-ui, sans-serif'),
  };
}
