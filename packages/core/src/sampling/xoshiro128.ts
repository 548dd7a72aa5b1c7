/**
 * xoshiro128** (Blackman & Vigna, 2018): a small, fast PRNG with 128 bits of
 * state and a 2^128 − 1 period, written with 32-bit integer ops so it is exact
 * in JavaScript. Not cryptographic — it only has to make sampling reproducible.
 *
 * The state is filled from the seed by SplitMix32, run over the seed's low and
 * high 32-bit halves, so any safe integer (negative too) is a valid seed.
 */
export class Xoshiro128StarStar {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;

  /** Starts from an explicit 128-bit state (four 32-bit words, not all zero). */
  constructor(state: readonly [number, number, number, number]) {
    this.s0 = state[0] | 0;
    this.s1 = state[1] | 0;
    this.s2 = state[2] | 0;
    this.s3 = state[3] | 0;
    // The all-zero state is the one fixed point of the generator.
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }

  /** Seeds the generator from any safe integer; equal seeds give equal streams. */
  static fromSeed(seed: number): Xoshiro128StarStar {
    const low = splitMix32(seed >>> 0);
    const high = splitMix32((Math.floor(seed / 2 ** 32) >>> 0) ^ 0x6a09e667);
    return new Xoshiro128StarStar([low() ^ high(), low() ^ high(), low() ^ high(), low() ^ high()]);
  }

  /** Next 32 random bits as an unsigned integer. */
  nextUint32(): number {
    const result = Math.imul(rotateLeft(Math.imul(this.s1, 5), 7), 9);
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotateLeft(this.s3, 11);
    return result >>> 0;
  }

  /** Uniform double in [0, 1) with 53 random bits (two 32-bit draws). */
  nextFloat(): number {
    const high = this.nextUint32() >>> 5; // 27 bits
    const low = this.nextUint32() >>> 6; // 26 bits
    return (high * 67108864 + low) / 9007199254740992;
  }
}

function rotateLeft(x: number, bits: number): number {
  return (x << bits) | (x >>> (32 - bits));
}

/** SplitMix32 stream: turns one 32-bit seed into well-mixed, distinct state words. */
function splitMix32(seed: number): () => number {
  let state = seed | 0;
  return () => {
    state = (state + 0x9e3779b9) | 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x21f0aaad);
    z = Math.imul(z ^ (z >>> 15), 0x735a2d97);
    return (z ^ (z >>> 15)) >>> 0;
  };
}
