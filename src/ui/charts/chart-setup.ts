/** Chart.js with only what the playground draws (tree-shaken), and defaults for a dark page. */
import { Chart, Legend, LinearScale, LineController, LineElement, PointElement, ScatterController, Tooltip } from 'chart.js';

Chart.register(LineController, ScatterController, LineElement, PointElement, LinearScale, Legend, Tooltip);
Chart.defaults.color = '#9aa3b5';
Chart.defaults.borderColor = '#2a3040';
Chart.defaults.font.size = 11;
// Live charts redraw several times a second: animation would only cost main-thread time.
Chart.defaults.animation = false;

export { Chart };
