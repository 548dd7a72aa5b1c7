/**
 * A small, fast, seeded PRNG (mulberry32) with normal samplers: fixtures and
 * tests must be identical on every machine and run, and fast enough to fill
 * gigabytes of weights. Not for cryptography.
 */
export class SeededRandom {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** A uniform 32-bit unsigned integer. */
  nextUint32(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.nextUint32() / 4294967296;
  }

  /** Uniform in [0, 1) (alias of next). */
  nextFloat(): number {
    return this.next();
  }

  /** Uniform integer in [0, n). */
  nextInt(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** One element of a non-empty list. */
  pick<T>(items: readonly T[]): T {
    return items[this.nextInt(items.length)] as T;
  }

  /** A shuffled copy (Fisher–Yates). */
  shuffled<T>(items: readonly T[]): T[] {
    const out = items.slice();
    for (let i = out.length - 1; i > 0; i--) {
      const j = this.nextInt(i + 1);
      [out[i], out[j]] = [out[j] as T, out[i] as T];
    }
    return out;
  }

  /** One standard normal sample. */
  normal(): number {
    const u = 1 - this.next(); // in (0, 1], so the log is finite
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.next());
  }

  /** `count` samples of N(offset, scale²). */
  normals(count: number, scale = 1, offset = 0): Float32Array {
    return this.fillNormal(new Float32Array(count), offset, scale);
  }

  /**
   * Fills `out` with samples of N(mean, std²) by the polar form of Box-Muller
   * (Marsaglia): two samples per accepted point, no trigonometry, so it is
   * about 1.5× faster than the basic form.
   */
  fillNormal(out: Float32Array, mean: number, std: number): Float32Array {
    for (let i = 0; i < out.length; i += 2) {
      let u: number;
      let v: number;
      let s: number;
      do {
        u = this.nextUint32() / 2147483648 - 1;
        v = this.nextUint32() / 2147483648 - 1;
        s = u * u + v * v;
      } while (s >= 1 || s === 0);
      const scale = std * Math.sqrt((-2 * Math.log(s)) / s);
      out[i] = mean + u * scale;
      if (i + 1 < out.length) out[i + 1] = mean + v * scale;
    }
    return out;
  }
}

/** 32-bit FNV-1a of a string's UTF-16 code units, its offset basis mixed with `seed`. */
export function fnv1a(text: string, seed = 0): number {
  let hash = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

/** A 32-bit seed derived from a base seed and a label, so each tensor's values do not depend on generation order. */
export function deriveSeed(seed: number, label: string): number {
  return fnv1a(label, seed);
}
