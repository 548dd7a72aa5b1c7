import type { CurvePoint, EvalPoint } from './checkpoint.ts';

const WIDTH = 640;
const HEIGHT = 360;
const MARGIN = 48;

function polyline(points: readonly { step: number; loss: number }[], x: (s: number) => number, y: (l: number) => number, color: string): string {
  if (points.length === 0) return '';
  const path = points.map((p) => `${x(p.step).toFixed(1)},${y(p.loss).toFixed(1)}`).join(' ');
  return `<polyline fill="none" stroke="${color}" stroke-width="1.5" points="${path}"/>`;
}

/** A self-contained SVG line chart of the training loss (blue) and held-out loss (orange) by step. */
export function lossCurveSvg(curve: readonly CurvePoint[], evals: readonly EvalPoint[]): string {
  const all = [...curve, ...evals].filter((p) => Number.isFinite(p.loss));
  const maxStep = Math.max(1, ...all.map((p) => p.step));
  const losses = all.map((p) => p.loss);
  const low = Math.min(0, ...losses);
  const high = Math.max(low + 1e-6, ...losses);
  const x = (step: number) => MARGIN + (step / maxStep) * (WIDTH - 2 * MARGIN);
  const y = (loss: number) => HEIGHT - MARGIN - ((loss - low) / (high - low)) * (HEIGHT - 2 * MARGIN);
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="sans-serif" font-size="11">`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="white"/>`,
    `<line x1="${MARGIN}" y1="${HEIGHT - MARGIN}" x2="${WIDTH - MARGIN}" y2="${HEIGHT - MARGIN}" stroke="black"/>`,
    `<line x1="${MARGIN}" y1="${MARGIN}" x2="${MARGIN}" y2="${HEIGHT - MARGIN}" stroke="black"/>`,
    `<text x="${MARGIN}" y="${MARGIN - 8}">loss ${high.toFixed(3)}</text>`,
    `<text x="4" y="${HEIGHT - MARGIN}">${low.toFixed(3)}</text>`,
    `<text x="${WIDTH - MARGIN}" y="${HEIGHT - MARGIN + 16}" text-anchor="end">step ${maxStep}</text>`,
    polyline(curve, x, y, '#1f77b4'),
    polyline(evals, x, y, '#ff7f0e'),
    `<text x="${WIDTH - MARGIN}" y="${MARGIN - 8}" text-anchor="end" fill="#1f77b4">train</text>`,
    `<text x="${WIDTH - MARGIN}" y="${MARGIN + 6}" text-anchor="end" fill="#ff7f0e">held-out</text>`,
    '</svg>',
    '',
  ].join('\n');
}
