/**
 * The sessions that entered one status, in the order they entered it.
 *
 * Entries are only ever appended, with a sequence number larger than any
 * before, so a page cursor is simply the last sequence number returned and a
 * session keeps its place for as long as it keeps the status. Removal is lazy:
 * the owner tells which entries are still live, and the list compacts itself
 * once dead entries outnumber live ones, so every operation is amortized O(1)
 * and a seek is O(log n).
 */
export interface ListEntry {
  /** Position in the list; unique and increasing across the whole store. */
  readonly listSeq: number;
}

const COMPACT_AT_LEAST = 1024;

export class StatusList<T extends ListEntry> {
  private entries: T[] = [];
  private dead = 0;

  constructor(private readonly isLive: (entry: T) => boolean) {}

  append(entry: T): void {
    this.entries.push(entry);
  }

  /** Records that one entry stopped being live; compacts when the dead dominate. */
  markDead(): void {
    this.dead += 1;
    if (this.dead >= COMPACT_AT_LEAST && this.dead * 2 >= this.entries.length) {
      this.entries = this.entries.filter(this.isLive);
      this.dead = 0;
    }
  }

  /**
   * Up to `limit` live entries after the cursor that `accept` keeps, and
   * whether any live, accepted entry follows them.
   */
  page(afterSeq: number, limit: number, accept: (entry: T) => boolean): { items: T[]; more: boolean } {
    const items: T[] = [];
    for (let i = this.firstAfter(afterSeq); i < this.entries.length; i++) {
      const entry = this.entries[i]!;
      if (!this.isLive(entry) || !accept(entry)) {
        continue;
      }
      if (items.length === limit) {
        return { items, more: true };
      }
      items.push(entry);
    }
    return { items, more: false };
  }

  private firstAfter(seq: number): number {
    let low = 0;
    let high = this.entries.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (this.entries[mid]!.listSeq <= seq) {
        low = mid + 1;
      } else {
        high = mid;
      }
    }
    return low;
  }
}
