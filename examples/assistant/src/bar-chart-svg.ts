/** A grouped bar chart of values in [0, 1] (one group per skill, one bar per series), as a standalone SVG. */
export interface BarChart {
  title: string;
  groups: readonly string[];
  series: readonly { name: string; values: readonly number[] }[];
}

const COLORS = ['#9aa5b1', '#2f6fdf', '#e8833a', '#3aa76d'];
const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;');

export function barChartSvg(chart: BarChart): string {
  const bar = 22;
  const gap = 26;
  const left = 48;
  const top = 40;
  const height = 200;
  const groupWidth = chart.series.length * bar + gap;
  const width = left + chart.groups.length * groupWidth + 160;
  const y = (v: number) => top + height - Math.max(0, Math.min(1, v)) * height;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${top + height + 50}" font-family="sans-serif" font-size="12">`,
    `<text x="${left}" y="20" font-size="14">${escape(chart.title)}</text>`,
  ];
  for (const tick of [0, 0.25, 0.5, 0.75, 1]) {
    parts.push(`<line x1="${left}" x2="${left + chart.groups.length * groupWidth}" y1="${y(tick)}" y2="${y(tick)}" stroke="#ddd"/>`, `<text x="${left - 6}" y="${y(tick) + 4}" text-anchor="end">${tick}</text>`);
  }
  chart.groups.forEach((group, g) => {
    const x0 = left + gap / 2 + g * groupWidth;
    chart.series.forEach((series, s) => {
      const value = series.values[g] ?? 0;
      parts.push(
        `<rect x="${x0 + s * bar}" y="${y(value)}" width="${bar - 3}" height="${top + height - y(value)}" fill="${COLORS[s % COLORS.length]}"><title>${escape(series.name)}: ${value}</title></rect>`,
        `<text x="${x0 + s * bar + (bar - 3) / 2}" y="${y(value) - 3}" text-anchor="middle" font-size="10">${Math.round(value * 100)}</text>`,
      );
    });
    parts.push(`<text x="${x0 + (chart.series.length * bar) / 2}" y="${top + height + 18}" text-anchor="middle">${escape(group)}</text>`);
  });
  chart.series.forEach((series, s) => {
    const ly = top + 10 + s * 18;
    const lx = left + chart.groups.length * groupWidth + 16;
    parts.push(`<rect x="${lx}" y="${ly - 10}" width="12" height="12" fill="${COLORS[s % COLORS.length]}"/>`, `<text x="${lx + 18}" y="${ly}">${escape(series.name)}</text>`);
  });
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}
