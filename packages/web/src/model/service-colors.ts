/** A palette readable on light and dark backgrounds (no greys: a grey bar reads as "disabled"). */
const PALETTE = ['#4e79a7', '#f28e2b', '#59a14f', '#b07aa1', '#76b7b2', '#e15759', '#edc948', '#ff9da7', '#9c755f', '#8cd17d', '#499894', '#d37295'];

/** FNV-1a over the name's UTF-16 code units: a cheap, well-spread hash. */
function hashName(name: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) {
    hash ^= name.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

/**
 * Colours for services shown together: each its stable colour unless another of them
 * already has it, then the next free one, so that no two of them look alike (up to the
 * palette's size). Names are taken in sorted order, so the result does not depend on
 * the order they are given in.
 */
export function assignServiceColors(serviceNames: Iterable<string>): Map<string, string> {
  const colors = new Map<string, string>();
  const taken = new Set<number>();
  for (const name of [...new Set(serviceNames)].sort()) {
    let index = hashName(name) % PALETTE.length;
    for (let tries = 0; taken.has(index) && tries < PALETTE.length; tries++) index = (index + 1) % PALETTE.length;
    taken.add(index);
    colors.set(name, PALETTE[index]);
  }
  return colors;
}
