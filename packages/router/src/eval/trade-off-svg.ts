import type { TradeOffPoint } from './trade-off-curve.ts';

const W = 420;
const H = 320;
const PAD = 48;

/**
 * The trade-off curve as a standalone SVG line chart: x = out-of-scope recall, y =
 * in-scope accuracy, one point per threshold; the calibrated threshold's outcome is
 * marked in red.
 */
export function tradeOffSvg(curve: readonly TradeOffPoint[], chosen: { in_scope_accuracy: number; oos_recall: number } | null, title = 'Router trade-off'): string {
  const x = (v: number) => PAD + v * (W - 2 * PAD);
  const y = (v: number) => H - PAD - v * (H - 2 * PAD);
  const path = curve.map((p, i) => `${i === 0 ? 'M' : 'L'}${x(p.oos_recall).toFixed(1)},${y(p.in_scope_accuracy).toFixed(1)}`).join(' ');
  const ticks = [0, 0.25, 0.5, 0.75, 1];
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="11">`,
    `<text x="${W / 2}" y="18" text-anchor="middle" font-size="14">${title}</text>`,
    `<rect x="${PAD}" y="${PAD}" width="${W - 2 * PAD}" height="${H - 2 * PAD}" fill="none" stroke="#999"/>`,
    ...ticks.flatMap((t) => [
      `<text x="${x(t)}" y="${H - PAD + 16}" text-anchor="middle">${t}</text>`,
      `<text x="${PAD - 6}" y="${y(t) + 4}" text-anchor="end">${t}</text>`,
      `<line x1="${x(t)}" y1="${PAD}" x2="${x(t)}" y2="${H - PAD}" stroke="#eee"/>`,
      `<line x1="${PAD}" y1="${y(t)}" x2="${W - PAD}" y2="${y(t)}" stroke="#eee"/>`,
    ]),
    `<text x="${W / 2}" y="${H - 10}" text-anchor="middle">out-of-scope recall</text>`,
    `<text x="14" y="${H / 2}" text-anchor="middle" transform="rotate(-90 14 ${H / 2})">in-scope accuracy</text>`,
    `<path d="${path}" fill="none" stroke="rgb(33,102,172)" stroke-width="2"/>`,
  ];
  if (chosen !== null) parts.push(`<circle cx="${x(chosen.oos_recall)}" cy="${y(chosen.in_scope_accuracy)}" r="5" fill="#d62728"><title>calibrated threshold</title></circle>`);
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}
