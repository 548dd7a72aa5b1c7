import type { Confusion } from './metrics.ts';

const CELL = 28;
const FONT = 11;

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** White → blue by the share of the true label's row that went to this cell. */
function cellColor(share: number): string {
  const channel = (full: number) => Math.round(255 - share * (255 - full));
  return `rgb(${channel(33)},${channel(102)},${channel(172)})`;
}

/**
 * The confusion matrix as a standalone SVG heatmap: rows are true labels, columns are
 * decisions, colour is the row-normalized share, each cell shows its count.
 */
export function confusionMatrixSvg(confusion: Confusion, title = 'Router confusion matrix'): string {
  const { labels, matrix } = confusion;
  const margin = Math.max(...labels.map((l) => l.length), 4) * FONT * 0.62 + 16;
  const top = margin + 30;
  const size = labels.length * CELL;
  const width = Math.ceil(margin + size + 20);
  const height = Math.ceil(top + size + 40);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="${FONT}">`,
    `<text x="${width / 2}" y="18" text-anchor="middle" font-size="14">${escapeXml(title)}</text>`,
    `<text x="${margin + size / 2}" y="${height - 8}" text-anchor="middle">decided route</text>`,
    `<text transform="translate(12 ${top + size / 2}) rotate(-90)" text-anchor="middle">true route</text>`,
  ];
  labels.forEach((label, i) => {
    const y = top + i * CELL + CELL / 2 + FONT / 3;
    parts.push(`<text x="${margin - 6}" y="${y}" text-anchor="end">${escapeXml(label)}</text>`);
    const x = margin + i * CELL + CELL / 2;
    parts.push(`<text transform="translate(${x + FONT / 3} ${top - 6}) rotate(-60)">${escapeXml(label)}</text>`);
  });
  matrix.forEach((row, i) => {
    const total = row.reduce((a, b) => a + b, 0);
    row.forEach((count, j) => {
      const share = total === 0 ? 0 : count / total;
      const x = margin + j * CELL;
      const y = top + i * CELL;
      parts.push(`<rect x="${x}" y="${y}" width="${CELL}" height="${CELL}" fill="${cellColor(share)}" stroke="#ccc"><title>${escapeXml(`${labels[i]} → ${labels[j]}: ${count}`)}</title></rect>`);
      if (count > 0) {
        const ink = share > 0.5 ? '#fff' : '#222';
        parts.push(`<text x="${x + CELL / 2}" y="${y + CELL / 2 + FONT / 3}" text-anchor="middle" fill="${ink}">${count}</text>`);
      }
    });
  });
  parts.push('</svg>');
  return parts.join('\n');
}
