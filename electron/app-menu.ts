/**
 * The application menu of the running app: rebuilt from menuTemplate (menu-template.ts) whenever
 * what it shows changes — the page's state (reportAppState), the recent files, the theme — and
 * never otherwise (the page reports after every change; most reports change nothing).
 */
import type { MenuItemConstructorOptions } from 'electron';
import type { AppState } from '../core/lab/contract';
import { menuTemplate, type MenuActions, type Theme } from './menu-template';
import type { RecentFile } from './recent-files';

export interface AppMenuOptions {
  platform: NodeJS.Platform;
  isPackaged: boolean;
  actions: MenuActions;
  /** The recent files that still exist. */
  recent(): RecentFile[];
  /** Makes the template the application menu (Menu.setApplicationMenu(Menu.buildFromTemplate(…))). */
  apply(template: MenuItemConstructorOptions[]): void;
}

export class AppMenu {
  private state: AppState | null = null;
  private theme: Theme = 'system';
  private shown = '';

  constructor(private readonly options: AppMenuOptions) {}

  /** What the page reported; the menu is rebuilt only when it differs from the last report. */
  setState(state: AppState | null): void {
    if (JSON.stringify(state) === JSON.stringify(this.state)) return;
    this.state = state;
    this.render();
  }

  setTheme(theme: Theme): void {
    this.theme = theme;
    this.render();
  }

  template(): MenuItemConstructorOptions[] {
    const { platform, isPackaged } = this.options;
    return menuTemplate(
      { platform, isPackaged, state: this.state, recent: this.options.recent(), theme: this.theme },
      this.options.actions,
    );
  }

  render(): void {
    const template = this.template();
    // Click handlers are new closures every time; what the menu shows is the rest.
    const shown = JSON.stringify(template);
    if (shown === this.shown) return;
    this.shown = shown;
    this.options.apply(template);
  }
}
