/**
 * The page's theme as runes, so charts repaint and re-pick their line colours when it changes: the
 * presentation view, or the system switching between light and dark (ui/theme.ts puts both as
 * classes on the root element, which is what this watches).
 */
class ChartTheme {
  light = $state(false);
  present = $state(false);
}

export const chartTheme = new ChartTheme();

function read(): void {
  const classes = document.documentElement.classList;
  chartTheme.light = classes.contains('light');
  chartTheme.present = classes.contains('present');
}

if (typeof document !== 'undefined') {
  read();
  new MutationObserver(read).observe(document.documentElement, { attributes: true, attributeFilter: ['class'] });
}
