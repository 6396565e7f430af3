/** List helpers (internal). */

/** Splits a list into chunks of at most `size` items. */
export function chunk<T>(items: readonly T[], size: number): T[][] {
  if (!(size >= 1)) throw new Error(`internal error: chunk size ${size}`);
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * Greedy packing, in order: a group is closed when the next item would take its weight past
 * `capacity`. An item heavier than `capacity` gets a group of its own (the caller checks).
 */
export function packByWeight<T>(items: readonly T[], weight: (item: T) => number, capacity: number): T[][] {
  const groups: T[][] = [];
  let current: T[] = [];
  let load = 0;
  for (const item of items) {
    const w = weight(item);
    if (load + w > capacity && current.length > 0) {
      groups.push(current);
      current = [];
      load = 0;
    }
    current.push(item);
    load += w;
  }
  if (current.length > 0) groups.push(current);
  return groups;
}
