import type { App, Component, GlobalComponents } from 'vue';

/** Every single-file component, by file name (components/board/BoardActionRow.vue -> BoardActionRow). */
const modules = import.meta.glob<{ default: Component }>('./**/*.vue', { eager: true });
const byName = new Map(
  Object.entries(modules).map(([path, module]) => [
    path.replace(/^.*\//, '').replace(/\.vue$/, ''),
    module.default,
  ]),
);

export type ComponentName = keyof GlobalComponents & string;

/** The component with this name; names are checked against components.d.ts at compile time. */
export function component(name: ComponentName): Component {
  const found = byName.get(name);
  if (!found) throw new Error(`No component file named ${name}.vue`);
  return found;
}

/** Registers every component globally, so templates use them without importing `.vue` files. */
export function registerComponents(app: App): void {
  for (const [name, definition] of byName) app.component(name, definition);
}
