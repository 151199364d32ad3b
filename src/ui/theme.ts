/**
 * The page's colour theme: light when the system prefers it or in the presentation view, else
 * dark. A class on the root element (global.css holds the palettes), set before anything draws.
 */
const prefersLight = typeof matchMedia === 'function' ? matchMedia('(prefers-color-scheme: light)') : undefined;
let presenting = false;

function apply(): void {
  const root = document.documentElement;
  root.classList.toggle('present', presenting);
  root.classList.toggle('light', presenting || prefersLight?.matches === true);
}

prefersLight?.addEventListener('change', apply);

/** Enter or leave the presentation view (light, large type). */
export function setPresentationTheme(on: boolean): void {
  presenting = on;
  apply();
}

// Before the first paint: the system's preference.
apply();
