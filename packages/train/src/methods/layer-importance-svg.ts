import type { LayerImportance } from './layer-importance.ts';

const WIDTH = 640;
const HEIGHT = 320;
const MARGIN = 48;
const SCORE_LABEL: Record<LayerImportance['probe'], string> = {
  gradient: 'gradient norm',
  scan: 'held-out loss drop',
  progressive: 'held-out loss drop when added',
};

/**
 * A self-contained SVG bar chart of a LISA probe's per-layer scores, one bar
 * per layer (layer 0 on the left); the selected layers are drawn in orange.
 * Negative scores (a probe that made the held-out loss worse) go below the axis.
 */
export function layerImportanceSvg(importance: LayerImportance): string {
  const { scores } = importance;
  const selected = new Set(importance.selected ?? []);
  const finite = scores.map((s) => (Number.isFinite(s) ? s : 0));
  const high = Math.max(1e-12, ...finite);
  const low = Math.min(0, ...finite);
  const plotHeight = HEIGHT - 2 * MARGIN;
  const y = (v: number) => MARGIN + ((high - v) / (high - low)) * plotHeight;
  const slot = (WIDTH - 2 * MARGIN) / Math.max(1, scores.length);
  const bars = finite.map((score, layer) => {
    const x = MARGIN + layer * slot + slot * 0.1;
    const top = Math.min(y(score), y(0));
    const height = Math.abs(y(score) - y(0));
    const color = selected.has(layer) ? '#ff7f0e' : '#1f77b4';
    return [
      `<rect x="${x.toFixed(1)}" y="${top.toFixed(1)}" width="${(slot * 0.8).toFixed(1)}" height="${height.toFixed(1)}" fill="${color}"><title>layer ${layer}: ${score}</title></rect>`,
      `<text x="${(x + slot * 0.4).toFixed(1)}" y="${HEIGHT - MARGIN + 14}" text-anchor="middle">${layer}</text>`,
    ].join('\n');
  });
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="sans-serif" font-size="11">`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="white"/>`,
    `<text x="${MARGIN}" y="${MARGIN - 24}">layer importance (${importance.probe} probe: ${SCORE_LABEL[importance.probe]}); orange: selected</text>`,
    `<text x="${MARGIN - 4}" y="${MARGIN + 4}" text-anchor="end">${high.toPrecision(3)}</text>`,
    `<text x="${MARGIN - 4}" y="${(y(0) + 4).toFixed(1)}" text-anchor="end">0</text>`,
    ...bars,
    `<line x1="${MARGIN}" y1="${y(0).toFixed(1)}" x2="${WIDTH - MARGIN}" y2="${y(0).toFixed(1)}" stroke="black"/>`,
    `<text x="${WIDTH - MARGIN}" y="${HEIGHT - MARGIN + 30}" text-anchor="end">layer</text>`,
    '</svg>',
    '',
  ].join('\n');
}
